import {
  type BatchSourceV1,
  deriveSeed,
  SeededRandom,
  type SpecialTokenIdsV1,
  type TokenizerV1,
} from '@selfsup/core';
import * as tf from '@tensorflow/tfjs';

/** The special ids a BERT sequence needs: [CLS], [SEP] and [PAD]. */
type SequenceIds = {
  readonly classification: number;
  readonly separator: number;
  readonly padding: number;
};

/** The [CLS], [SEP] and [PAD] ids of `specialTokens`, or an error naming `caller` and the fix. */
export function sequenceIds(specialTokens: SpecialTokenIdsV1, caller: string): SequenceIds {
  const { classification, separator, padding } = specialTokens;
  if (classification === undefined || separator === undefined || padding === undefined) {
    throw new Error(
      `${caller}: the tokenizer lacks a [CLS], [SEP] or [PAD] token (specialTokens.classification, separator, padding); ` +
        'use a WordPiece tokenizer from @selfsup/data (trainWordPieceTokenizer).',
    );
  }
  return { classification, separator, padding };
}

/** Throws unless `value` is an integer ≥ `minimum`, naming `caller` and the option. */
export function checkLength(value: number, name: string, caller: string, minimum: number): void {
  if (!(Number.isInteger(value) && value >= minimum)) {
    throw new RangeError(`${caller}: ${name} must be an integer ≥ ${minimum}, got ${value}.`);
  }
}

/** Options of {@link encodeBertInputs}. */
export type EncodeBertInputsOptions = {
  /** Tokens per sequence, [CLS] and [SEP] included; longer texts are cut, shorter padded. @default 128 */
  readonly maxLength?: number;
  /**
   * How a text longer than `maxLength − 2` tokens is cut: `'head'` keeps its first tokens (BERT's
   * classifiers); `'head-and-tail'` keeps its first `headFraction` and its last tokens, which Sun
   * et al. 2019 ("How to Fine-Tune BERT for Text Classification?") found best on long reviews.
   * @default 'head'
   */
  readonly truncation?: 'head' | 'head-and-tail';
  /** Share of the kept tokens taken from the text's start under `'head-and-tail'` (the paper: 128 of 510). @default 0.25 */
  readonly headFraction?: number;
  /**
   * Windows per text `W`: up to `W·(maxLength − 2)` tokens are kept (cut by `truncation`) and
   * written as `W` consecutive sequences `[CLS] chunk [SEP] [PAD]…` of `maxLength` ids each, for
   * core's `createWindowedEncoder`; windows past the text's end are all padding (empty). @default 1
   */
  readonly windows?: number;
};

/**
 * Turns texts into BERT inputs for finetuning and features: `[CLS] tokens… [SEP]` then [PAD] up
 * to `maxLength`, cutting a text's tokens after the first `maxLength − 2` (as BERT's classifiers),
 * or keeping its head and its tail (`truncation: 'head-and-tail'`). With `windows: W`, a long text
 * fills up to `W` such sequences side by side (read them with core's `createWindowedEncoder`).
 *
 * @param tokenizer a `TokenizerV1` with [CLS], [SEP] and [PAD] (e.g. WordPiece from `@selfsup/data`)
 * @param texts the texts
 * @param options `maxLength` (default 128), `truncation` ('head'), `headFraction` (0.25), `windows` (1)
 * @returns `[texts.length, windows·maxLength]` int32 ids; dispose it
 * @example const inputs = encodeBertInputs(tokenizer, ['win money now', 'see you at lunch'], { maxLength: 64 });
 */
