import type { EncoderV1, LossResultV1, ObjectiveV1, StepContextV1 } from '@selfsup/core';
import { deriveSeed, SeededRandom } from '@selfsup/core';
import * as tf from '@tensorflow/tfjs';
import { framePermutationClasses } from './frame-permutations';

/** Options of {@link createFrameOrderPrediction}. */
export type FrameOrderPredictionOptions = {
  /** An image encoder applied to each frame (frames `[H, W, C]`). */
  readonly encoder: EncoderV1;
  /** Frames per tuple drawn from each clip. @default 3 (Misra et al.) */
  readonly tupleLength?: number;
  /**
   * `'permutation'`: classify which of the `n!/2` orders the tuple is in (Lee et al. 2017, forward
   * and backward merged); `'binary'`: in order (forwards or backwards) or shuffled (Misra et al.
   * 2016; half of the tuples are shuffled).
   * @default 'permutation'
   */
  readonly task?: 'permutation' | 'binary';
  /** Hidden units of the MLP head over the concatenated frame features. @default 128 */
  readonly headHiddenUnits?: number;
  /** Seed of the head's initialisation. @default 0 */
  readonly seed?: number;
};

/** A batch of clips `[B, F, H, W, C]`, alone or with labels that the pretext task ignores. */
export type FrameOrderBatch = tf.Tensor5D | { readonly frames: tf.Tensor5D };

/** One tuple per clip: the source frames in the order shown, and the class to predict. */
export type FrameOrderTuples = {
  /** `[B × n]` frame indices into the clip, in the order the encoder sees them. */
  readonly frames: Int32Array;
  /** The class of each tuple. */
  readonly labels: Int32Array;
};

/**
 * Draws one frame tuple per clip: `tupleLength` distinct frames in temporal order, then reordered
 * by a class drawn uniformly (`'permutation'`), or kept in order / shuffled with probability 1/2
 * each (`'binary'`: label 1 = in order forwards or backwards, 0 = shuffled).
 *
 * @param random the generator (seeded by the step).
 * @param clips B.
 * @param clipLength frames per clip F (≥ tupleLength).
 * @param tupleLength n.
 * @param task `'permutation'` or `'binary'`.
 * @returns frame indices and labels.
 * @example const { frames, labels } = sampleFrameOrderTuples(new SeededRandom(0), 8, 10, 3, 'permutation');
 */
export function sampleFrameOrderTuples(
  random: SeededRandom,
  clips: number,
  clipLength: number,
  tupleLength: number,
  task: 'permutation' | 'binary',
): FrameOrderTuples {
  if (clipLength < tupleLength) {
    throw new Error(
      `Frame order needs clips of at least ${tupleLength} frames (the tuple length), got ${clipLength}: use longer clips or a shorter tupleLength.`,
    );
  }
  const classes = framePermutationClasses(tupleLength);
  const frames = new Int32Array(clips * tupleLength);
  const labels = new Int32Array(clips);
  for (let clip = 0; clip < clips; clip++) {
    const chosen = Array.from(random.permutation(clipLength).subarray(0, tupleLength)).sort(
      (a, b) => a - b,
    );
    let order: readonly number[];
    if (task === 'permutation') {
      labels[clip] = random.nextInt(classes.length);
      order = classes[labels[clip]!]!;
      // Forwards or backwards: the class does not say which, so neither may the input.
      if (random.nextFloat() < 0.5) order = [...order].reverse();
    } else if (random.nextFloat() < 0.5) {
      labels[clip] = 1;
      order = random.nextFloat() < 0.5 ? classes[0]! : [...classes[0]!].reverse();
    } else {
      labels[clip] = 0;
      order = classes[1 + random.nextInt(classes.length - 1)]!;
      if (random.nextFloat() < 0.5) order = [...order].reverse();
    }
    order.forEach((position, slot) => {
      frames[clip * tupleLength + slot] = clip * clipLength + chosen[position]!;
    });
  }
  return { frames, labels };
}

/**
 * Frame-order prediction (Misra, Zitnick & Hebert 2016, "Shuffle and Learn"; Lee, Huang, Singh &
 * Yang 2017, "Unsupervised Representation Learning by Sorting Sequences"): show the encoder a few
 * frames of a clip in some order and train it, with a small head over the concatenated frame
 * features, to tell the order. Telling the order needs to know what moves and how, so the frame
 * encoder learns about objects and motion; it is an image encoder, and it transfers to images.
 *
 * Defaults: tuples of 3 frames (Misra et al.), the permutation task with forward/backward orders
 * merged (`n!/2` classes, Lee et al.'s formulation), an MLP head (128 hidden units, ReLU) on the
 * frames' features and their pairwise differences (Lee et al.'s pairwise feature extraction; with
 * the features alone the head learned nothing in 200 steps on Moving MNIST, with the differences
 * it reached 60%), softmax cross-entropy; the metric `accuracy` is the pretext accuracy.
 * The frames are drawn uniformly (no motion-based selection: Moving MNIST always moves).
 *
 * @example
 * const objective = createFrameOrderPrediction({ encoder: createConvNetEncoder({ inputShape: [28, 28, 1] }) });
 * await pretrain(objective, movingMnistSource({ batchSize: 16, frames: 8, size: 28 }), { steps: 300 });
 */
