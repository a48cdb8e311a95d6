import * as tf from '@tensorflow/tfjs';
import { z } from 'zod';
import { BatchNormalization } from '../layers/batch-normalization';
import { SeededDropout } from '../layers/seeded-dropout';
import { deriveSeed } from '../random/seeded-random';
import type { EncoderConfigV1 } from '../spec/encoder-v1';
import { LayersEncoder } from './layers-encoder';
import { validateEncoderOptions } from './validate-encoder-options';

const positiveInteger = z.number().int().positive();

/** Activations the MLP encoder offers (tfjs-layers names; `gelu` is the exact erf form). */
export const mlpActivations = [
  'relu',
  'gelu',
  'elu',
  'selu',
  'tanh',
  'sigmoid',
  'swish',
  'linear',
] as const;

/** Options of {@link createMlpEncoder}. */
export const mlpEncoderOptionsSchema = z.strictObject({
  /**
   * One example: `[D]` for vectors, `[H, W, C]` (or any rank > 1) for images, which are flattened.
   * @default [784]
   */
  inputShape: z.array(positiveInteger).min(1).default([784]),
  /** Width of each layer; the last one is the representation size. @default [256, 128] */
  hiddenSizes: z.array(positiveInteger).min(1).default([256, 128]),
  /** Activation after every layer (the representation included). @default 'relu' */
  activation: z.enum(mlpActivations).default('relu'),
  /** BatchNormalization between each dense layer (then without bias) and its activation. @default false */
  batchNormalization: z.boolean().default(false),
  /** Dropout rate after each hidden activation (not after the representation); 0 turns it off. @default 0 */
  dropout: z.number().min(0).lt(1).default(0),
  /** Seed of the weight initializers. @default 0 */
  seed: z.number().int().min(0).default(0),
});

/** What {@link createMlpEncoder} accepts (every field optional). */
export type MlpEncoderOptions = z.input<typeof mlpEncoderOptionsSchema>;
/** {@link MlpEncoderOptions} with the defaults filled in. */
export type MlpEncoderSettings = z.output<typeof mlpEncoderOptionsSchema>;

/** The `type` of the MLP encoder in configs and checkpoints. */
export const mlpEncoderType = 'mlp';

/**
 * A multilayer perceptron encoder for vectors `[B, D]` or flattened images `[B, H, W, C]`.
 *
 * Built by {@link createMlpEncoder}; rebuilt around a loaded model by {@link MlpEncoder.fromModel}.
 */
export class MlpEncoder extends LayersEncoder {
  /** The options in effect (defaults filled in). */
  readonly settings: MlpEncoderSettings;

  private constructor(settings: MlpEncoderSettings, model: tf.LayersModel) {
    super({
      type: mlpEncoderType,
      config: { type: mlpEncoderType, ...settings },
      inputSpec: {
        modality: settings.inputShape.length === 1 ? 'vector' : 'image',
        shape: [...settings.inputShape],
        dtype: 'float32',
      },
      outputSize: settings.hiddenSizes[settings.hiddenSizes.length - 1]!,
      model,
    });
    this.settings = settings;
  }

  /** Builds a fresh, seeded encoder from options. Prefer {@link createMlpEncoder}. */
  static create(options: MlpEncoderOptions = {}): MlpEncoder {
    const settings = validateEncoderOptions('createMlpEncoder', mlpEncoderOptionsSchema, options);
    return new MlpEncoder(settings, buildMlpModel(settings));
  }

  /**
   * Rebuilds an encoder around a model loaded with `tf.loadLayersModel` (call
   * `registerVisionLayers()` first) and the config from {@link MlpEncoder.getConfig}.
   *
   * @param model the loaded model.
   * @param config the saved encoder config (`type: 'mlp'`).
   * @returns the encoder, sharing `model`'s weights.
   * @example const encoder = MlpEncoder.fromModel(await tf.loadLayersModel(handler), config);
   */
  static fromModel(model: tf.LayersModel, config: EncoderConfigV1): MlpEncoder {
    const { type, ...options } = config;
    if (type !== mlpEncoderType) {
      throw new Error(
        `MlpEncoder.fromModel: config.type is '${type}', expected '${mlpEncoderType}'.`,
      );
    }
    const settings = validateEncoderOptions(
      'MlpEncoder.fromModel',
      mlpEncoderOptionsSchema,
      options,
    );
    const outputShape = model.outputs[0]?.shape;
    const outputSize = settings.hiddenSizes[settings.hiddenSizes.length - 1];
    if (outputShape?.[1] !== outputSize) {
      throw new Error(
        `MlpEncoder.fromModel: the model outputs ${JSON.stringify(outputShape)} but the config's last hidden size is ${outputSize}; pass the config saved with this model.`,
      );
    }
    return new MlpEncoder(settings, model);
  }
}

function buildMlpModel(settings: MlpEncoderSettings): tf.LayersModel {
  const input = tf.input({ shape: [...settings.inputShape], name: 'inputs' });
  let x: tf.SymbolicTensor = input;
  if (settings.inputShape.length > 1)
    x = tf.layers.flatten({ name: 'flatten' }).apply(x) as tf.SymbolicTensor;
  settings.hiddenSizes.forEach((units, index) => {
    const layer = index + 1;
    const isRepresentation = index === settings.hiddenSizes.length - 1;
    x = tf.layers
      .dense({
        units,
        useBias: !settings.batchNormalization,
        kernelInitializer: tf.initializers.glorotUniform({
          seed: deriveSeed(settings.seed, index),
        }),
        name: isRepresentation ? 'representation' : `dense_${layer}`,
      })
      .apply(x) as tf.SymbolicTensor;
    if (settings.batchNormalization) {
      x = new BatchNormalization({ name: `batch_normalization_${layer}` }).apply(
        x,
      ) as tf.SymbolicTensor;
    }
    x = tf.layers
      .activation({ activation: settings.activation, name: `activation_${layer}` })
      .apply(x) as tf.SymbolicTensor;
    if (settings.dropout > 0 && !isRepresentation) {
      x = new SeededDropout({
        rate: settings.dropout,
        seed: deriveSeed(settings.seed, 1000 + layer),
        name: `dropout_${layer}`,
      }).apply(x) as tf.SymbolicTensor;
    }
  });
  return tf.model({ inputs: input, outputs: x, name: 'mlp_encoder' });
}

/**
 * Creates a multilayer perceptron encoder (an {@link EncoderV1}) for vectors `[B, D]` or
 * flattened images.
 *
 * Each entry of `hiddenSizes` adds dense (`[in, out]` weights, one 2-D matMul) → optional
 * BatchNormalization → activation → optional dropout (hidden layers only); the last layer's
 * activations are the representation `[B, hiddenSizes.at(-1)]`. Inputs of rank > 1 (images)
 * are flattened first. Dropout draws a fresh mask per call from a seeded stream (reproducible
 * runs), active only with `{ training: true }`.
 *
 * @param options see {@link mlpEncoderOptionsSchema}; all optional (`[784]` → 256 → 128, ReLU).
 * @returns the encoder; `getConfig()` rebuilds it, `MlpEncoder.fromModel` reloads it.
 * @example
 * const encoder = createMlpEncoder({ inputShape: [28, 28, 1], hiddenSizes: [512, 128], batchNormalization: true });
 */
export function createMlpEncoder(options: MlpEncoderOptions = {}): MlpEncoder {
  return MlpEncoder.create(options);
}
