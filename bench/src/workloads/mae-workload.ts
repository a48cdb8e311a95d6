import { createVitEncoder } from '@selfsup/core';
import { createMae } from '@selfsup/masked-prediction';
import { maeStepFlops } from '../flops/mae-step-flops';
import { type FixedImages, fixedImages } from './fixed-images';
import { createObjectiveStep, type ObjectiveStepOptimizer } from './objective-step';
import type { TrainingStep, Workload } from './workload';

/** The configuration of the MAE workload. */
export type MaeWorkloadConfig = ObjectiveStepOptimizer & {
  /** The fixed images: MNIST's first test images, or uniform noise. */
  readonly images: FixedImages;
  /** Image side S (28 for MNIST); 1 channel. */
  readonly imageSize: number;
  /** Images per step B. */
  readonly batchSize: number;
  /** Patch side p. */
  readonly patchSize: number;
  /** ViT blocks, width and heads. */
  readonly layers: number;
  readonly dimensions: number;
  readonly heads: number;
  /** Decoder blocks and width (4 heads). */
  readonly decoderLayers: number;
  readonly decoderDimensions: number;
  /** Fraction of the patches hidden. */
  readonly maskRatio: number;
};

/**
 * The MAE workload (issue 10): core's ViT, 4 blocks × 64 dims, 4 heads, patch 4 on MNIST 28×28
 * (49 patches, 12 visible at mask ratio 0.75), a [CLS] token; `createMae`'s default decoder
 * (2 blocks × 64 dims, normalised-pixel loss); batch 64; AdamW lr 1.5e-3, β 0.9/0.95, weight
 * decay 0.05 (the paper's optimizer, as MAE's docs example), clip 1.0.
 */
export const maeBenchConfig: MaeWorkloadConfig = {
  images: 'mnist',
  imageSize: 28,
  batchSize: 64,
  patchSize: 4,
  layers: 4,
  dimensions: 64,
  heads: 4,
  decoderLayers: 2,
  decoderDimensions: 64,
  maskRatio: 0.75,
  learningRate: 1.5e-3,
  weightDecay: 0.05,
  betas: [0.9, 0.95],
  clipNorm: 1,
};

/**
 * Builds one live MAE step on the current backend: core's `createVitEncoder` + `createMae` of
 * `@selfsup/masked-prediction`, on a fixed batch; the mask seed is fixed, so the loss falls.
 *
 * @param seed seeds the weights and the mask.
 * @param config the workload configuration.
 * @default config {@link maeBenchConfig}
 * @returns a {@link TrainingStep}.
 * @example const step = createMaeStep(0); step.step(); step.dispose();
 */
export function createMaeStep(
  seed: number,
  config: MaeWorkloadConfig = maeBenchConfig,
): TrainingStep {
  const images = fixedImages(config.images, config.batchSize, config.imageSize, seed);
  const encoder = createVitEncoder({
    imageShape: [config.imageSize, config.imageSize, 1],
    patchSize: config.patchSize,
    embeddingSize: config.dimensions,
    layers: config.layers,
    heads: config.heads,
    seed,
  });
  const mae = createMae({
    encoder,
    maskRatio: config.maskRatio,
    decoderLayers: config.decoderLayers,
    decoderEmbeddingSize: config.decoderDimensions,
    seed: seed + 1,
  });
  return createObjectiveStep(mae, images, config, seed);
}

/** The MAE training step, as the bench runs it. */
export const maeWorkload: Workload = {
  name: 'mae',
  kind: 'training',
  description:
    'MAE step: ViT 4L/4H/64d, patch 4, MNIST 28×28, batch 64, mask 0.75, decoder 2L/64d, AdamW, clip 1.0',
  unit: 'images',
  unitsPerStep: maeBenchConfig.batchSize,
  flopsPerStep: maeStepFlops({
    ...maeBenchConfig,
    channels: 1,
    classToken: true,
  }),
  createStep: (seed) => createMaeStep(seed),
};
