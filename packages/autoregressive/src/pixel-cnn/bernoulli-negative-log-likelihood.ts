import * as tf from '@tensorflow/tfjs';

/**
 * The negative log-likelihood of binary pixels under Bernoulli logits, per pixel, in nats:
 * `−[x log σ(z) + (1 − x) log(1 − σ(z))] = max(z, 0) − z·x + log(1 + e^{−|z|})` (stable for any z).
 *
 * @param logits `z`, any shape
 * @param targets binary `x`, the shape of `logits`
 * @returns the per-pixel NLL, the shape of `logits`
 * @example bernoulliNegativeLogLikelihood(tf.tensor([0]), tf.tensor([1])) // [ln 2]
 */
export function bernoulliNegativeLogLikelihood<T extends tf.Tensor>(
  logits: T,
  targets: tf.Tensor,
): T {
  return tf.tidy(
    () =>
      tf
        .relu(logits)
        .sub(logits.mul(targets))
        .add(tf.log1p(tf.exp(tf.abs(logits).neg()))) as T,
  );
}
