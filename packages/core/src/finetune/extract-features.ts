import * as tf from '@tensorflow/tfjs';
import type { EncoderV1 } from '../spec/encoder-v1';
import { encodeBatch } from './encode-batch';

/** Options of {@link extractFeatures}. */
export type ExtractFeaturesOptions = {
  /** Examples per forward pass. @default 256 */
  readonly batchSize?: number;
  /** L2-normalise each feature vector (for cosine similarity). @default false */
  readonly normalize?: boolean;
};

/**
 * Pooled features `[N, outputSize]` of a whole set, computed in batches with the encoder in
 * inference mode (so the full set never goes through the encoder at once).
 *
 * @param encoder the encoder.
 * @param inputs `[N, ...]` inputs in the encoder's format.
 * @param options batch size and normalisation.
 * @returns a new tensor the caller disposes.
 * @example const features = extractFeatures(encoder, images, { batchSize: 128 }); features.dispose();
 */
export function extractFeatures(
  encoder: EncoderV1,
  inputs: tf.Tensor,
  options: ExtractFeaturesOptions = {},
): tf.Tensor2D {
  const { batchSize = 256, normalize = false } = options;
  return mapBatches(inputs, batchSize, (batch) => {
    const features = encodeBatch(encoder, batch, false);
    return normalize ? l2Normalize(features) : features;
  });
}

/**
 * Applies `run` to consecutive batches of `inputs` (each inside `tf.tidy`) and concatenates the
 * `[b, C]` results into one `[N, C]` tensor.
 *
 * @param inputs `[N, ...]` tensor.
 * @param batchSize rows per call.
 * @param run maps a `[b, ...]` batch to `[b, C]`.
 * @returns a new `[N, C]` tensor.
 * @example const doubled = mapBatches(x, 64, (batch) => batch.mul(2) as tf.Tensor2D);
 */
export function mapBatches(
  inputs: tf.Tensor,
  batchSize: number,
  run: (batch: tf.Tensor) => tf.Tensor2D,
): tf.Tensor2D {
  const count = inputs.shape[0] ?? 0;
  if (count === 0) throw new Error('mapBatches needs at least one example.');
  const parts: tf.Tensor2D[] = [];
  for (let start = 0; start < count; start += batchSize) {
    const size = Math.min(batchSize, count - start);
    parts.push(tf.tidy(() => run(sliceRows(inputs, start, size))));
  }
  if (parts.length === 1) return parts[0]!;
  const joined = tf.concat(parts, 0);
  tf.dispose(parts);
  return joined;
}

/**
 * Rows `[start, start + size)` of a tensor along its first axis.
 *
 * @param inputs `[N, ...]` tensor.
 * @param start first row.
 * @param size number of rows.
 * @returns a new `[size, ...]` tensor.
 * @example sliceRows(x, 32, 16); // rows 32..47
 */
export function sliceRows(inputs: tf.Tensor, start: number, size: number): tf.Tensor {
  const begin = inputs.shape.map((_, axis) => (axis === 0 ? start : 0));
  const sizes = inputs.shape.map((extent, axis) => (axis === 0 ? size : extent));
  return tf.slice(inputs, begin, sizes);
}

/**
 * Rows scaled to unit L2 norm (a zero row stays zero).
 *
 * @param features `[N, D]`.
 * @returns `[N, D]` with ‖row‖ = 1.
 * @example l2Normalize(tf.tensor2d([[3, 4]])); // [[0.6, 0.8]]
 */
export function l2Normalize(features: tf.Tensor2D): tf.Tensor2D {
  return tf.tidy(() => {
    const norms = tf.sqrt(tf.sum(tf.square(features), 1, true));
    return tf.div(features, tf.maximum(norms, 1e-12)) as tf.Tensor2D;
  });
}
