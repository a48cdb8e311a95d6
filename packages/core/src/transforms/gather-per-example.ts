import * as tf from '@tensorflow/tfjs';

/**
 * Takes, for each example, the rows its own indices name: `result[b, k] = values[b, indices[b, k]]`;
 * what MAE needs to keep the visible patches and to unshuffle decoder tokens (He et al. 2022).
 *
 * Same result as `tf.gather(values, indices, 1, 1)`, but computed as one plain gather on the
 * flattened batch (indices offset by `b · P`), because tfjs-backend-wasm 4.22 returns wrong rows
 * for `batchDims = 1` (examples after the first read the wrong positions). Differentiable with
 * respect to `values` (the gradient of a plain gather).
 *
 * @param values `[B, P, ...]`
 * @param indices `[B, K]` int32, each in `[0, P)`
 * @returns `[B, K, ...]`
 * @example const visible = gatherPerExample(patches, keepIndices); // [B, K, D]
 */
export function gatherPerExample<T extends tf.Tensor>(values: T, indices: tf.Tensor2D): T {
  if (values.rank < 2) {
    throw new Error(
      `gatherPerExample: values must be [batch, positions, ...], got shape ${JSON.stringify(values.shape)}.`,
    );
  }
  if (indices.rank !== 2 || indices.dtype !== 'int32' || indices.shape[0] !== values.shape[0]) {
    throw new Error(
      `gatherPerExample: indices must be [batch, count] int32 with the batch of values (${values.shape[0]}), ` +
        `got ${indices.dtype} of shape ${JSON.stringify(indices.shape)}.`,
    );
  }
  const [batchSize, positions] = values.shape as [number, number];
  const [, count] = indices.shape;
  const rest = values.shape.slice(2);
  return tf.tidy(() => {
    const offsets = tf
      .mul(tf.range(0, batchSize, 1, 'int32'), tf.scalar(positions, 'int32'))
      .reshape([batchSize, 1]);
    const flatIndices = tf.reshape(tf.add(indices, offsets), [batchSize * count]);
    const flatValues = tf.reshape(values, [batchSize * positions, ...rest]);
    return tf.reshape(tf.gather(flatValues, flatIndices), [batchSize, count, ...rest]) as T;
  });
}
