import * as tf from '@tensorflow/tfjs';
import { z } from 'zod';
import { BatchNormalization } from '../layers/batch-normalization';
import { deriveSeed } from '../random/seeded-random';
import type { EncoderConfigV1 } from '../spec/encoder-v1';
import { LayersEncoder } from './layers-encoder';
import { validateEncoderOptions } from './validate-encoder-options';

const positiveInteger = z.number().int().positive();

/** Options of {@link createResNetEncoder}: a CIFAR-style ResNet-(6n+2) for small images. */
export const resNetEncoderOptionsSchema = z.strictObject({
  /** One example `[H, W, C]`. @default [28, 28, 1] */
  inputShape: z.tuple([positiveInteger, positiveInteger, positiveInteger]).default([28, 28, 1]),
  /**
   * Number of weighted layers, 6n + 2 (n basic blocks in each of the three stages): 8, 14, 20, 32, 44, 56, 110.
   * @default 8
   */
  depth: z
    .number()
    .int()
    .min(8)
    .refine((depth) => (depth - 2) % 6 === 0, 'depth must be 6n + 2 (8, 14, 20, 32, …)')
    .default(8),
  /** Filters of the first stage; the second and third stages have 2× and 4×. @default 16 */
  width: positiveInteger.default(16),
  /** BatchNormalization momentum (weight of the old moving statistics; PyTorch's default). @default 0.9 */
  batchNormalizationMomentum: z.number().min(0).max(1).default(0.9),
  /** Seed of the weight initializers. @default 0 */
  seed: z.number().int().min(0).default(0),
});

/** What {@link createResNetEncoder} accepts (every field optional). */
export type ResNetEncoderOptions = z.input<typeof resNetEncoderOptionsSchema>;
/** {@link ResNetEncoderOptions} with the defaults filled in. */
export type ResNetEncoderSettings = z.output<typeof resNetEncoderOptionsSchema>;

/** The `type` of the ResNet encoder in configs and checkpoints. */
export const resNetEncoderType = 'res-net';

/**
 * A CIFAR-style residual network for small images (He et al. 2016, "Deep Residual Learning for
 * Image Recognition", section 4.2): the representation is the global average pool of the last
 * stage, `[B, 4·width]`.
 *
 * Built by {@link createResNetEncoder}; rebuilt around a loaded model by {@link ResNetEncoder.fromModel}.
 */
export class ResNetEncoder extends LayersEncoder {
  /** The options in effect (defaults filled in). */
  readonly settings: ResNetEncoderSettings;

  private constructor(settings: ResNetEncoderSettings, model: tf.LayersModel) {
    super({
      type: resNetEncoderType,
      config: { type: resNetEncoderType, ...settings },
      inputSpec: { modality: 'image', shape: [...settings.inputShape], dtype: 'float32' },
      outputSize: 4 * settings.width,
      model,
    });
    this.settings = settings;
  }

  /** Builds a fresh, seeded encoder from options. Prefer {@link createResNetEncoder}. */
  static create(options: ResNetEncoderOptions = {}): ResNetEncoder {
    const settings = validateEncoderOptions(
      'createResNetEncoder',
      resNetEncoderOptionsSchema,
      options,
    );
    return new ResNetEncoder(settings, buildResNetModel(settings));
  }

  /**
   * Rebuilds an encoder around a model loaded with `tf.loadLayersModel` (call
   * `registerVisionLayers()` first) and the config from {@link ResNetEncoder.getConfig}.
   *
   * @param model the loaded model.
   * @param config the saved encoder config (`type: 'res-net'`).
   * @returns the encoder, sharing `model`'s weights.
   * @example const encoder = ResNetEncoder.fromModel(await tf.loadLayersModel(handler), config);
   */
  static fromModel(model: tf.LayersModel, config: EncoderConfigV1): ResNetEncoder {
    const { type, ...options } = config;
    if (type !== resNetEncoderType) {
      throw new Error(
        `ResNetEncoder.fromModel: config.type is '${type}', expected '${resNetEncoderType}'.`,
      );
    }
    const settings = validateEncoderOptions(
      'ResNetEncoder.fromModel',
      resNetEncoderOptionsSchema,
      options,
    );
    const outputShape = model.outputs[0]?.shape;
    if (outputShape?.[1] !== 4 * settings.width) {
      throw new Error(
        `ResNetEncoder.fromModel: the model outputs ${JSON.stringify(outputShape)} but the config's width ${settings.width} gives ${4 * settings.width}; pass the config saved with this model.`,
      );
    }
    return new ResNetEncoder(settings, model);
  }
}

