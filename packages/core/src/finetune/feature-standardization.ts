import * as tf from '@tensorflow/tfjs';

/** Per-feature statistics of a frozen encoder's training features. */
export type FeatureStandardization = {
  /** Mean of each feature `[D]`. */
  readonly mean: tf.Tensor1D;
  /** 1 / √(variance + floor) of each feature `[D]`. */
  readonly inverseDeviation: tf.Tensor1D;
};

/**
 * Measures the mean and standard deviation of each feature of `[N, D]` training features, for a
 * linear probe on standardised features — what MAE (He et al. 2022) does with a BatchNorm without
 * affine parameters before its linear classifier: features of very different scales (ReLU units
 * that are mostly zero, LSTM states, pooled maxima) then train at one learning rate.
 *
 * @param features the training features `[N, D]`.
 * @param varianceFloor added to every variance, as a fraction of the features' average variance
 *   (shrinks the scaling of features that are nearly constant on the training set). @default 0.1
 * @returns the statistics; the caller disposes them.
 * @example
 * const statistics = measureFeatureStandardization(features);
 * const standardized = standardizeFeatures(features, statistics);
 */
export function measureFeatureStandardization(
  features: tf.Tensor2D,
  varianceFloor = 0.1,
): FeatureStandardization {
  return tf.tidy(() => {
    const { mean, variance } = tf.moments(features, 0);
    // A feature that barely varies on a few labeled examples (a ReLU unit off for all ten of them)
    // must not be scaled up without bound: its variance is floored at a fraction of the average.
    const floor = tf.add(tf.mul(tf.mean(variance), varianceFloor), 1e-12);
    return {
      mean: mean as tf.Tensor1D,
      inverseDeviation: tf.rsqrt(tf.add(variance, floor)) as tf.Tensor1D,
    };
  });
}

/**
 * `(features − mean) · inverseDeviation`, per feature.
 *
 * @param features `[N, D]` features.
 * @param statistics from {@link measureFeatureStandardization}.
 * @returns the standardised features `[N, D]`.
 * @example const standardized = standardizeFeatures(features, statistics);
 */
export function standardizeFeatures(
  features: tf.Tensor2D,
  statistics: FeatureStandardization,
): tf.Tensor2D {
  return tf.tidy(() =>
    tf.mul(tf.sub(features, statistics.mean), statistics.inverseDeviation),
  ) as tf.Tensor2D;
}

/**
 * Folds the standardisation into a dense layer trained on standardised features, so that it reads
 * raw features: `W x' + b` with `x' = (x − μ)·s` equals `(s ⊙ W) x + (b − (μ·s) W)`.
 *
 * @param layer a dense layer whose kernel `[D, C]` and bias `[C]` were trained on standardised inputs.
 * @param statistics the standardisation it was trained with.
 * @example foldFeatureStandardization(head.layers[0], statistics);
 */
export function foldFeatureStandardization(
  layer: tf.layers.Layer,
  statistics: FeatureStandardization,
): void {
  const [kernel, bias] = layer.getWeights();
  if (kernel === undefined || bias === undefined) {
    throw new Error('foldFeatureStandardization needs a dense layer with a kernel and a bias.');
  }
  const folded = tf.tidy(() => {
    const scale = statistics.inverseDeviation.reshape([-1, 1]);
    const scaledKernel = tf.mul(kernel, scale);
    const shift = tf.matMul(statistics.mean.reshape([1, -1]), scaledKernel).reshape([-1]);
    return [scaledKernel, tf.sub(bias, shift)];
  });
  layer.setWeights(folded);
  tf.dispose(folded);
}
