import * as tf from '@tensorflow/tfjs';

/**
 * Per-example cross-entropy `−Σ_c t_c log softmax(z)_c` between soft (or one-hot) targets and
 * logits, `[B]`. Differentiable with respect to the logits; the targets are treated as constants
 * by the callers (they are computed outside the gradient tape).
 *
 * @param targets `[B, C]` target distributions.
 * @param logits `[B, C]` logits.
 * @returns `[B]` losses.
 * @example const losses = softCrossEntropy(tf.oneHot(labels, 10).cast('float32'), logits);
 */
export function softCrossEntropy(targets: tf.Tensor2D, logits: tf.Tensor2D): tf.Tensor1D {
  return tf.tidy(() => tf.neg(tf.sum(tf.mul(targets, tf.logSoftmax(logits)), 1)) as tf.Tensor1D);
}

/** One-hot float32 targets (cast from int: `tf.oneHot(…, 'float32')` is broken on wasm). */
export function oneHotTargets(labels: tf.Tensor1D, numClasses: number): tf.Tensor2D {
  return tf.tidy(() => tf.oneHot(labels, numClasses).cast('float32') as tf.Tensor2D);
}
