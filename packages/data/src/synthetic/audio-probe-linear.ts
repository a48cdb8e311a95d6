import * as tf from '@tensorflow/tfjs';
import type { AudioProbeEncoder } from './audio-probe-encoders';
import type { SyntheticAudioSet } from './synthetic-audio';

/**
 * Runs an encoder over every clip of a set, a few clips at a time, and returns the pooled
 * features as one compact array.
 *
 * @param encoder a probe encoder (waveforms `[B, T, 1]` → `[B, D]`).
 * @param set the clips.
 * @param batchSize clips per forward pass. @default 32
 * @returns `count × featureSize` floats, row-major.
 * @example const features = extractAudioFeatures(cpcProbeEncoder(), syntheticAudioTestSet({ count: 64 }));
 */
export function extractAudioFeatures(
  encoder: AudioProbeEncoder,
  set: SyntheticAudioSet,
  batchSize = 32,
): Float32Array {
  const features = new Float32Array(set.count * encoder.featureSize);
  for (let start = 0; start < set.count; start += batchSize) {
    const count = Math.min(batchSize, set.count - start);
    const audio = tf.tensor3d(
      set.samples.subarray(start * set.samplesPerClip, (start + count) * set.samplesPerClip),
      [count, set.samplesPerClip, 1],
    );
    const pooled = encoder.encode(audio);
    features.set(pooled.dataSync(), start * encoder.featureSize);
    tf.dispose([audio, pooled]);
  }
  return features;
}

/**
 * Standardizes feature columns with the training rows' mean and standard deviation (applied to
 * both sets), as a linear probe's input normalization.
 *
 * @param train training features, `rows × size`.
 * @param other held-out features, `rows × size`.
 * @param size columns per row.
 * @returns the two standardized arrays.
 * @example const [train, test] = standardizeColumns(trainFeatures, testFeatures, 64);
 */
export function standardizeColumns(
  train: Float32Array,
  other: Float32Array,
  size: number,
): [Float32Array, Float32Array] {
  const rows = train.length / size;
  const mean = new Float64Array(size);
  const variance = new Float64Array(size);
  for (let i = 0; i < train.length; i++) mean[i % size]! += train[i]! / rows;
  for (let i = 0; i < train.length; i++)
    variance[i % size]! += (train[i]! - mean[i % size]!) ** 2 / rows;
  const apply = (values: Float32Array) =>
    values.map((value, i) => (value - mean[i % size]!) / (Math.sqrt(variance[i % size]!) + 1e-6));
  return [apply(train), apply(other)];
}

/** What {@link linearProbeAccuracy} needs: standardized features and labels of both splits. */
export type LinearProbeData = {
  readonly trainFeatures: Float32Array;
  readonly trainLabels: Int32Array;
  readonly testFeatures: Float32Array;
  readonly testLabels: Int32Array;
  readonly featureSize: number;
  readonly classCount: number;
};

/** Options of {@link linearProbeAccuracy}. */
export type LinearProbeOptions = {
  /** Full-batch Adam steps. @default 400 */
  readonly steps?: number;
  /** Adam learning rate. @default 0.05 */
  readonly learningRate?: number;
  /** L2 penalty on the weights (mean cross-entropy + λ‖W‖²). @default 1e-3 */
  readonly l2?: number;
};

/**
 * Fits a linear probe (multinomial logistic regression `softmax(x W + b)`, the standard probe of
 * self-supervised representations, e.g. van den Oord et al. 2018; Chen et al. 2020) by full-batch
 * Adam on the training features and returns the accuracy on both splits.
 *
 * Full batch and many steps on a few hundred rows fit the probe to convergence, so the score is
 * the features' linear separability, not an under-trained probe's (a lenient upper reading for a
 * "≤ X%" bound). Weights start at zero: the result is deterministic.
 *
 * @param data standardized features and labels (see {@link LinearProbeData}).
 * @param options steps (400), learning rate (0.05), L2 (1e-3).
 * @returns training and test accuracy in [0, 1].
 * @example const { testAccuracy } = linearProbeAccuracy({ trainFeatures, trainLabels, testFeatures, testLabels, featureSize: 64, classCount: 8 });
 */
export function linearProbeAccuracy(
  data: LinearProbeData,
  options: LinearProbeOptions = {},
): { readonly trainAccuracy: number; readonly testAccuracy: number } {
  const { steps = 400, learningRate = 0.05, l2 = 1e-3 } = options;
  const { featureSize, classCount } = data;
  const trainRows = data.trainLabels.length;
  const testRows = data.testLabels.length;
  // (tidy frees the zeros; the variables survive it.)
  const weights = tf.tidy(() => tf.variable(tf.zeros([featureSize, classCount])));
  const bias = tf.tidy(() => tf.variable(tf.zeros([classCount])));
  const optimizer = tf.train.adam(learningRate);
  const inputs = tf.tensor2d(data.trainFeatures, [trainRows, featureSize]);
  const targets = tf.tidy(() =>
    tf.oneHot(tf.tensor1d(data.trainLabels, 'int32'), classCount).cast('float32'),
  );
  for (let step = 0; step < steps; step++) {
    const loss = optimizer.minimize(
      () =>
        tf.losses
          .softmaxCrossEntropy(targets, tf.add(tf.matMul(inputs, weights), bias))
          .add(tf.mul(l2, tf.sum(tf.square(weights)))) as tf.Scalar,
      false,
      [weights, bias],
    );
    loss?.dispose();
  }
  const accuracy = (features: Float32Array, labels: Int32Array, rows: number): number => {
    const predicted = tf.tidy(() =>
      tf.add(tf.matMul(tf.tensor2d(features, [rows, featureSize]), weights), bias).argMax(1),
    );
    const classes = predicted.dataSync();
    predicted.dispose();
    let correct = 0;
    for (let i = 0; i < rows; i++) if (classes[i] === labels[i]) correct++;
    return correct / rows;
  };
  const result = {
    trainAccuracy: accuracy(data.trainFeatures, data.trainLabels, trainRows),
    testAccuracy: accuracy(data.testFeatures, data.testLabels, testRows),
  };
  tf.dispose([weights, bias, inputs, targets]);
  optimizer.dispose();
  return result;
}
