import {
  type BatchSourceV1,
  deriveSeed,
  SeededRandom,
  type SpecialTokenIdsV1,
} from '@selfsup/core';
import * as tf from '@tensorflow/tfjs';
import { checkLength, sequenceIds } from './bert-inputs';

/** Options of {@link bertDocumentSource}. */
export type BertDocumentSourceOptions = {
  /** Tokens per sequence `T`, [CLS] and [SEP] included (so at most `T − 2` text tokens). */
  readonly sequenceLength: number;
  /** Sequences per batch `B`. */
  readonly batchSize: number;
  /** The tokenizer's special tokens: [CLS], [SEP] and [PAD] frame each sequence. */
  readonly specialTokens: SpecialTokenIdsV1;
  /**
   * Chance that a sequence starts at its document's first token, as `encodeBertInputs` cuts a
   * finetuning text; otherwise a document longer than `T − 2` tokens is cut at a random offset.
   * @default 0.5
   */
  readonly startProbability?: number;
};

/**
 * A resumable, seeded `BatchSourceV1` of task-adaptive pretraining sequences: one document per
 * sequence, laid out as `encodeBertInputs` lays out a finetuning text (`[CLS] tokens… [SEP]` then
 * [PAD] up to `T`), so masked-LM training continues on the downstream task's own unlabeled texts
 * in the downstream format.
 *
 * Task-adaptive pretraining (TAPT, Gururangan et al. 2020, "Don't Stop Pretraining"): after
 * pretraining on a broad corpus, more masked-LM steps on the task's unlabeled training texts;
 * the paper's TAPT runs 100 epochs over the task data at a peak learning rate of 1e-4. Here a
 * document is drawn uniformly per sequence; half of the sequences (`startProbability`) start at
 * the document's first token, the rest at a random offset, so long documents are seen whole.
 * Padding is never masked (`createBert` protects every special id). Batch `p` depends on
 * `deriveSeed(seed, p)` only, so resuming at position `k` gives the batches an uninterrupted run
 * sees. Infinite. Empty documents are skipped.
 *
 * @param documents each document's token ids (without [CLS] or [SEP])
 * @param options sequence length, batch size, special tokens, start probability
 * @returns the source, with `documentCount` (the non-empty documents)
 * @example
 * const documents = bodies.map((body) => Int32Array.from(tokenizer.encode(body)));
 * const source = bertDocumentSource(documents, { sequenceLength: 128, batchSize: 16, specialTokens: tokenizer.specialTokens });
 * await pretrain(bert, source, { steps: 1000, learningRate: 2e-4 }); // after the broad pretraining
 */
export function bertDocumentSource(
  documents: readonly Int32Array[],
  options: BertDocumentSourceOptions,
): BatchSourceV1<tf.Tensor2D> & { readonly documentCount: number } {
  const caller = 'bertDocumentSource';
  const { sequenceLength, batchSize, specialTokens, startProbability = 0.5 } = options;
  checkLength(sequenceLength, 'sequenceLength', caller, 3);
  checkLength(batchSize, 'batchSize', caller, 1);
  if (!(startProbability >= 0 && startProbability <= 1)) {
    throw new RangeError(`${caller}: startProbability must be in [0, 1], got ${startProbability}.`);
  }
  const { classification, separator, padding } = sequenceIds(specialTokens, caller);
  const kept = documents.filter((document) => document.length > 0);
  if (kept.length === 0) {
    throw new RangeError(
      `${caller}: needs at least one non-empty document, got ${documents.length} documents and none has a token: pass the tokenized texts.`,
    );
  }
  const windowLength = sequenceLength - 2;
  return {
    specificationVersion: 'v1',
    documentCount: kept.length,
    *batches({ position, seed }) {
      if (!(Number.isInteger(position) && position >= 0)) {
        throw new RangeError(
          `${caller}: position must be a non-negative integer, got ${position}.`,
        );
      }
      for (let batch = position; ; batch++) {
        const random = new SeededRandom(deriveSeed(seed, batch));
        const sequences = new Int32Array(batchSize * sequenceLength).fill(padding);
        for (let row = 0; row < batchSize; row++) {
          const document = kept[random.nextInt(kept.length)] as Int32Array;
          const fromStart = random.nextFloat() < startProbability;
          const spare = document.length - windowLength;
          const start = fromStart || spare <= 0 ? 0 : random.nextInt(spare + 1);
          const tokens = document.subarray(start, start + windowLength);
          const offset = row * sequenceLength;
          sequences[offset] = classification;
          sequences.set(tokens, offset + 1);
          sequences[offset + 1 + tokens.length] = separator;
        }
        yield tf.tensor2d(sequences, [batchSize, sequenceLength], 'int32');
      }
    },
  };
}
