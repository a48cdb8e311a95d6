import type * as tf from '@tensorflow/tfjs';
import type { EncoderV1 } from '../spec/encoder-v1';

/**
 * One forward pass of an encoder, with a check that it returns `[B, outputSize]`.
 *
 * @param encoder the encoder.
 * @param batch `[B, ...]` inputs.
 * @param training training mode (dropout, BatchNorm batch statistics).
 * @returns pooled features `[B, outputSize]`.
 * @example const features = encodeBatch(encoder, batch, false);
 */
export function encodeBatch(encoder: EncoderV1, batch: tf.Tensor, training: boolean): tf.Tensor2D {
  const features = encoder.doEncode(batch, { training });
  if (features.rank !== 2 || features.shape[1] !== encoder.outputSize) {
    throw new Error(
      `The '${encoder.type}' encoder returned features of shape ${JSON.stringify(features.shape)} but declares ` +
        `outputSize ${encoder.outputSize}: doEncode must return [B, outputSize].`,
    );
  }
  return features;
}
