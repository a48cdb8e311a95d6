import type { TokenizerV1 } from '@selfsup/core';
import * as tf from '@tensorflow/tfjs';

/**
 * Tokenizes texts for CLIP's text encoder: one `[N, maxLength]` int32 tensor, each row the ids
 * truncated to `maxLength` then padded with the tokenizer's padding id (0 when it has none).
 *
 * @param texts the texts (captions, prompts)
 * @param tokenizer any `TokenizerV1`
 * @param maxLength tokens per text @default 16
 * @returns the ids; the caller disposes the tensor
 * @example const tokens = clipTokenize(['a photo of a 7'], tokenizer, 16); // [1, 16]
 */
export function clipTokenize(
  texts: readonly string[],
  tokenizer: TokenizerV1,
  maxLength = 16,
): tf.Tensor2D {
  if (!(Number.isInteger(maxLength) && maxLength > 0)) {
    throw new RangeError(`maxLength must be a positive integer, got ${maxLength}.`);
  }
  if (texts.length === 0) throw new Error('clipTokenize needs at least one text.');
  const padding = tokenizer.specialTokens.padding ?? 0;
  const ids = new Int32Array(texts.length * maxLength).fill(padding);
  texts.forEach((text, row) => {
    ids.set(tokenizer.encode(text).slice(0, maxLength), row * maxLength);
  });
  return tf.tensor2d(ids, [texts.length, maxLength], 'int32');
}
