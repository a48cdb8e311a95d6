import * as tf from '@tensorflow/tfjs';

/**
 * The number of real (non-padding) tokens of each right-padded row of `tokens` `[B, T]`.
 *
 * @param tokens int32 token ids `[B, T]`, padding only at the end of a row.
 * @param paddingId the padding id.
 * @returns int32 `[B]` lengths.
 * @example sequenceLengths(tf.tensor2d([[5, 6, 0]], [1, 3], 'int32'), 0); // [2]
 */
export function sequenceLengths(tokens: tf.Tensor2D, paddingId: number): tf.Tensor1D {
  return tf.tidy(() => tf.sum(tf.cast(tf.notEqual(tokens, paddingId), 'int32'), 1) as tf.Tensor1D);
}

/**
 * Reverses the first `lengths[b]` positions of each row of `x` `[B, T, D]` and leaves the padding
 * positions after them in place (TensorFlow's `reverse_sequence`, which tfjs lacks).
 *
 * This is how the backward language model of a biLM reads right-padded batches: reversed, every
 * row starts with its last real token, so padding never enters a real position's state. The
 * permutation is its own inverse. Differentiable in `x` (one `gather` on the flattened rows).
 *
 * @param x `[B, T, D]` values.
 * @param lengths int32 `[B]` real lengths, each in `[0, T]`.
 * @returns `[B, T, D]`, row `b` = `x[b, L−1..0]` then `x[b, L..T−1]`.
 * @example const reversed = reversePaddedSequences(embedded, sequenceLengths(tokens, 0));
 */
export function reversePaddedSequences(x: tf.Tensor3D, lengths: tf.Tensor1D): tf.Tensor3D {
  const [batch, length, size] = x.shape;
  if (lengths.shape[0] !== batch) {
    throw new Error(
      `reversePaddedSequences: ${lengths.shape[0]} lengths for a batch of ${batch}; pass one length per row.`,
    );
  }
  return tf.tidy(() => {
    const positions = tf.reshape(tf.range(0, length, 1, 'int32'), [1, length]);
    const rowLengths = tf.reshape(tf.cast(lengths, 'int32'), [batch, 1]);
    const one = tf.scalar(1, 'int32');
    const inside = tf.cast(tf.less(positions, rowLengths), 'int32');
    const mirrored = tf.sub(tf.sub(rowLengths, one), positions);
    const source = tf.add(tf.mul(inside, mirrored), tf.mul(tf.sub(one, inside), positions));
    const rowOffsets = tf.mul(
      tf.reshape(tf.range(0, batch, 1, 'int32'), [batch, 1]),
      tf.scalar(length, 'int32'),
    );
    const flatIndices = tf.reshape(tf.add(source, rowOffsets), [batch * length]);
    const rows = tf.reshape(x, [batch * length, size]);
    return tf.reshape(tf.gather(rows, flatIndices), [batch, length, size]) as tf.Tensor3D;
  });
}
