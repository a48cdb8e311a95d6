import * as tf from '@tensorflow/tfjs';
import { z } from 'zod';
import { BatchNormalization } from '../layers/batch-normalization';
import { deriveSeed } from '../random/seeded-random';
import type { EncoderConfigV1 } from '../spec/encoder-v1';
import type { CollectiveGroup } from '../training/data-parallel/collective-ops';
import { SyncBatchNormalization } from '../training/data-parallel/sync-batch-normalization';
import { LayersEncoder } from './layers-encoder';
import { validateEncoderOptions } from './validate-encoder-options';

const positiveInteger = z.number().int().positive();

/**
 * Options of {@link createConvNetEncoder}. The defaults are the SimCLR bench encoder:
 * conv(32, 3×3, same, no bias)-BN-ReLU-maxpool2, conv(64, 3×3, same, no bias)-BN-ReLU-maxpool2,
 * flatten, dense 128 + ReLU.
 */
export const convNetEncoderOptionsSchema = z.strictObject({
  /** One example `[H, W, C]`. @default [28, 28, 1] */
  inputShape: z.tuple([positiveInteger, positiveInteger, positiveInteger]).default([28, 28, 1]),
  /** Filters of each conv block (one block per entry). @default [32, 64] */
  channels: z.array(positiveInteger).min(1).default([32, 64]),
  /** Square kernel size of every conv. @default 3 */
  kernelSize: positiveInteger.default(3),
  /** BatchNormalization after each conv (the conv then has no bias). @default true */
  batchNormalization: z.boolean().default(true),
  /** BatchNormalization momentum (weight of the old moving statistics; PyTorch's default). @default 0.9 */
  batchNormalizationMomentum: z.number().min(0).max(1).default(0.9),
  /** Size of the representation (the dense layer, followed by ReLU). @default 128 */
  outputSize: positiveInteger.default(128),
  /** Seed of the weight initializers. @default 0 */
  seed: z.number().int().min(0).default(0),
});

/** What {@link createConvNetEncoder} accepts (every field optional). */
export type ConvNetEncoderOptions = z.input<typeof convNetEncoderOptionsSchema>;
/** {@link ConvNetEncoderOptions} with the defaults filled in. */
export type ConvNetEncoderSettings = z.output<typeof convNetEncoderOptionsSchema>;

/**
 * How {@link createConvNetEncoder} builds the layers, beyond the saved config: not serialized, so a
 * checkpoint written with these options loads without them.
 */
export type ConvNetEncoderBuildOptions = {
  /**
   * A data-parallel worker's group (the `group` a workload export receives): every
   * BatchNormalization becomes a {@link SyncBatchNormalization}, whose training statistics are
   * those of the global batch, so N workers normalize as one worker does on the whole batch.
   * @default undefined (per-batch statistics of this process)
   */
  readonly group?: CollectiveGroup;
};

/** The `type` of the ConvNet encoder in configs and checkpoints. */
export const convNetEncoderType = 'conv-net';

/**
 * A small convolutional image encoder: blocks of conv-BN-ReLU-maxpool2, then flatten and a dense
 * layer with ReLU as the representation `[B, outputSize]`.
 *
 * Built by {@link createConvNetEncoder}; rebuilt around a loaded model by
 * {@link ConvNetEncoder.fromModel}. Input: images `[B, H, W, C]` float32 (channels last).
 */
export class ConvNetEncoder extends LayersEncoder {
  /** The options in effect (defaults filled in). */
  readonly settings: ConvNetEncoderSettings;

  private constructor(settings: ConvNetEncoderSettings, model: tf.LayersModel) {
    super({
      type: convNetEncoderType,
      config: { type: convNetEncoderType, ...settings },
      inputSpec: { modality: 'image', shape: [...settings.inputShape], dtype: 'float32' },
      outputSize: settings.outputSize,
      model,
    });
    this.settings = settings;
  }

  /** Builds a fresh, seeded encoder from options. Prefer {@link createConvNetEncoder}. */
  static create(
    options: ConvNetEncoderOptions = {},
    build: ConvNetEncoderBuildOptions = {},
  ): ConvNetEncoder {
    const settings = validateEncoderOptions(
      'createConvNetEncoder',
      convNetEncoderOptionsSchema,
      options,
    );
    return new ConvNetEncoder(settings, buildConvNetModel(settings, build));
  }

