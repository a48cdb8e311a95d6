import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  evaluateWordPairs,
  type GradedWordPair,
  spearmanCorrelation,
} from './word-pair-evaluation';
import { WordVectors } from './word-vectors';

describe('spearmanCorrelation', () => {
  it('correlates ranks, ties at their mean rank', () => {
    expect(spearmanCorrelation([1, 2, 3], [10, 30, 20])).toBeCloseTo(0.5, 12);
    expect(spearmanCorrelation([1, 2, 3, 4], [1, 4, 9, 16])).toBeCloseTo(1, 12);
    expect(spearmanCorrelation([1, 2, 3, 4], [4, 3, 2, 1])).toBeCloseTo(-1, 12);
    // Ties: ranks [1.5, 1.5, 3] against [1, 2, 3].
    expect(spearmanCorrelation([5, 5, 7], [1, 2, 3])).toBeCloseTo(Math.sqrt(3) / 2, 12);
    expect(() => spearmanCorrelation([1], [1])).toThrow(/length/);
  });
});

describe('evaluateWordPairs', () => {
  it('scores vectors whose cosines follow the grades above random pairs', () => {
    // Angles grow as relatedness falls.
    const angles = [0, 0.2, 0.5, 1.2, 1.6, 2.4];
    const words = ['a', 'b', 'c', 'd', 'e', 'f'];
    const values = new Float32Array(angles.flatMap((angle) => [Math.cos(angle), Math.sin(angle)]));
    const vectors = new WordVectors(words, values, 2);
    const pairs = [
      { first: 'a', second: 'b', grade: 9 },
      { first: 'a', second: 'c', grade: 8 },
      { first: 'a', second: 'd', grade: 4 },
      { first: 'a', second: 'f', grade: 0 },
      { first: 'a', second: 'zebra', grade: 5 },
    ];
    const evaluation = evaluateWordPairs(vectors, pairs, { randomPairs: 200 });
    expect(evaluation.pairsFound).toBe(4);
    expect(evaluation.pairsMissing).toBe(1);
    expect(evaluation.spearman).toBeCloseTo(1, 12);
    expect(evaluation.relatedCosine).toBeGreaterThan(evaluation.randomCosine);
    expect(evaluation.relatedBeatsRandom).toBeGreaterThan(0.5);
  });
});

describe('related-word-pairs.json', () => {
  it('holds at least 50 distinct graded pairs of plain lower-case words', () => {
    const file = JSON.parse(
      readFileSync(new URL('./related-word-pairs.json', import.meta.url), 'utf8'),
    ) as { howChosen: string[]; minimumCount: number; pairs: GradedWordPair[] };
    expect(file.howChosen.join(' ')).toMatch(/BEFORE any Word2Vec or GloVe vector was trained/);
    expect(file.pairs.length).toBeGreaterThanOrEqual(50);
    const keys = new Set(file.pairs.map((pair) => [pair.first, pair.second].sort().join(' ')));
    expect(keys.size).toBe(file.pairs.length);
    for (const pair of file.pairs) {
      expect(pair.first).toMatch(/^[a-z]+$/);
      expect(pair.second).toMatch(/^[a-z]+$/);
      expect(pair.grade).toBeGreaterThanOrEqual(0);
      expect(pair.grade).toBeLessThanOrEqual(10);
    }
    expect(file.pairs.filter((pair) => pair.grade >= 7).length).toBeGreaterThanOrEqual(25);
    expect(file.pairs.filter((pair) => pair.grade <= 2).length).toBeGreaterThanOrEqual(10);
  });
});
