import * as tf from '@tensorflow/tfjs';
import { SeededRandom } from '../random/seeded-random';
import { assertInteger, assertProbability, assertSeed } from './transform-validation';

/** Options of {@link maskSpans}. */
export type SpanMaskingOptions = {
  /** Probability that a time step starts a span. @default 0.065 (wav2vec 2.0) */
  readonly startProbability?: number;
  /** Number of consecutive steps each span masks. @default 10 (wav2vec 2.0) */
  readonly spanLength?: number;
  /** Give every sequence at least one span, even when no start was drawn. @default true */
  readonly atLeastOneSpan?: boolean;
  /**
   * `[B, T]` (bool or 0/1) marking the real steps of each sequence (not padding, not special
   * tokens). A span starts only where all its steps are real, so padding is never masked; a
   * sequence with fewer than `spanLength` consecutive real steps gets no span.
   * @default every step is real
   */
  readonly validSteps?: tf.Tensor2D;
};

/** What {@link maskSpans} returns; dispose all three. */
export type SpanMaskingResult = {
  /** 1 at masked steps, 0 elsewhere, `[B, T]` float32. */
  readonly mask: tf.Tensor2D;
  /** 1 at the steps that start a span, `[B, T]` float32. */
  readonly starts: tf.Tensor2D;
  /** The number of masked steps of each sequence, `[B]` float32 (to normalise a loss). */
  readonly maskedCounts: tf.Tensor1D;
};

/**
 * The span length {@link maskSpans} uses for a clip of `length` steps: `spanLength`, shortened
 * to `max(1, floor(length / 2))` for clips shorter than two spans so that at least half of a
 * short clip stays visible as context.
 *
 * @param length `T`
 * @param spanLength requested span length @default 10
 * @returns the effective span length
 * @example effectiveSpanLength(12, 10) // 6
 */
export function effectiveSpanLength(length: number, spanLength = 10): number {
  assertInteger(length, 'maskSpans length', 1);
  assertInteger(spanLength, 'maskSpans spanLength', 1);
  return Math.max(1, Math.min(spanLength, Math.floor(length / 2)));
}

/**
 * wav2vec 2.0's time masking (Baevski et al. 2020, "wav2vec 2.0: A Framework for
 * Self-Supervised Learning of Speech Representations"): every step that can start a whole span
 * (`t ≤ T − M`) is a start with probability `p` (0.065), and each start masks itself and the
 * next `M − 1` steps (M = 10); spans may overlap, so about `1 − (1 − p)^M` ≈ 49% of the inner
 * steps are masked.
 *
 * Short clips: `p · T` starts are expected, under one for `T < 1/p` ≈ 15 steps, so by default a
 * sequence without any start gets one at a uniformly random valid step; and the span length is
 * shortened to `floor(T / 2)` when `T < 2M` (see {@link effectiveSpanLength}). Computed with
 * tensor ops for the whole batch (a max-pool spreads the starts); works on shapes only, so the
 * same mask serves audio frames and token sequences (span masking of tokens: pass the
 * non-padding, non-special positions as `validSteps`, then `tf.where(mask.cast('bool'), maskIds, ids)`).
 *
 * @param batchSize `B`
 * @param length `T`, the number of time steps (frames or tokens)
 * @param seed same seed, same masks (on a given backend)
 * @param options {@link SpanMaskingOptions}
 * @returns `{ mask, starts, maskedCounts }`
 * @example const { mask, maskedCounts } = maskSpans(8, 49, deriveSeed(runSeed, step));
 */
export function maskSpans(
  batchSize: number,
  length: number,
  seed: number,
  options: SpanMaskingOptions = {},
): SpanMaskingResult {
  assertInteger(batchSize, 'maskSpans batchSize', 1);
  assertSeed(seed, 'maskSpans');
  const startProbability = options.startProbability ?? 0.065;
  assertProbability(startProbability, 'maskSpans startProbability');
  const spanLength = effectiveSpanLength(length, options.spanLength ?? 10);
  const atLeastOneSpan = options.atLeastOneSpan ?? true;
  const random = new SeededRandom(seed);
  const startSeed = random.nextSeed();
  const fallbackSeed = random.nextSeed();
  const shape: [number, number] = [batchSize, length];
  const { validSteps } = options;
  if (validSteps !== undefined && !tf.util.arraysEqual(validSteps.shape, shape)) {
    throw new Error(
      `maskSpans validSteps must have the mask's shape ${JSON.stringify(shape)}, got ${JSON.stringify(validSteps.shape)}.`,
    );
  }
  return tf.tidy(() => {
    let canStart: tf.Tensor;
    if (validSteps === undefined) {
      canStart = tf
        .lessEqual(tf.range(0, length, 1, 'int32'), tf.scalar(length - spanLength, 'int32'))
        .reshape([1, length]);
    } else {
      // A start is allowed when no invalid step (or the end) lies in its span: a forward max-pool of 1 − valid.
      const invalid = tf.sub(1, tf.cast(tf.cast(validSteps, 'bool'), 'float32'));
      const invalidPadded = tf.pad(
        invalid,
        [
          [0, 0],
          [0, spanLength - 1],
        ],
        1,
      );
      const invalidAhead = tf.maxPool(
        tf.reshape(invalidPadded, [batchSize, 1, length + spanLength - 1, 1]) as tf.Tensor4D,
        [1, spanLength],
        1,
        'valid',
      );
      canStart = tf.equal(tf.reshape(invalidAhead, shape), 0);
    }
    let starts = tf.logicalAnd(
      tf.less(tf.randomUniform(shape, 0, 1, 'float32', startSeed), startProbability),
      canStart,
    );
    if (atLeastOneSpan) {
      const hasNone = tf.logicalNot(tf.any(starts, 1, true));
      // A uniform score in [0, 1) where a span can start, −1 elsewhere (no broadcastTo: slow on wasm).
      const startable = canStart.cast('float32');
      const scores = tf.add(
        tf.mul(tf.randomUniform(shape, 0, 1, 'float32', fallbackSeed), startable),
        tf.sub(startable, 1),
      );
      // A one-hot of the best score by comparison: tf.oneHot refuses depth 1 (one-step clips).
      const best = tf.equal(
        tf.range(0, length, 1, 'int32').reshape([1, length]),
        tf.argMax(scores, 1).reshape([batchSize, 1]),
      );
      const fallback = tf.logicalAnd(best, canStart);
      starts = tf.logicalOr(starts, tf.logicalAnd(fallback, hasNone));
    }
    const startValues = starts.cast('float32') as tf.Tensor2D;
    // A step is masked when a start lies in the previous spanLength steps (itself included).
    const padded = tf.pad(startValues, [
      [0, 0],
      [spanLength - 1, 0],
    ]);
    const spread = tf.maxPool(
      tf.reshape(padded, [batchSize, 1, length + spanLength - 1, 1]) as tf.Tensor4D,
      [1, spanLength],
      1,
      'valid',
    );
    const mask = tf.reshape(spread, shape) as tf.Tensor2D;
    return { mask, starts: startValues, maskedCounts: tf.sum(mask, 1) as tf.Tensor1D };
  });
}
