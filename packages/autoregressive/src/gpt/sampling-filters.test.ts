import { SeededRandom } from '@selfsup/core';
import { describe, expect, it } from 'vitest';
import {
  applyRepetitionPenalty,
  argMaxOfLogits,
  filterTopK,
  filterTopP,
  keepAllowedTokens,
  sampleFromProbabilities,
  softmaxOfLogits,
} from './sampling-filters';

const NEG = Number.NEGATIVE_INFINITY;
const logitsOf = (probabilities: number[]) => probabilities.map((p) => Math.log(p));

describe('sampling filters', () => {
  it('top-k keeps the k largest logits (and ties with the k-th), leaves its input alone', () => {
    const logits = [1, 3, 2, 0];
    expect(Array.from(filterTopK(logits, 2))).toEqual([NEG, 3, 2, NEG]);
    expect(Array.from(filterTopK(logits, 1))).toEqual([NEG, 3, NEG, NEG]);
    expect(Array.from(filterTopK(logits, 4))).toEqual(logits);
    expect(Array.from(filterTopK(logits, 10))).toEqual(logits);
    expect(Array.from(filterTopK([2, 1, 2, 0], 1))).toEqual([2, NEG, 2, NEG]);
    expect(logits).toEqual([1, 3, 2, 0]);
    expect(() => filterTopK(logits, 0)).toThrow(/positive integer/);
  });

  it('top-p keeps the smallest most-probable set whose mass reaches p', () => {
    // Probabilities 0.5, 0.3, 0.15, 0.05.
    const logits = logitsOf([0.15, 0.5, 0.05, 0.3]);
    const kept = (p: number) =>
      Array.from(filterTopP(logits, p)).map((value) => Number.isFinite(value));
    expect(kept(0.4)).toEqual([false, true, false, false]); // 0.5 ≥ 0.4
    expect(kept(0.5)).toEqual([false, true, false, false]); // exactly reached
    expect(kept(0.7)).toEqual([false, true, false, true]); // 0.5 < 0.7 ≤ 0.8
    expect(kept(0.9)).toEqual([true, true, false, true]); // 0.8 < 0.9 ≤ 0.95
    expect(kept(1)).toEqual([true, true, true, true]);
    // Kept logits are unchanged (the softmax of the survivors renormalises them).
    const filtered = filterTopP(logits, 0.7);
    expect(filtered[1]).toBeCloseTo(Math.log(0.5), 6);
    const renormalised = softmaxOfLogits(filtered);
    expect(renormalised[1]).toBeCloseTo(0.5 / 0.8, 6);
    expect(renormalised[3]).toBeCloseTo(0.3 / 0.8, 6);
    expect(() => filterTopP(logits, 0)).toThrow(/\(0, 1\]/);
  });

  it('top-p on rows with ties: the nucleus is the first tokens in decreasing probability, ties in increasing id', () => {
    const random = new SeededRandom(12);
    for (let trial = 0; trial < 300; trial++) {
      const size = 1 + random.nextInt(40);
      // Few distinct logit values: most rows have ties, also at the nucleus' edge.
      const logits = Array.from({ length: size }, () => random.nextInt(4) * 0.5);
      const p = [0.05, 0.3, 0.5, 0.9, 0.999, 1][random.nextInt(6)]!;
      const probabilities = softmaxOfLogits(logits);
      const order = [...probabilities.keys()].sort(
        (left, right) => probabilities[right]! - probabilities[left]! || left - right,
      );
      const expected = new Array<boolean>(size).fill(false);
      let mass = 0;
      for (const index of order) {
        if (index !== order[0] && mass >= p) break;
        expected[index] = true;
        mass += probabilities[index]!;
      }
      const kept = Array.from(filterTopP(logits, p)).map((value) => Number.isFinite(value));
      expect(kept).toEqual(expected);
    }
  });

  it('keepAllowedTokens keeps only the allowed logits, leaves its input alone, and names bad ids', () => {
    const logits = Float32Array.from([1, 3, 2, 0]);
    expect(Array.from(keepAllowedTokens(logits, [0, 2, 2]))).toEqual([1, NEG, 2, NEG]);
    expect(Array.from(logits)).toEqual([1, 3, 2, 0]);
    expect(argMaxOfLogits(keepAllowedTokens(logits, Int32Array.from([3, 0])))).toBe(0);
    expect(() => keepAllowedTokens(logits, [])).toThrow(/at least one id/);
    expect(() => keepAllowedTokens(logits, [4])).toThrow(/allowed token id 4 is outside/);
    expect(() => keepAllowedTokens(logits, [1.5])).toThrow(/1.5/);
  });

  it('repetition penalty divides positive and multiplies negative logits of seen tokens, once each (CTRL)', () => {
    expect(Array.from(applyRepetitionPenalty([2, -2, 1, 4], [0, 1, 0, 0], 2))).toEqual([
      1, -4, 1, 4,
    ]);
    expect(Array.from(applyRepetitionPenalty([2, -2], [], 2))).toEqual([2, -2]);
    expect(Array.from(applyRepetitionPenalty([2, -2], [0, 1], 1))).toEqual([2, -2]);
    // A penalty above 1 always lowers the probability of a seen token.
    const before = softmaxOfLogits([0.5, -0.5, 0.1]);
    const after = softmaxOfLogits(applyRepetitionPenalty([0.5, -0.5, 0.1], [0, 1], 1.5));
    expect(after[0]!).toBeLessThan(before[0]!);
    expect(after[1]!).toBeLessThan(before[1]!);
    expect(after[2]!).toBeGreaterThan(before[2]!);
    expect(() => applyRepetitionPenalty([1, 2], [2], 1.2)).toThrow(/outside the vocabulary/);
    expect(() => applyRepetitionPenalty([1, 2], [0], 0)).toThrow(/> 0/);
  });

  it('softmaxOfLogits, sampling and arg-max match a known distribution', () => {
    const probabilities = softmaxOfLogits(logitsOf([0.1, 0.6, 0.3]));
    expect(probabilities[1]).toBeCloseTo(0.6, 12);
    expect(sampleFromProbabilities(probabilities, 0.05)).toBe(0);
    expect(sampleFromProbabilities(probabilities, 0.11)).toBe(1);
    expect(sampleFromProbabilities(probabilities, 0.69)).toBe(1);
    expect(sampleFromProbabilities(probabilities, 0.71)).toBe(2);
    expect(sampleFromProbabilities(softmaxOfLogits([0, NEG, 0]), 0.9999999)).toBe(2);
    expect(argMaxOfLogits([0.1, 2, 2])).toBe(1);
    expect(() => softmaxOfLogits([NEG, NEG])).toThrow(/no finite logit/);
    // 20,000 seeded draws land near the distribution.
    const random = new SeededRandom(3);
    const counts = [0, 0, 0];
    for (let draw = 0; draw < 20_000; draw++)
      counts[sampleFromProbabilities(probabilities, random.nextFloat())]!++;
    expect(counts[0]! / 20_000).toBeCloseTo(0.1, 1);
    expect(counts[1]! / 20_000).toBeCloseTo(0.6, 1);
    expect(counts[2]! / 20_000).toBeCloseTo(0.3, 1);
  });
});
