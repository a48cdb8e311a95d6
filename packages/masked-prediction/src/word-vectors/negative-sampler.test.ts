import { SeededRandom } from '@selfsup/core';
import { describe, expect, it } from 'vitest';
import { createNegativeSampler } from './negative-sampler';
import { keepProbabilities } from './subsampling';

describe('createNegativeSampler', () => {
  const counts = [0, 5000, 1200, 300, 80, 20, 1];

  it('gives each id the probability count^0.75 / Σ count^0.75', () => {
    const { probabilities } = createNegativeSampler(counts);
    const weights = counts.map((count) => count ** 0.75);
    const total = weights.reduce((sum, weight) => sum + weight, 0);
    weights.forEach((weight, id) => {
      expect(probabilities[id]).toBeCloseTo(weight / total, 12);
    });
  });

  it('draws ids with the frequencies of unigram^0.75, never an id of count 0', () => {
    const sampler = createNegativeSampler(counts);
    const random = new SeededRandom(7);
    const draws = 200_000;
    const seen = new Float64Array(counts.length);
    for (let draw = 0; draw < draws; draw++) seen[sampler.sample(random)]!++;
    expect(seen[0]).toBe(0);
    // Pearson's χ² over the drawable ids (5 degrees of freedom: the 99.9% quantile is 20.5).
    let chiSquare = 0;
    for (let id = 1; id < counts.length; id++) {
      const expected = sampler.probabilities[id]! * draws;
      chiSquare += (seen[id]! - expected) ** 2 / expected;
    }
    expect(chiSquare).toBeLessThan(20.5);
    // And it is not the plain unigram: the rare ids are drawn more often than their share.
    const unigramShare = counts[5]! / counts.reduce((sum, count) => sum + count, 0);
    expect(seen[5]! / draws).toBeGreaterThan(1.5 * unigramShare);
  });

  it('is the plain unigram at power 1 and rejects bad counts', () => {
    expect(createNegativeSampler([1, 3], 1).probabilities[1]).toBeCloseTo(0.75, 12);
    expect(() => createNegativeSampler([0, 0])).toThrow(/every count is 0/);
    expect(() => createNegativeSampler([1, -1])).toThrow(/counts\[1\]/);
  });
});

describe('keepProbabilities', () => {
  it('thins frequent words with the tool formula and keeps rare ones', () => {
    const counts = [0, 9000, 990, 10];
    const keep = keepProbabilities(counts, 1e-3);
    const ratio = (1e-3 * 10_000) / 9000;
    expect(keep[0]).toBe(0);
    expect(keep[1]).toBeCloseTo((Math.sqrt(1 / ratio) + 1) * ratio, 12);
    expect(keep[1]).toBeLessThan(keep[2]!);
    expect(keep[3]).toBe(1);
    expect([...keepProbabilities(counts, 0)]).toEqual([0, 1, 1, 1]);
    expect(() => keepProbabilities(counts, -1)).toThrow(/threshold/);
  });
});