export function createFrameOrderPrediction(
  options: FrameOrderPredictionOptions,
): ObjectiveV1<FrameOrderBatch> {
  const {
    encoder,
    tupleLength = 3,
    task = 'permutation',
    headHiddenUnits = 128,
    seed = 0,
  } = options;
  if (encoder.inputSpec.modality !== 'image') {
    throw new Error(
      `Frame order needs an image encoder for the frames, got a '${encoder.inputSpec.modality}' encoder.`,
    );
  }
  if (task !== 'permutation' && task !== 'binary') {
    throw new Error(`Frame-order task must be 'permutation' or 'binary', got '${String(task)}'.`);
  }
  if (!(Number.isInteger(headHiddenUnits) && headHiddenUnits >= 0)) {
    throw new RangeError(`headHiddenUnits must be an integer ≥ 0, got ${headHiddenUnits}.`);
  }
  const classCount = task === 'binary' ? 2 : framePermutationClasses(tupleLength).length;
  const pairs = (tupleLength * (tupleLength - 1)) / 2;
  const inputSize = (tupleLength + pairs) * encoder.outputSize;
  const layers: tf.layers.Layer[] = [];
  if (headHiddenUnits > 0) {
    layers.push(
      tf.layers.dense({
        inputShape: [inputSize],
        units: headHiddenUnits,
        activation: 'relu',
        // tfjs treats seed 0 as no seed (Math.random): derive non-zero initializer seeds.
        kernelInitializer: tf.initializers.heNormal({ seed: deriveSeed(seed, 1) }),
        name: 'frame_order_hidden',
      }),
    );
  }
  layers.push(
    tf.layers.dense({
      ...(headHiddenUnits > 0 ? {} : { inputShape: [inputSize] }),
      units: classCount,
      kernelInitializer: tf.initializers.glorotUniform({ seed: deriveSeed(seed, 2) }),
      name: 'frame_order_logits',
    }),
  );
  const head = tf.sequential({ layers, name: 'frame_order_head' });

  return {
    specificationVersion: 'v1',
    method: 'frame-order',
    encoder,
    heads: { frameOrder: head },
    getConfig: () => ({ method: 'frame-order', tupleLength, task, headHiddenUnits, seed }),
    doLoss(batch: FrameOrderBatch, context: StepContextV1): LossResultV1 {
      const clips = batch instanceof tf.Tensor ? batch : batch.frames;
      if (clips.rank !== 5) {
        throw new Error(
          `Frame order takes clips [B, F, H, W, C], got a tensor of shape ${JSON.stringify(clips.shape)}.`,
        );
      }
      const [clipCount, clipLength, height, width, channels] = clips.shape;
      const tuples = sampleFrameOrderTuples(
        new SeededRandom(context.seed),
        clipCount,
        clipLength,
        tupleLength,
        task,
      );
      const flat = clips.reshape([clipCount * clipLength, height, width, channels]);
      const frames = tf.gather(flat, tf.tensor1d(tuples.frames, 'int32'));
      const features = encoder.doEncode(frames, { training: context.training });
      // Each frame's features and, as in Lee et al.'s pairwise feature extraction, every pair's
      // difference f_j − f_i (i < j): the head compares frames instead of learning to subtract.
      const perFrame = features.reshape([clipCount, tupleLength, encoder.outputSize]);
      const slots = tf.unstack(perFrame, 1);
      const differences: tf.Tensor[] = [];
      for (let i = 0; i < tupleLength; i++) {
        for (let j = i + 1; j < tupleLength; j++) differences.push(tf.sub(slots[j]!, slots[i]!));
      }
      const joined = tf.concat([...slots, ...differences], 1);
      const logits = head.apply(joined, { training: context.training }) as tf.Tensor2D;
      const labels = tf.oneHot(tf.tensor1d(tuples.labels, 'int32'), classCount).cast('float32');
      const loss = tf.losses.softmaxCrossEntropy(labels, logits) as tf.Scalar;
      const accuracy = tf
        .equal(tf.argMax(logits, 1), tf.tensor1d(tuples.labels, 'int32'))
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