export function encodeBertInputs(
  tokenizer: TokenizerV1,
  texts: readonly string[],
  options: EncodeBertInputsOptions = {},
): tf.Tensor2D {
  const caller = 'encodeBertInputs';
  const { maxLength = 128, truncation = 'head', headFraction = 0.25, windows = 1 } = options;
  checkLength(maxLength, 'maxLength', caller, 3);
  checkLength(windows, 'windows', caller, 1);
  if (truncation !== 'head' && truncation !== 'head-and-tail') {
    throw new RangeError(
      `${caller}: truncation must be 'head' or 'head-and-tail', got '${String(truncation)}'.`,
    );
  }
  if (!(headFraction >= 0 && headFraction <= 1)) {
    throw new RangeError(`${caller}: headFraction must be in [0, 1], got ${headFraction}.`);
  }
  const { classification, separator, padding } = sequenceIds(tokenizer.specialTokens, caller);
  const chunk = maxLength - 2;
  const kept = windows * chunk;
  const headLength = Math.round(kept * headFraction);
  const rowLength = windows * maxLength;
  const ids = new Int32Array(texts.length * rowLength).fill(padding);
  texts.forEach((text, row) => {
    if (typeof text !== 'string') throw new TypeError(`${caller}: text ${row} is not a string.`);
    const all = tokenizer.encode(text);
    const tokens =
      truncation === 'head' || all.length <= kept
        ? all.slice(0, kept)
        : [...all.slice(0, headLength), ...all.slice(all.length - (kept - headLength))];
    // Window 0 always holds [CLS] [SEP] (an empty text too); later ones only when tokens are left.
    for (let start = 0; start === 0 || start < tokens.length; start += chunk) {
      const part = tokens.slice(start, start + chunk);
      const offset = row * rowLength + (start / chunk) * maxLength;
      ids[offset] = classification;
      ids.set(part, offset + 1);
      ids[offset + 1 + part.length] = separator;
    }
  });
  return tf.tensor2d(ids, [texts.length, rowLength], 'int32');
}

/** Options of {@link bertSequenceSource}. */
export type BertSequenceSourceOptions = {
  /** Tokens per sequence `T`, [CLS] and [SEP] included (so `T − 2` text tokens). */
  readonly sequenceLength: number;
  /** Sequences per batch `B`. */
  readonly batchSize: number;
  /** The tokenizer's special tokens: [CLS] and [SEP] are added around each window. */
  readonly specialTokens: SpecialTokenIdsV1;
};

/**
 * A resumable, seeded `BatchSourceV1` of BERT pretraining sequences: random windows of
 * `T − 2` tokens of a token stream, each as `[CLS] window [SEP]` (`[B, T]` int32, no padding).
 *
 * BERT packs sentences into full 512-token sequences; windows at random offsets of the
 * concatenated corpus (join documents with [SEP]) do the same with less bookkeeping. Batch `p`
 * depends on `deriveSeed(seed, p)` only, so resuming at position `k` gives the batches an
 * uninterrupted run sees. Infinite; `windowCount` is the number of distinct windows.
 *
 * @param ids the token stream of the pretraining text (at least `T − 2` tokens)
 * @param options sequence length, batch size, special tokens
 * @returns the source, with `windowCount`
 * @example
 * const source = bertSequenceSource(ids, { sequenceLength: 128, batchSize: 16, specialTokens: tokenizer.specialTokens });
 */
export function bertSequenceSource(
  ids: Int32Array,
  options: BertSequenceSourceOptions,
): BatchSourceV1<tf.Tensor2D> & { readonly windowCount: number } {
  const caller = 'bertSequenceSource';
  const { sequenceLength, batchSize } = options;
  checkLength(sequenceLength, 'sequenceLength', caller, 3);
  checkLength(batchSize, 'batchSize', caller, 1);
  const { classification, separator } = sequenceIds(options.specialTokens, caller);
  const windowLength = sequenceLength - 2;
  if (ids.length < windowLength) {
    throw new RangeError(
      `${caller} needs at least sequenceLength − 2 = ${windowLength} token ids, got ${ids.length}: use a shorter sequenceLength or more text.`,
    );
  }
  const windowCount = ids.length - windowLength + 1;
  return {
    specificationVersion: 'v1',
    windowCount,
    *batches({ position, seed }) {
      if (!(Number.isInteger(position) && position >= 0)) {
        throw new RangeError(
          `${caller}: position must be a non-negative integer, got ${position}.`,
        );
      }
      for (let batch = position; ; batch++) {
        const random = new SeededRandom(deriveSeed(seed, batch));
        const sequences = new Int32Array(batchSize * sequenceLength);
        for (let row = 0; row < batchSize; row++) {
          const start = random.nextInt(windowCount);
          const offset = row * sequenceLength;
          sequences[offset] = classification;
          sequences.set(ids.subarray(start, start + windowLength), offset + 1);
          sequences[offset + sequenceLength - 1] = separator;
        }
        yield tf.tensor2d(sequences, [batchSize, sequenceLength], 'int32');
      }
    },
  };
}
