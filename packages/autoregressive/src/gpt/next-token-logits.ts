import type { TransformerCache } from '@selfsup/core';
import * as tf from '@tensorflow/tfjs';
import type { GptObjective } from './gpt';

/** The parts of a GPT that generation needs. */
export type GptLanguageModel = Pick<GptObjective, 'encoder' | 'logitsOfFeatures'>;

/** Computes the next-token logits of a growing sequence; owns a KV cache when cached. */
export type NextTokenLogits = {
  /**
   * The logits `[V]` of the token that follows `context` (the last `blockSize` tokens are seen).
   *
   * @param context every token so far (prompt and generated); only appended to between calls
   */
  next(context: readonly number[]): Float32Array;
  /** Frees the cache. */
  dispose(): void;
};

function lastRowLogits(model: GptLanguageModel, features: tf.Tensor3D): Float32Array {
  const row = tf.tidy(() => {
    const [, length, size] = features.shape;
    const last = tf.slice(features, [0, length - 1, 0], [1, 1, size]) as tf.Tensor3D;
    return model.logitsOfFeatures(last).reshape([-1]);
  });
  try {
    return Float32Array.from(row.dataSync() as Float32Array);
  } finally {
    row.dispose();
  }
}

/**
 * Where the context window starts for a sequence of `length` tokens: it stays put while the window
 * fits in `blockSize` tokens, then advances by `shift` tokens at a time (so the model sees between
 * `blockSize − shift + 1` and `blockSize` tokens). `shift = 1` is nanoGPT's crop to the last
 * `blockSize` tokens.
 *
 * @param start the current start
 * @param length the number of tokens so far
 * @param blockSize the model's context
 * @param shift how far the window advances when full
 * @returns the new start
 * @example advanceWindow(0, 65, 64, 16); // 16
 */
export function advanceWindow(
  start: number,
  length: number,
  blockSize: number,
  shift: number,
): number {
  let next = start;
  while (length - next > blockSize) next += shift;
  return next;
}

function checkShift(shift: number, blockSize: number): void {
  if (!Number.isInteger(shift) || shift < 1 || shift > blockSize) {
    throw new RangeError(
      `contextShift must be an integer in [1, blockSize = ${blockSize}], got ${shift}.`,
    );
  }
}

/**
 * Next-token logits without a cache: every call encodes the whole context window (see
 * {@link advanceWindow}) and takes the last position (nanoGPT's `generate` when `shift` is 1).
 *
 * @param model the GPT
 * @param shift how far the window advances when the sequence outgrows `blockSize` @default 1
 * @returns the logits source
 * @example const source = uncachedLogits(gpt); source.next([0, 5, 7]);
 */
export function uncachedLogits(model: GptLanguageModel, shift = 1): NextTokenLogits {
  const blockSize = model.encoder.maxLength;
  checkShift(shift, blockSize);
  let windowStart = 0;
  return {
    next(context) {
      windowStart = advanceWindow(windowStart, context.length, blockSize, shift);
      const window = context.slice(windowStart);
      const features = tf.tidy(() =>
        model.encoder.doEncodeSequence(tf.tensor2d([window], [1, window.length], 'int32'), {
          training: false,
        }),
      );
      try {
        return lastRowLogits(model, features);
      } finally {
        features.dispose();
      }
    },
    dispose() {},
  };
}

/**
 * Next-token logits with a KV cache (core's `TransformerCache`): the tokens not seen yet go
 * through `encodeIncremental`, which attends to the cached keys/values, so each new token costs one
 * position. Positions are absolute (learned), so when the window advances (see
 * {@link advanceWindow}) the cache cannot be shifted: the new window is encoded into a fresh cache
 * once, then generation is incremental again. The logits equal {@link uncachedLogits} with the same
 * `shift` (up to float rounding); a larger `shift` re-encodes less often.
 *
 * @param model the GPT
 * @param shift how far the window advances when the sequence outgrows `blockSize` @default 1
 * @returns the logits source; `dispose()` frees the cache
 * @example const source = cachedLogits(gpt, 16); source.next([0, 5]); source.next([0, 5, 9]); source.dispose();
 */
export function cachedLogits(model: GptLanguageModel, shift = 1): NextTokenLogits {
  const blockSize = model.encoder.maxLength;
  checkShift(shift, blockSize);
  let cache: TransformerCache | undefined;
  let windowStart = 0;
  const release = (): void => {
    cache?.dispose();
    cache = undefined;
  };
  return {
    next(context) {
      const start = advanceWindow(windowStart, context.length, blockSize, shift);
      if (cache === undefined || start !== windowStart) {
        release();
        cache = model.encoder.createCache(1);
        windowStart = start;
      }
      const active = cache;
      const fresh = context.slice(windowStart + active.length);
      if (fresh.length === 0) {
        throw new Error('next-token logits: the context has no new token since the last call.');
      }
      const features = tf.tidy(() =>
        model.encoder.encodeIncremental(tf.tensor2d([fresh], [1, fresh.length], 'int32'), active),
      );
      try {
        return lastRowLogits(model, features);
      } finally {
        features.dispose();
      }
    },
    dispose: release,
  };
}
