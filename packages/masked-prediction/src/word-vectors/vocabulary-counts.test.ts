import { describe, expect, it } from 'vitest';
import { keptPieces, trainedCounts, vectorsOfTrainedIds } from './vocabulary-counts';
import { createWordTokenizer } from './word-tokenizer';

describe('vocabulary counts', () => {
  it('keeps ids seen minCount times, drops ignored ones, and cuts the text into pieces', () => {
    const counts = trainedCounts(
      [
        [1, 2, 1, 3],
        [1, 0, 2],
      ],
      4,
      2,
      [0],
    );
    expect([...counts]).toEqual([0, 3, 2, 0]);
    expect(keptPieces([[1, 2, 3, 1, 0, 2]], counts, 2).map((piece) => [...piece])).toEqual([
      [1, 2],
      [1, 2],
    ]);
    expect(() => trainedCounts([[4]], 4)).toThrow(/outside \[0, 4\)/);
  });

  it('names the rows of trained ids by the tokenizer, special tokens left out', () => {
    const tokenizer = createWordTokenizer(['war war peace']);
    const matrix = new Float32Array([9, 9, 1, 2, 3, 4]);
    const vectors = vectorsOfTrainedIds(matrix, 2, Int32Array.from([5, 2, 1]), tokenizer);
    expect(vectors.words).toEqual(['war', 'peace']);
    expect([...vectors.averageVectors(tokenizer.encode('peace and war'))]).toEqual([2, 3]);
    const unnamed = vectorsOfTrainedIds(matrix, 2, Int32Array.from([0, 2, 0]), ['x', 'y', 'z']);
    expect(unnamed.words).toEqual(['y']);
    expect(() => vectorsOfTrainedIds(matrix, 2, Int32Array.from([0, 0, 1]), ['x'])).toThrow(
      /no word for id 2/,
    );
  });
});