type Builder = {
  readonly settings: ResNetEncoderSettings;
  layerIndex: number;
};

function convolution(
  builder: Builder,
  x: tf.SymbolicTensor,
  filters: number,
  kernelSize: number,
  strides: number,
  name: string,
) {
  builder.layerIndex += 1;
  return tf.layers
    .conv2d({
      filters,
      kernelSize,
      strides,
      padding: 'same',
      useBias: false,
      kernelInitializer: tf.initializers.heNormal({
        seed: deriveSeed(builder.settings.seed, builder.layerIndex),
      }),
      name,
    })
    .apply(x) as tf.SymbolicTensor;
}

function normalization(builder: Builder, x: tf.SymbolicTensor, name: string): tf.SymbolicTensor {
  return new BatchNormalization({
    momentum: builder.settings.batchNormalizationMomentum,
    name,
  }).apply(x) as tf.SymbolicTensor;
}

function relu(x: tf.SymbolicTensor, name: string): tf.SymbolicTensor {
  return tf.layers.activation({ activation: 'relu', name }).apply(x) as tf.SymbolicTensor;
}

/** A basic block: conv3×3-BN-ReLU-conv3×3-BN, plus the shortcut (1×1 conv + BN when the shape changes), then ReLU. */
function basicBlock(
  builder: Builder,
  x: tf.SymbolicTensor,
  filters: number,
  strides: number,
  name: string,
): tf.SymbolicTensor {
  let residual = convolution(builder, x, filters, 3, strides, `${name}_conv_1`);
  residual = normalization(builder, residual, `${name}_batch_normalization_1`);
  residual = relu(residual, `${name}_relu_1`);
  residual = convolution(builder, residual, filters, 3, 1, `${name}_conv_2`);
  residual = normalization(builder, residual, `${name}_batch_normalization_2`);
  let shortcut = x;
  if (strides !== 1 || x.shape[x.shape.length - 1] !== filters) {
    shortcut = convolution(builder, x, filters, 1, strides, `${name}_shortcut_conv`);
    shortcut = normalization(builder, shortcut, `${name}_shortcut_batch_normalization`);
  }
  const sum = tf.layers
    .add({ name: `${name}_add` })
    .apply([residual, shortcut]) as tf.SymbolicTensor;
  return relu(sum, `${name}_relu_2`);
}

function buildResNetModel(settings: ResNetEncoderSettings): tf.LayersModel {
  const blocksPerStage = (settings.depth - 2) / 6;
  const builder: Builder = { settings, layerIndex: 0 };
  const input = tf.input({ shape: [...settings.inputShape], name: 'images' });
  let x = convolution(builder, input, settings.width, 3, 1, 'stem_conv');
  x = normalization(builder, x, 'stem_batch_normalization');
  x = relu(x, 'stem_relu');
  for (let stage = 0; stage < 3; stage++) {
    for (let block = 0; block < blocksPerStage; block++) {
      const strides = stage > 0 && block === 0 ? 2 : 1;
      x = basicBlock(
        builder,
        x,
        settings.width * 2 ** stage,
        strides,
        `stage_${stage + 1}_block_${block + 1}`,
      );
    }
  }
  const pooled = tf.layers
    .globalAveragePooling2d({ name: 'representation' })
    .apply(x) as tf.SymbolicTensor;
  return tf.model({ inputs: input, outputs: pooled, name: 'res_net_encoder' });
}

/**
 * Creates a small CIFAR-style ResNet image encoder (an {@link EncoderV1}), He et al. 2016
 * ("Deep Residual Learning for Image Recognition", CIFAR-10 architecture).
 *
 * Stem conv3×3(`width`)-BN-ReLU, then three stages of n = (depth − 2)/6 basic blocks with
 * `width`, 2·`width`, 4·`width` filters (the first block of stages 2 and 3 has stride 2 and a
 * 1×1-conv + BN projection shortcut, option B), then global average pooling: the representation
 * `[B, 4·width]`. 28×28 inputs give 28 → 14 → 7 feature maps. Convs have no bias (BN follows),
 * He-normal seeded initializers.
 *
 * @param options see {@link resNetEncoderOptionsSchema}; all optional (`depth` 8, `width` 16).
 * @returns the encoder; `getConfig()` rebuilds it, `ResNetEncoder.fromModel` reloads it.
 * @example
 * const encoder = createResNetEncoder({ depth: 20, width: 16 }); // 28×28×1 → 64
 */
export function createResNetEncoder(options: ResNetEncoderOptions = {}): ResNetEncoder {
  return ResNetEncoder.create(options);
}
