import {
  type CollectiveGroup,
  createImageViews,
  type EncoderV1,
  type ImageViewOptions,
  type LossResultV1,
  mnistViewPreset,
  type ObjectiveV1,
  type StepContextV1,
} from '@selfsup/core';
import * as tf from '@tensorflow/tfjs';
import { ntXentLoss } from './nt-xent-loss';
import { createProjectionHead } from './projection-head';

/** Options of {@link createSimclr}. */
export type SimclrOptions = {
  /** An image encoder; its pooled output is the representation that transfers. */
  readonly encoder: EncoderV1;
  /** Hidden width of the 2-layer projection head. @default the encoder's output size */
  readonly projectionHiddenUnits?: number;
  /** Output width of the projection head. @default 64 */
  readonly projectionSize?: number;
  /** NT-Xent temperature τ. @default 0.5 (the paper's choice for small batches) */
  readonly temperature?: number;
  /** The augmentations that make the two views. @default mnistViewPreset (affine, jitter, blur; no crop, no flip) */
  readonly views?: ImageViewOptions;
  /** Seed of the projection head's initialisation. @default 0 */
  readonly seed?: number;
  /**
   * A data-parallel worker's group (the `group` a `pretrain({ workers })` workload receives): the
   * NT-Xent negatives are gathered from every worker. Build the encoder with the same group
   * (e.g. `createConvNetEncoder(options, { group })`) so that BatchNorm uses the global batch.
   * @default undefined (this process holds the whole batch)
   */
  readonly group?: CollectiveGroup;
};

/** A batch of images, alone or with labels that SimCLR ignores. */
export type SimclrBatch = tf.Tensor4D | { readonly images: tf.Tensor4D };

/**
 * SimCLR (Chen, Kornblith, Norouzi & Hinton 2020, "A Simple Framework for Contrastive Learning of
 * Visual Representations"): two augmented views of each image go through the encoder and a
 * 2-layer MLP projection head; NT-Xent pulls the two views together and pushes the other 2N − 2
 * images of the batch apart. The encoder's representation (before the head) is what transfers.
 *
 * Defaults: projection `D → D (ReLU) → 64`, τ = 0.5, views from `mnistViewPreset`; the metric
 * `accuracy` is the contrastive accuracy (positive ranked first among the 2N − 1 candidates).
 *
 * @example
 * const objective = createSimclr({ encoder: createConvNetEncoder() });
 * await pretrain(objective, imageBatchSource(loadMnist('train'), { batchSize: 128 }), { steps: 500 });
 */
export function createSimclr(options: SimclrOptions): ObjectiveV1<SimclrBatch> {
  const {
    encoder,
    projectionSize = 64,
    temperature = 0.5,
    views = mnistViewPreset,
    seed = 0,
    group,
  } = options;
  const projectionHiddenUnits = options.projectionHiddenUnits ?? encoder.outputSize;
  if (encoder.inputSpec.modality !== 'image') {
    throw new Error(
      `SimCLR needs an image encoder, got a '${encoder.inputSpec.modality}' encoder.`,
    );
  }
  if (!(temperature > 0)) throw new RangeError(`temperature must be > 0, got ${temperature}.`);
  const head = createProjectionHead({
    name: 'simclr_projection',
    inputSize: encoder.outputSize,
    hiddenUnits: projectionHiddenUnits,
    outputSize: projectionSize,
    seed,
  });
  const augment = createImageViews(views);
  return {
    specificationVersion: 'v1',
    method: 'simclr',
    encoder,
    heads: { projection: head },
    getConfig: () => ({
      method: 'simclr',
      projectionHiddenUnits,
      projectionSize,
      temperature,
      seed,
    }),
    doLoss(batch: SimclrBatch, context: StepContextV1): LossResultV1 {
      const images = batch instanceof tf.Tensor ? batch : batch.images;
      if (images.shape[0] < 2)
        throw new Error('SimCLR needs at least 2 images per batch (the negatives).');
      const [first, second] = augment.twoViews(images, context.seed);
      const features = encoder.doEncode(tf.concat([first, second], 0), {
        training: context.training,
      });
      const projections = head.apply(features, { training: context.training }) as tf.Tensor2D;
      const { loss, accuracy } = ntXentLoss(projections, temperature, group);
      return { loss, metrics: { accuracy } };
    },
    dispose() {
      head.dispose();
      encoder.dispose();
    },
  };
}