  /**
   * Rebuilds an encoder around a model loaded with `tf.loadLayersModel` (call
   * `registerVisionLayers()` first) and the config from {@link ConvNetEncoder.getConfig}.
   *
   * @param model the loaded model.
   * @param config the saved encoder config (`type: 'conv-net'`).
   * @returns the encoder, sharing `model`'s weights.
   * @example const encoder = ConvNetEncoder.fromModel(await tf.loadLayersModel(handler), config);
   */
  static fromModel(model: tf.LayersModel, config: EncoderConfigV1): ConvNetEncoder {
    const { type, ...options } = config;
    if (type !== convNetEncoderType) {
      throw new Error(
        `ConvNetEncoder.fromModel: config.type is '${type}', expected '${convNetEncoderType}'.`,
      );
    }
    const settings = validateEncoderOptions(
      'ConvNetEncoder.fromModel',
      convNetEncoderOptionsSchema,
      options,
    );
    const outputShape = model.outputs[0]?.shape;
    if (outputShape?.[1] !== settings.outputSize) {
      throw new Error(
        `ConvNetEncoder.fromModel: the model outputs ${JSON.stringify(outputShape)} but the config says outputSize ${settings.outputSize}; pass the config saved with this model.`,
      );
    }
    return new ConvNetEncoder(settings, model);
  }
}

function buildConvNetModel(
  settings: ConvNetEncoderSettings,
  build: ConvNetEncoderBuildOptions,
): tf.LayersModel {
  const smallestSide = Math.min(settings.inputShape[0], settings.inputShape[1]);
  if (smallestSide < 2 ** settings.channels.length) {
    throw new Error(
      `createConvNetEncoder: ${settings.channels.length} blocks halve ${settings.inputShape[0]}×${settings.inputShape[1]} images below 1×1; use fewer channels entries or larger images.`,
    );
  }
  const input = tf.input({ shape: [...settings.inputShape], name: 'images' });
  let x: tf.SymbolicTensor = input;
  settings.channels.forEach((filters, index) => {
    const block = index + 1;
    x = tf.layers
      .conv2d({
        filters,
        kernelSize: settings.kernelSize,
        padding: 'same',
        useBias: !settings.batchNormalization,
        kernelInitializer: tf.initializers.glorotUniform({
          seed: deriveSeed(settings.seed, index),
        }),
        name: `conv_${block}`,
      })
      .apply(x) as tf.SymbolicTensor;
    if (settings.batchNormalization) {
      const normalization = {
        momentum: settings.batchNormalizationMomentum,
        name: `batch_normalization_${block}`,
      };
      x = (
        build.group === undefined
          ? new BatchNormalization(normalization)
          : new SyncBatchNormalization({ ...normalization, group: build.group })
      ).apply(x) as tf.SymbolicTensor;
    }
    x = tf.layers
      .activation({ activation: 'relu', name: `relu_${block}` })
      .apply(x) as tf.SymbolicTensor;
    x = tf.layers
      .maxPooling2d({ poolSize: 2, strides: 2, name: `pool_${block}` })
      .apply(x) as tf.SymbolicTensor;
  });
  x = tf.layers.flatten({ name: 'flatten' }).apply(x) as tf.SymbolicTensor;
  const representation = tf.layers
    .dense({
      units: settings.outputSize,
      activation: 'relu',
      kernelInitializer: tf.initializers.glorotUniform({
        seed: deriveSeed(settings.seed, settings.channels.length),
      }),
      name: 'representation',
    })
    .apply(x) as tf.SymbolicTensor;
  return tf.model({ inputs: input, outputs: representation, name: 'conv_net_encoder' });
}

/**
 * Creates a small convolutional image encoder (an {@link EncoderV1}); its defaults are exactly the
 * SimCLR bench encoder (Chen et al. 2020, "A Simple Framework for Contrastive Learning of Visual
 * Representations", small-image variant).
 *
 * Each entry of `channels` adds conv(k×k, same, no bias)-BatchNormalization-ReLU-maxpool2; then
 * flatten and dense(`outputSize`) + ReLU give the representation `[B, outputSize]`. Dense weights
 * are `[in, out]` (one 2-D matMul). BatchNormalization uses batch statistics when
 * `doEncode(x, { training: true })`; in a data-parallel worker, pass its `group` so that they are
 * the global batch's (SyncBN).
 *
 * @param options see {@link convNetEncoderOptionsSchema}; all optional.
 * @param build layer options that are not saved (the data-parallel group).
 * @returns the encoder; `getConfig()` rebuilds it, `ConvNetEncoder.fromModel` reloads it.
 * @example
 * const encoder = createConvNetEncoder(); // 28×28×1 → 128
 * const z = encoder.doEncode(images, { training: true });
 */
export function createConvNetEncoder(
  options: ConvNetEncoderOptions = {},
  build: ConvNetEncoderBuildOptions = {},
): ConvNetEncoder {
  return ConvNetEncoder.create(options, build);
}
