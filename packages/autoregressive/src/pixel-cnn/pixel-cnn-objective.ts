import type { JsonObject, LossResultV1, ObjectiveV1, StepContextV1 } from '@selfsup/core';
import * as tf from '@tensorflow/tfjs';
import { bernoulliNegativeLogLikelihood } from './bernoulli-negative-log-likelihood';
import { binarizeImages } from './binarize-images';
import { createPixelCnn, type PixelCnn, type PixelCnnOptions } from './pixel-cnn';

/** A batch of images `[B, H, W, 1]` in [0, 1], alone or with labels (used by a class-conditional model). */
export type PixelCnnBatch =
  | tf.Tensor4D
  | { readonly images: tf.Tensor4D; readonly labels?: tf.Tensor1D };

/** Options of {@link createPixelCnnObjective}. */
export type PixelCnnObjectiveOptions = {
  /** The network to train. @default createPixelCnn(pixelCnn) */
  readonly network?: PixelCnn;
  /** Options of the network built when `network` is absent. @default createPixelCnn's defaults */
  readonly pixelCnn?: PixelCnnOptions;
  /**
   * `'stochastic'`: binarize each batch afresh with the step's seed (the pixels' intensities are
   * probabilities); `'none'`: the batches are already binary.
   * @default 'stochastic'
   */
  readonly binarize?: 'stochastic' | 'none';
};

/**
 * The PixelCNN objective (van den Oord et al. 2016): maximum likelihood of binary images under
 * the autoregressive factorisation `p(x) = Πᵢ p(xᵢ | x₍<ᵢ₎)`, i.e. the sigmoid cross-entropy of
 * every pixel's Bernoulli logit, computed for all pixels in one pass (teacher forcing).
 *
 * The loss is the mean NLL per pixel in nats; the metrics are `natsPerImage` (the number the
 * papers report on binarized MNIST: 81.3 for PixelCNN) and `bitsPerDim`. By default every batch
 * is binarized afresh (stochastic binarization, a new draw each step from `context.seed`); a
 * class-conditional network (`classes > 0`) reads the batch's `labels`. The network is the
 * objective's encoder (method `'pixel-cnn'`, no heads). Training recipe of the full run: AdamW
 * 0.01, 100 warmup steps, cosine decay, clip 1, `outputBias` at the log-odds of the mean pixel.
 *
 * @param options the network (or its options) and the binarization.
 * @returns an {@link ObjectiveV1} for core's `pretrain`.
 * @example
 * const objective = createPixelCnnObjective({ pixelCnn: { channels: 16, blocks: 5, outputBias: -1.9 } });
 * await pretrain(objective, imageBatchSource(loadMnist('train'), { batchSize: 64 }), {
 *   steps: 1800, learningRate: 1e-2, warmupSteps: 100, clipNorm: 1,
 * });
 */
export function createPixelCnnObjective(
  options: PixelCnnObjectiveOptions = {},
): ObjectiveV1<PixelCnnBatch> & { readonly network: PixelCnn } {
  const { binarize = 'stochastic' } = options;
  if (binarize !== 'stochastic' && binarize !== 'none') {
    throw new RangeError(`binarize must be 'stochastic' or 'none', got '${String(binarize)}'.`);
  }
  if (options.network !== undefined && options.pixelCnn !== undefined) {
    throw new Error(
      'createPixelCnnObjective: give either `network` or `pixelCnn` (its options), not both.',
    );
  }
  const network = options.network ?? createPixelCnn(options.pixelCnn);
  const { height, width, classes } = network.settings;
  const pixels = height * width;
  return {
    specificationVersion: 'v1',
    method: 'pixel-cnn',
    encoder: network,
    network,
    heads: {},
    getConfig: (): JsonObject => ({
      method: 'pixel-cnn',
      binarize,
      network: network.getConfig(),
    }),
    doLoss(batch: PixelCnnBatch, context: StepContextV1): LossResultV1 {
      const images = batch instanceof tf.Tensor ? batch : batch.images;
      const labels = batch instanceof tf.Tensor ? undefined : batch.labels;
      if (
        images.rank !== 4 ||
        images.shape[1] !== height ||
        images.shape[2] !== width ||
        images.shape[3] !== 1
      ) {
        throw new Error(
          `PixelCNN expects images [B, ${height}, ${width}, 1], got ${JSON.stringify(images.shape)}.`,
        );
      }
      if (classes > 0 && labels === undefined) {
        throw new Error(
          'This PixelCNN is class-conditional: give batches { images, labels } (imageBatchSource does).',
        );
      }
      const targets = binarize === 'stochastic' ? binarizeImages(images, context.seed) : images;
      const logits = network.doLogits(targets, {
        training: context.training,
        ...(classes > 0 && labels !== undefined ? { labels } : {}),
      });
      const loss = bernoulliNegativeLogLikelihood(logits, targets).mean() as tf.Scalar;
      return {
        loss,
        metrics: {
          natsPerImage: loss.mul(pixels) as tf.Scalar,
          bitsPerDim: loss.div(Math.LN2) as tf.Scalar,
        },
      };
    },
    dispose(): void {
      network.dispose();
    },
  };
}
