import * as tf from '@tensorflow/tfjs';
import type { EncoderV1 } from '../spec/encoder-v1';
import { validateEncoderInput } from './validate-encoder-input';

/** Options of {@link encode}. */
export type EncodeOptions = {
  /** Examples per forward pass; bounds memory on large inputs. @default 256 */
  readonly batchSize?: number;
  /** `'pooled'` gives `[N, D]`; `'sequence'` gives per-position features `[N, T, D]`. @default 'pooled' */
  readonly output?: 'pooled' | 'sequence';
};

/**
 * Encodes inputs with an encoder in inference mode, batch by batch: the representation that
 * downstream tasks (probes, kNN, retrieval, projections) use.
 *
 * @param encoder any {@link EncoderV1}.
 * @param inputs `[N, ...inputSpec.shape]`, validated against the encoder's input spec.
 * @returns `[N, outputSize]` (or `[N, T, featureSize]`); the caller disposes it.
 * @example
 * const features = encode(encoder, images, { batchSize: 512 });
 */
export function encode(
  encoder: EncoderV1,
  inputs: tf.Tensor,
  options: EncodeOptions = {},
): tf.Tensor {
  const { batchSize = 256, output = 'pooled' } = options;
  if (!(Number.isInteger(batchSize) && batchSize > 0)) {
    throw new RangeError(`encode: batchSize must be a positive integer, got ${batchSize}.`);
  }
  validateEncoderInput(encoder, inputs);
  if (output === 'sequence' && !encoder.doEncodeSequence) {
    throw new Error(
      `The '${encoder.type}' encoder has no per-position features; use output: 'pooled'.`,
    );
  }
  const count = inputs.shape[0]!;
  const run = (batch: tf.Tensor): tf.Tensor =>
    output === 'sequence'
      ? encoder.doEncodeSequence!(batch, { training: false })
      : encoder.doEncode(batch, { training: false });
  if (count <= batchSize) return tf.tidy(() => run(inputs));
  const parts: tf.Tensor[] = [];
  for (let start = 0; start < count; start += batchSize) {
    const size = Math.min(batchSize, count - start);
    parts.push(
      tf.tidy(() => {
        const begin = inputs.shape.map((_, axis) => (axis === 0 ? start : 0));
        const sizes = inputs.shape.map((dimension, axis) => (axis === 0 ? size : dimension));
        return run(tf.slice(inputs, begin, sizes));
      }),
    );
  }
  const result = tf.concat(parts, 0);
  tf.dispose(parts);
  return result;
}
