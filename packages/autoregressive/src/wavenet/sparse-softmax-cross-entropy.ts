import * as tf from '@tensorflow/tfjs';

/**
 * Mean softmax cross-entropy of logits `[N, L]` against integer targets `[N]`,
 * `mean(log Σⱼ exp(xⱼ) − x_target)`, with a hand-written gradient `(softmax(x) − onehot) / N`.
 *
 * Same value and gradient as `tf.losses.softmaxCrossEntropy(oneHot, logits)`, but it computes the
 * exponential once (forward) and reuses the probabilities in the gradient: tfjs' version runs
 * `Exp` over `[N, L]` three times, and tfjs-wasm's `Exp` is a scalar loop. For WaveNet `N` is every
 * sample of the batch and `L` = 256, so this is ~4 M exponentials per call.
 *
 * @param logits `[N, L]` float32.
 * @param targets `[N]` int32 class ids in [0, L).
 * @returns the mean loss, a scalar.
 * @example const loss = sparseSoftmaxCrossEntropy(logits, ids); // logits [N, 256], ids [N]
 */
export function sparseSoftmaxCrossEntropy(logits: tf.Tensor2D, targets: tf.Tensor1D): tf.Scalar {
  const [rows, levels] = logits.shape;
  if (logits.rank !== 2 || targets.rank !== 1 || targets.shape[0] !== rows) {
    throw new Error(
      `sparseSoftmaxCrossEntropy expects logits [N, L] and targets [N], got ${JSON.stringify(logits.shape)} and ${JSON.stringify(targets.shape)}.`,
    );
  }
  // The forward saves `softmax(x) − onehot` (kept by the engine until the backward pass); no
  // tensor from outside is captured, so the gradient survives any caller's tidy.
  const crossEntropy = tf.customGrad((input, save) => {
    const x = input as tf.Tensor2D;
    const oneHot = tf.oneHot(targets.cast('int32'), levels).cast('float32');
    const shifted = tf.sub(x, tf.max(x, 1, true));
    const exponentials = tf.exp(shifted);
    const sums = tf.sum(exponentials, 1, true);
    (save as tf.GradSaveFunc)([tf.sub(tf.div(exponentials, sums), oneHot)]);
    const value = tf.mean(
      tf.sub(tf.log(sums).reshape([rows]), tf.sum(tf.mul(shifted, oneHot), 1)),
    ) as tf.Scalar;
    return {
      value,
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) =>
        tf.mul(saved[0] as tf.Tensor, tf.div(dy, rows)),
    };
  });
  return crossEntropy(logits);
}
