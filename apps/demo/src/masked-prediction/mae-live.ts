import { createVitEncoder, deriveSeed, type PretrainProgressEvent, pretrain } from '@selfsup/core';
import { type ImageDataset, imageBatchSource } from '@selfsup/data/browser';
import { createMae, type MaeObjective, maeReconstruct } from '@selfsup/masked-prediction';
import * as tf from '@tensorflow/tfjs';

/**
 * A tiny MAE (He et al. 2022, "Masked Autoencoders Are Scalable Vision Learners") for digits in
 * a browser tab: a ViT encoder with 7×7 patches (16 per digit), 32-d embeddings, 1 block, 2 heads
 * and mean pooling, and a 1-block 32-d decoder; the paper's mask ratio 0.75 and normalised
 * pixel targets (the package defaults). The sizes are those of `@selfsup/masked-prediction`'s
 * MNIST test, which learns within 80 steps.
 *
 * @param seed Seed of every initialiser (through `deriveSeed`). @default 0
 * @returns The MAE objective; the caller disposes it.
 * @example
 * const mae = createDemoMae(1);
 */
export function createDemoMae(seed = 0): MaeObjective {
  return createMae({
    encoder: createVitEncoder({
      imageShape: [28, 28, 1],
      patchSize: 7,
      embeddingSize: 32,
      layers: 1,
      heads: 2,
      pooling: 'mean',
      seed: deriveSeed(seed, 1),
    }),
    decoderLayers: 1,
    decoderEmbeddingSize: 32,
    seed: deriveSeed(seed, 2),
  });
}

/** Options of {@link trainMaeLive}. */
export type MaeLiveOptions = {
  /** Unlabeled training digits. */
  readonly train: ImageDataset;
  /** Optimizer steps. @default 80 */
  readonly steps?: number;
  /** Images per batch. @default 32 */
  readonly batchSize?: number;
  /** Run seed. @default 0 */
  readonly seed?: number;
  /** Called after every step. */
  readonly onStep?: (event: PretrainProgressEvent) => void | Promise<void>;
  /** Stops after the current step. */
  readonly signal?: AbortSignal;
};

/**
 * Trains an MAE live with core's `pretrain`, with the settings of the package's MNIST test:
 * AdamW, peak learning rate 1e-2 after 5 warmup steps, β2 = 0.95 (the MAE paper's), cosine.
 *
 * @param mae The objective from {@link createDemoMae}; trained in place.
 * @param options Data, length, callbacks.
 * @returns The loss of every step, and whether the run was stopped.
 * @example
 * const { losses } = await trainMaeLive(mae, { train, steps: 40 });
 */
export async function trainMaeLive(
  mae: MaeObjective,
  options: MaeLiveOptions,
): Promise<{ readonly losses: readonly number[]; readonly aborted: boolean }> {
  const { train, steps = 80, batchSize = 32, seed = 0, onStep, signal } = options;
  const losses: number[] = [];
  try {
    await pretrain(mae, imageBatchSource(train, { batchSize }), {
      steps,
      learningRate: 1e-2,
      beta2: 0.95,
      warmupSteps: Math.min(5, steps - 1),
      seed,
      prefetch: 1,
      ...(signal === undefined ? {} : { signal }),
      onProgress: async (event) => {
        losses.push(event.loss);
        await onStep?.(event);
      },
    });
    return { losses, aborted: false };
  } catch (error) {
    if (signal?.aborted === true) return { losses, aborted: true };
    throw error;
  }
}

/** What {@link maeExamples} shows for each image. */
export type MaeExamples = {
  /** The input with its hidden patches drawn mid-grey `[N, 28, 28, 1]`. */
  readonly masked: tf.Tensor4D;
  /** Visible patches kept, hidden ones predicted by the MAE `[N, 28, 28, 1]`. */
  readonly composite: tf.Tensor4D;
  /** Hidden patches per image. */
  readonly hiddenPatches: number;
};

/**
 * Hides a fraction of the patches of each image and fills them back in with the MAE
 * (`maeReconstruct` from `@selfsup/masked-prediction`).
 *
 * @param mae The objective.
 * @param images Digits `[N, 28, 28, 1]` in [0, 1]; not disposed.
 * @param maskRatio The fraction of the 16 patches hidden, in [0, 1).
 * @param seed Which patches are hidden. @default 0
 * @returns The masked inputs and the reconstructions; the caller disposes them.
 * @example
 * const { masked, composite } = maeExamples(mae, images, 0.75);
 */
export function maeExamples(
  mae: MaeObjective,
  images: tf.Tensor4D,
  maskRatio: number,
  seed = 0,
): MaeExamples {
  return tf.tidy((): MaeExamples => {
    const result = maeReconstruct(mae, images, { maskRatio, seed });
    const masked = tf.add(
      tf.mul(images, tf.sub(1, result.pixelMask)),
      tf.mul(result.pixelMask, 0.5),
    ) as tf.Tensor4D;
    const hiddenPatches = Math.round(tf.sum(result.mask).dataSync()[0]! / images.shape[0]);
    return { masked, composite: result.composite, hiddenPatches };
  });
}
