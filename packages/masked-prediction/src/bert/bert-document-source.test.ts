import { initBackend, type TokenizerV1 } from '@selfsup/core';
import { trainWordPieceTokenizer } from '@selfsup/data';
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { bertDocumentSource } from './bert-document-source';
import { encodeBertInputs } from './bert-inputs';

let tokenizer: TokenizerV1;

const texts = [
  'we the people',
  'of the united states in order to form a more perfect union establish justice',
  'insure domestic tranquility provide for the common defence',
];

function read(
  source: ReturnType<typeof bertDocumentSource>,
  position: number,
  count: number,
): number[][][] {
  const iterator = source.batches({ position, seed: 3 }) as Iterator<tf.Tensor2D>;
  return Array.from({ length: count }, () => {
    const batch = iterator.next().value as tf.Tensor2D;
    const rows = batch.arraySync();
    batch.dispose();
    return rows;
  });
}

describe('bertDocumentSource', () => {
  beforeAll(async () => {
    await initBackend({ backend: 'wasm', quiet: true });
    tokenizer = trainWordPieceTokenizer(texts.join(' '), { vocabularySize: 120 });
  });

  it('with startProbability 1 each sequence is a document laid out as encodeBertInputs lays it out', () => {
    const documents = texts.map((text) => Int32Array.from(tokenizer.encode(text)));
    const source = bertDocumentSource(documents, {
      sequenceLength: 10,
      batchSize: 8,
      specialTokens: tokenizer.specialTokens,
      startProbability: 1,
    });
    expect(source.documentCount).toBe(3);
    const encoded = encodeBertInputs(tokenizer, texts, { maxLength: 10 });
    const expected = encoded.arraySync().map((row) => row.join(','));
    encoded.dispose();
    const rows = read(source, 0, 5).flat();
    const seen = new Set(rows.map((row) => row.join(',')));
    for (const row of seen) expect(expected).toContain(row);
    // 40 draws over 3 documents: every document comes up.
    expect(seen.size).toBe(3);
  });

  it('cuts long documents at random offsets as well as at their start', () => {
    const document = Int32Array.from({ length: 60 }, (_, index) => 10 + index);
    const { classification, separator } = tokenizer.specialTokens;
    const source = bertDocumentSource([document], {
      sequenceLength: 12,
      batchSize: 50,
      specialTokens: tokenizer.specialTokens,
    });
    const rows = read(source, 0, 4).flat();
    const starts = rows.map((row) => {
      expect(row[0]).toBe(classification);
      expect(row[11]).toBe(separator);
      const window = row.slice(1, 11);
      // A contiguous slice of the document, never past its end.
      expect(window).toEqual(window.map((_, index) => window[0]! + index));
      expect(window[9]!).toBeLessThanOrEqual(69);
      return window[0]! - 10;
    });
    const fromStart = starts.filter((start) => start === 0).length / starts.length;
    // Half start at the first token, plus the random offsets that land on 0 (1 in 51).
    expect(fromStart).toBeGreaterThan(0.4);
    expect(fromStart).toBeLessThan(0.62);
    expect(new Set(starts).size).toBeGreaterThan(30);
    expect(Math.max(...starts)).toBeGreaterThanOrEqual(45);
    expect(Math.max(...starts)).toBeLessThanOrEqual(50);
  });

  it('resumes exactly, skips empty documents, frees its tensors and names bad input', () => {
    const documents = [
      new Int32Array(0),
      ...texts.map((text) => Int32Array.from(tokenizer.encode(text))),
    ];
    const options = { sequenceLength: 8, batchSize: 4, specialTokens: tokenizer.specialTokens };
    const source = bertDocumentSource(documents, options);
    expect(source.documentCount).toBe(3);
    const before = tf.memory().numTensors;
    const uninterrupted = read(source, 0, 5);
    expect(read(source, 3, 2)).toEqual(uninterrupted.slice(3));
    expect(tf.memory().numTensors).toBe(before);
    for (const row of uninterrupted.flat()) {
      // Every sequence holds at least one text token between [CLS] and [SEP].
      expect(row[1]).not.toBe(tokenizer.specialTokens.separator);
    }
    expect(() => bertDocumentSource([new Int32Array(0)], options)).toThrow(/non-empty document/);
    expect(() => bertDocumentSource(documents, { ...options, startProbability: 2 })).toThrow(
      /startProbability must be in \[0, 1\]/,
    );
    expect(() => bertDocumentSource(documents, { ...options, sequenceLength: 2 })).toThrow(
      /sequenceLength must be an integer ≥ 3/,
    );
    expect(() => bertDocumentSource(documents, { ...options, specialTokens: {} })).toThrow(
      /\[CLS\]/,
    );
    expect(() => read(source, -1, 1)).toThrow(/position/);
  });
});
