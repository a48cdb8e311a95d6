import type { EncoderV1, LossResultV1, ObjectiveV1, StepContextV1 } from '@selfsup/core';
import { deriveSeed, rotate90, SeededRandom } from '@selfsup/core';
import * as tf from '@tensorflow/tfjs';

/** Options of {@link createRotationPrediction}. */
export type RotationPredictionOptions = {
  /** An image encoder (square images). */
  readonly encoder: EncoderV1;
  /** Hidden units of the classification head (0: a linear head). @default 128 */
  readonly headHiddenUnits?: number;
  /**
   * `'all'`: each image appears in all four rotations (Gidaris et al.'s recipe, 4× the batch);
   * `'one'`: one random rotation per image, drawn from the step seed.
   * @default 'all'
   */
  readonly rotations?: 'all' | 'one';
  /** Seed of the head's initialisation. @default 0 */
  readonly seed?: number;
};

/** A batch of images, alone or with labels that the pretext task ignores. */
export type RotationPredictionBatch = tf.Tensor4D | { readonly images: tf.Tensor4D };

/**
 * Rotation prediction (Gidaris, Singh & Komodakis 2018, "Unsupervised Representation Learning by
 * Predicting Image Rotations"): rotate each image by 0°, 90°, 180° or 270° and train the encoder
 * with a small head to tell which; recognising the rotation of a digit or an object requires
 * knowing its shape, so the encoder learns features that transfer.
 *
 * Defaults: all four rotations of each image per batch (the paper's best setting), an MLP head
 * (128 hidden units, ReLU) on the pooled representation, softmax cross-entropy; the metric
 * `accuracy` is the pretext accuracy.
 *
 * @example
 * const objective = createRotationPrediction({ encoder: createConvNetEncoder() });
 * await pretrain(objective, imageBatchSource(loadMnist('train'), { batchSize: 64 }), { steps: 300 });
 */
export function createRotationPrediction(
  options: RotationPredictionOptions,
): ObjectiveV1<RotationPredictionBatch> {
  const { encoder, headHiddenUnits = 128, rotations = 'all', seed = 0 } = options;
  if (encoder.inputSpec.modality !== 'image') {
    throw new Error(
      `Rotation prediction needs an image encoder, got a '${encoder.inputSpec.modality}' encoder.`,
    );
  }
  const [height, width] = encoder.inputSpec.shape;
  if (height !== null && width !== null && height !== width) {
    throw new Error(
      `Rotation prediction needs square images (quarter turns swap the axes), got ${height}×${width}.`,
    );
  }
  if (!(Number.isInteger(headHiddenUnits) && headHiddenUnits >= 0)) {
    throw new RangeError(`headHiddenUnits must be an integer ≥ 0, got ${headHiddenUnits}.`);
  }
  const layers: tf.layers.Layer[] = [];
  if (headHiddenUnits > 0) {
    layers.push(
      tf.layers.dense({
        inputShape: [encoder.outputSize],
        units: headHiddenUnits,
        activation: 'relu',
        // tfjs treats seed 0 as no seed (Math.random): derive non-zero initializer seeds.
        kernelInitializer: tf.initializers.heNormal({ seed: deriveSeed(seed, 1) }),
        name: 'rotation_hidden',
      }),
    );
  }
  layers.push(
    tf.layers.dense({
      ...(headHiddenUnits > 0 ? {} : { inputShape: [encoder.outputSize] }),
      units: 4,
      kernelInitializer: tf.initializers.glorotUniform({ seed: deriveSeed(seed, 2) }),
      name: 'rotation_logits',
    }),
  );
  const head = tf.sequential({ layers, name: 'rotation_head' });

  return {
    specificationVersion: 'v1',
    method: 'rotation-prediction',
    encoder,
    heads: { rotation: head },
    getConfig: () => ({ method: 'rotation-prediction', headHiddenUnits, rotations, seed }),
    doLoss(batch: RotationPredictionBatch, context: StepContextV1): LossResultV1 {
      const images = batch instanceof tf.Tensor ? batch : batch.images;
      const batchSize = images.shape[0];
      let turns: number[];
      let inputs: tf.Tensor4D;
      if (rotations === 'all') {
        turns = Array.from({ length: 4 * batchSize }, (_, i) => Math.floor(i / batchSize));
        inputs = rotate90(tf.concat([images, images, images, images], 0), turns);
      } else {
        const random = new SeededRandom(context.seed);
        turns = Array.from({ length: batchSize }, () => random.nextInt(4));
        inputs = rotate90(images, turns);
      }
      const labels = tf.oneHot(tf.tensor1d(turns, 'int32'), 4).cast('float32');
      const features = encoder.doEncode(inputs, { training: context.training });
      const logits = head.apply(features, { training: context.training }) as tf.Tensor2D;
      const loss = tf.losses.softmaxCrossEntropy(labels, logits) as tf.Scalar;
      const accuracy = tf
        .equal(tf.argMax(logits, 1), tf.argMax(labels, 1))
        .cast('float32')
        .mean() as tf.Scalar;
      return { loss, metrics: { accuracy } };
    },
    dispose() {
      head.dispose();
      encoder.dispose();
    },
  };
}
