import {
  createConvNetEncoder,
  createTransformerEncoder,
  encode,
  SeededRandom,
} from '@selfsup/core';
import * as tf from '@tensorflow/tfjs';
import { convNetForwardFlops, transformerForwardFlops } from '../flops/inference-flops';
import { type FixedImages, fixedImages } from './fixed-images';
import type { TrainingStep, Workload } from './workload';

/** The configuration of the ConvNet `encode` workload. */
export type EncodeConvNetConfig = {
  /** The fixed images: MNIST's first test images, or uniform noise. */
  readonly images: FixedImages;
  /** Image side S (28 for MNIST); 1 channel. */
  readonly imageSize: number;
  /** Images per `encode` call (one forward batch). */
  readonly batchSize: number;
  /** Filters of the two conv blocks, and the representation width. */
  readonly filters: readonly [number, number];
  readonly outputSize: number;
};

/** The ConvNet `encode` workload: core's ConvNet defaults (32, 64 filters, 128-d) on 256 MNIST test images. */
export const encodeConvNetBenchConfig: EncodeConvNetConfig = {
  images: 'mnist',
  imageSize: 28,
  batchSize: 256,
  filters: [32, 64],
  outputSize: 128,
};

/** The configuration of the Transformer `encode` workload. */
export type EncodeTransformerConfig = {
  /** Vocabulary V. */
  readonly vocabularySize: number;
  /** Tokens per sequence T. */
  readonly sequenceLength: number;
  /** Sequences per `encode` call. */
  readonly batchSize: number;
  /** Blocks, heads and width. */
  readonly layers: number;
  readonly heads: number;
  readonly dimensions: number;
};

/**
 * The Transformer `encode` workload: the BERT workload's encoder shape (bidirectional, 4 blocks
 * × 128 dims, 4 heads, vocab 6,000, mean pooling) on 32 seeded sequences of 128 tokens.
 */
export const encodeTransformerBenchConfig: EncodeTransformerConfig = {
  vocabularySize: 6000,
  sequenceLength: 128,
  batchSize: 32,
  layers: 4,
  heads: 4,
  dimensions: 128,
};

function encodeStep(
  encoder: { dispose(): void; model: tf.LayersModel },
  inputs: tf.Tensor,
  run: () => tf.Tensor,
): TrainingStep {
  return {
    parameterCount: encoder.model.countParams(),
    step(): number {
      const features = run();
      // Σ x² (a plain sum is 0 after a final LayerNorm): a finite check that the features exist.
      const sum = tf.tidy(() => features.square().sum());
      features.dispose();
      const value = sum.dataSync()[0]!;
      sum.dispose();
      return value;
    },
    dispose(): void {
      encoder.dispose();
      inputs.dispose();
    },
  };
}

/**
 * Builds a live `encode` step of core's ConvNet encoder: one `encode(encoder, images)` call on a
 * fixed batch (inference mode, pooled `[B, 128]` features); `step()` returns their sum of squares.
 *
 * @param seed seeds the weights (and uniform images).
 * @param config the workload configuration.
 * @default config {@link encodeConvNetBenchConfig}
 * @returns a {@link TrainingStep} (inference).
 * @example const step = createEncodeConvNetStep(0); step.step(); step.dispose();
 */
export function createEncodeConvNetStep(
  seed: number,
  config: EncodeConvNetConfig = encodeConvNetBenchConfig,
): TrainingStep {
  const images = fixedImages(config.images, config.batchSize, config.imageSize, seed);
  const encoder = createConvNetEncoder({
    inputShape: [config.imageSize, config.imageSize, 1],
    channels: [...config.filters],
    outputSize: config.outputSize,
    seed,
  });
  return encodeStep(encoder, images, () =>
    encode(encoder, images, { batchSize: config.batchSize }),
  );
}

/**
 * Builds a live `encode` step of core's Transformer encoder: one `encode(encoder, ids)` call on
 * fixed seeded token ids (pooled `[B, C]` features); `step()` returns their sum of squares.
 *
 * @param seed seeds the weights and the ids.
 * @param config the workload configuration.
 * @default config {@link encodeTransformerBenchConfig}
 * @returns a {@link TrainingStep} (inference).
 * @example const step = createEncodeTransformerStep(0); step.step(); step.dispose();
 */
export function createEncodeTransformerStep(
  seed: number,
  config: EncodeTransformerConfig = encodeTransformerBenchConfig,
): TrainingStep {
  const random = new SeededRandom(seed);
  const values = new Int32Array(config.batchSize * config.sequenceLength);
  for (let i = 0; i < values.length; i++) values[i] = random.nextInt(config.vocabularySize);
  const ids = tf.tensor2d(values, [config.batchSize, config.sequenceLength], 'int32');
  const encoder = createTransformerEncoder({
    vocabularySize: config.vocabularySize,
    maxLength: config.sequenceLength,
    layers: config.layers,
    heads: config.heads,
    embeddingSize: config.dimensions,
    seed,
  });
  return encodeStep(encoder, ids, () => encode(encoder, ids, { batchSize: config.batchSize }));
}

/** `encode` throughput of core's ConvNet encoder on MNIST, images/s. */
export const encodeConvNetWorkload: Workload = {
  name: 'encode-convnet',
  kind: 'inference',
  description:
    "encode(): core's ConvNet encoder (32, 64 filters, 128-d), 256 MNIST test images per call",
  unit: 'images',
  unitsPerStep: encodeConvNetBenchConfig.batchSize,
  flopsPerStep: convNetForwardFlops(
    { ...encodeConvNetBenchConfig, channels: 1 },
    encodeConvNetBenchConfig.batchSize,
  ),
  createStep: (seed) => createEncodeConvNetStep(seed),
};

/** `encode` throughput of core's Transformer encoder, tokens/s. */
export const encodeTransformerWorkload: Workload = {
  name: 'encode-transformer',
  kind: 'inference',
  description:
    "encode(): core's Transformer encoder (bidirectional, 4L/4H/128d, vocab 6,000), 32 × 128 tokens per call",
  unit: 'tokens',
  unitsPerStep:
    encodeTransformerBenchConfig.batchSize * encodeTransformerBenchConfig.sequenceLength,
  flopsPerStep: transformerForwardFlops(
    encodeTransformerBenchConfig,
    encodeTransformerBenchConfig.batchSize,
    encodeTransformerBenchConfig.sequenceLength,
  ),
  createStep: (seed) => createEncodeTransformerStep(seed),
};
