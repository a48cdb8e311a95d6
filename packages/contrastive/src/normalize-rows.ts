import * as tf from '@tensorflow/tfjs';

/**
 * Scales each row to unit L2 norm, x / sqrt(Σx² + ε), with a finite gradient everywhere. A zero row
 * (a tiny encoder whose ReLUs are all off for one view) stays zero and gets a zero gradient;
 * `x / (‖x‖ + ε)` would give NaN there, because the gradient of `tf.norm` at 0 is 0/0.
 *
 * @param rows `[N, D]`.
 * @returns `[N, D]`, unit rows (zero rows stay zero).
 * @example const unit = normalizeRows(tf.tensor2d([[3, 4]])); // [[0.6, 0.8]]
 */
export function normalizeRows(rows: tf.Tensor2D): tf.Tensor2D {
  return tf.tidy(() => tf.div(rows, tf.sqrt(tf.add(tf.sum(tf.square(rows), 1, true), 1e-24))));
}
