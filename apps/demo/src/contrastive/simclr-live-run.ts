import { createSimclr } from '@selfsup/contrastive';
import {
  createConvNetEncoder,
  createImageViews,
  deriveSeed,
  encode,
  mnistViewPreset,
  type PretrainProgressEvent,
  pretrain,
  projectEmbeddings,
} from '@selfsup/core';
import { type ImageDataset, imageBatchSource, imagesToTensor } from '@selfsup/data/browser';
import * as tf from '@tensorflow/tfjs';

/** Options of {@link runSimclrLive}. */
export type SimclrLiveOptions = {
  /** Unlabeled training images (labels are never read). */
  readonly train: ImageDataset;
  /** Held-out images whose embeddings are projected to 2-D (labels only colour the points). */
  readonly test: ImageDataset;
  /** Optimizer steps. @default 60 */
  readonly steps?: number;
  /** Images per batch (2 × batch views per step). @default 32 */
  readonly batchSize?: number;
  /** Peak learning rate (AdamW, cosine). @default 3e-3 (as the SimCLR MNIST test of @selfsup/contrastive) */
  readonly learningRate?: number;
  /** Run seed. @default 0 */
  readonly seed?: number;
  /** Re-project the held-out embeddings every this many steps (and at step 0 and the end). @default 20 */
  readonly projectEvery?: number;
  /** Held-out images projected. @default 256 */
  readonly projectedCount?: number;
  /** Called after every step. */
  readonly onStep?: (event: PretrainProgressEvent) => void | Promise<void>;
  /** Called with each projection: `points[2i], points[2i + 1]` for image i, its label, the step. */
  readonly onProjection?: (projection: SimclrLiveProjection) => void | Promise<void>;
  /** Stops the run after the current step. */
  readonly signal?: AbortSignal;
};

/** One 2-D PCA projection of the held-out embeddings. */
export type SimclrLiveProjection = {
  readonly step: number;
  readonly points: Float32Array;
  readonly labels: Uint8Array;
  readonly explainedVariance?: readonly [number, number];
};

/** What {@link runSimclrLive} returns. */
export type SimclrLiveResult = {
  /** The loss of every step. */
  readonly losses: readonly number[];
  /** Whether the run stopped early through `signal`. */
  readonly aborted: boolean;
};

/**
 * Trains SimCLR (Chen et al. 2020) live on a small set of unlabeled MNIST digits with the same
 * packages users install: `createSimclr` from `@selfsup/contrastive` on core's small ConvNet
 * encoder (channels 8, 16; 32-d output), `pretrain` from `@selfsup/core` (AdamW, cosine), views
 * from `mnistViewPreset`. Every `projectEvery` steps it embeds the held-out digits and projects
 * them to 2-D with PCA, so the page can show the classes sorting themselves out.
 *
 * The defaults follow `packages/contrastive/src/simclr.test.ts` (batch 32, lr 3e-3), small
 * enough for a browser tab: one step takes ≈ 0.1–0.3 s on wasm.
 *
 * @param options Data, run length and callbacks.
 * @returns The losses and whether the run was stopped.
 * @example
 * const { losses } = await runSimclrLive({ train, test, steps: 30, onStep: (e) => draw(e.loss) });
 */
export async function runSimclrLive(options: SimclrLiveOptions): Promise<SimclrLiveResult> {
  const {
    train,
    test,
    steps = 60,
    batchSize = 32,
    learningRate = 3e-3,
    seed = 0,
    projectEvery = 20,
    projectedCount = 256,
    onStep,
    onProjection,
    signal,
  } = options;
  const encoder = createConvNetEncoder({
    channels: [8, 16],
    outputSize: 32,
    seed: deriveSeed(seed, 1),
  });
  const objective = createSimclr({ encoder, seed: deriveSeed(seed, 2) });
  const count = Math.min(projectedCount, test.count);
  const heldOut = imagesToTensor(
    test,
    Array.from({ length: count }, (_, i) => i),
  );
  const labels = test.labels.slice(0, count);
  const project = async (step: number) => {
    if (onProjection === undefined) return;
    const embeddings = tf.tidy(() => encode(encoder, heldOut, { batchSize: 128 }) as tf.Tensor2D);
    try {
      const projection = await projectEmbeddings(embeddings, { method: 'pca', seed });
      await onProjection({
        step,
        points: projection.points,
        labels,
        ...(projection.explainedVariance === undefined
          ? {}
          : { explainedVariance: projection.explainedVariance }),
      });
    } finally {
      embeddings.dispose();
    }
  };
  const losses: number[] = [];
  try {
    await project(0);
    await pretrain(objective, imageBatchSource(train, { batchSize }), {
      steps,
      learningRate,
      seed,
      prefetch: 1,
      ...(signal === undefined ? {} : { signal }),
      onProgress: async (event) => {
        losses.push(event.loss);
        await onStep?.(event);
        const done = event.step + 1; // pretrain's steps are 0-based
        if (done % projectEvery === 0 && done < steps) await project(done);
      },
    });
    await project(steps);
    return { losses, aborted: false };
  } catch (error) {
    if (signal?.aborted === true) return { losses, aborted: true };
    throw error;
  } finally {
    heldOut.dispose();
    objective.dispose();
  }
}

/**
 * The two augmented SimCLR views (`mnistViewPreset`: random resized crop, brightness/contrast
 * jitter, blur) of a few images, as the objective makes them for a step.
 *
 * @param dataset Where the images come from.
 * @param count How many images (the first ones). @default 6
 * @param seed The views' seed. @default 0
 * @returns The originals and the two views, each `[count, 28, 28, 1]`; the caller disposes them.
 * @example
 * const { originals, first, second } = simclrViewExamples(train, 6, 3);
 */
export function simclrViewExamples(
  dataset: ImageDataset,
  count = 6,
  seed = 0,
): { readonly originals: tf.Tensor4D; readonly first: tf.Tensor4D; readonly second: tf.Tensor4D } {
  const originals = imagesToTensor(
    dataset,
    Array.from({ length: count }, (_, i) => i),
  );
  const [first, second] = tf.tidy(() =>
    createImageViews(mnistViewPreset).twoViews(originals, seed),
  );
  return { originals, first, second };
}
