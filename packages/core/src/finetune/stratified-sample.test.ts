import { describe, expect, it } from 'vitest';
import { randomSplit, stratifiedSample, stratifiedSplit } from './stratified-sample';

function countPerClass(
  labels: ArrayLike<number>,
  indices: ArrayLike<number>,
  numClasses: number,
): number[] {
  const counts = new Array<number>(numClasses).fill(0);
  for (let i = 0; i < indices.length; i++) counts[labels[indices[i]!]!]! += 1;
  return counts;
}

// 3 classes with 20, 30 and 4 examples, interleaved.
const labels = Int32Array.from([
  ...Array(20).fill(0),
  ...Array(30).fill(1),
  ...Array(4).fill(2),
]).reverse();

describe('stratifiedSample', () => {
  it('splits the budget evenly over classes and gives the remainder to random classes', () => {
    const indices = stratifiedSample(labels, 11, { numClasses: 3, seed: 0 });
    expect(indices).toHaveLength(11);
    const counts = countPerClass(labels, indices, 3);
    expect(counts.reduce((sum, count) => sum + count, 0)).toBe(11);
    expect(Math.min(...counts)).toBe(3);
    expect(Math.max(...counts)).toBe(4);
    expect(new Set(indices).size).toBe(11);
    expect(Array.from(indices)).toEqual(Array.from(indices).sort((a, b) => a - b));
  });

  it('moves the quota of a small class to the others', () => {
    const counts = countPerClass(
      labels,
      stratifiedSample(labels, 30, { numClasses: 3, seed: 1 }),
      3,
    );
    expect(counts[2]).toBe(4);
    expect(counts[0]! + counts[1]!).toBe(26);
    expect(Math.abs(counts[0]! - counts[1]!)).toBeLessThanOrEqual(1);
  });

  it('is deterministic per seed, differs across seeds and nests budgets', () => {
    const first = stratifiedSample(labels, 9, { numClasses: 3, seed: 4 });
    expect(stratifiedSample(labels, 9, { numClasses: 3, seed: 4 })).toEqual(first);
    expect(stratifiedSample(labels, 9, { numClasses: 3, seed: 5 })).not.toEqual(first);
    const larger = new Set(stratifiedSample(labels, 21, { numClasses: 3, seed: 4 }));
    expect(Array.from(first).every((index) => larger.has(index))).toBe(true);
  });

  it("returns the whole pool for 'all'", () => {
    expect(stratifiedSample(labels, 'all', { numClasses: 3, seed: 0 })).toEqual(
      Int32Array.from(labels, (_, i) => i),
    );
  });

  it('rejects a budget below the class count or above the pool, and an empty class', () => {
    expect(() => stratifiedSample(labels, 2, { numClasses: 3, seed: 0 })).toThrow(/at least 3/);
    expect(() => stratifiedSample(labels, 55, { numClasses: 3, seed: 0 })).toThrow(
      /exceeds the 54/,
    );
    expect(() => stratifiedSample(labels, 8, { numClasses: 4, seed: 0 })).toThrow(
      /Class 3 has no labeled examples/,
    );
  });
});

describe('stratifiedSplit', () => {
  it('holds out max(1, round(20%)) of each class, disjoint from training', () => {
    const subset = stratifiedSample(labels, 'all', { numClasses: 3, seed: 0 });
    const split = stratifiedSplit(labels, subset, { numClasses: 3, seed: 2, minPerClass: 4 });
    expect(countPerClass(labels, split.validation!, 3)).toEqual([4, 6, 1]);
    expect(countPerClass(labels, split.train, 3)).toEqual([16, 24, 3]);
    const held = new Set(split.validation);
    expect(Array.from(split.train).some((index) => held.has(index))).toBe(false);
    expect(stratifiedSplit(labels, subset, { numClasses: 3, seed: 2, minPerClass: 4 })).toEqual(
      split,
    );
  });

  it('holds out nothing when a class has fewer labels than minPerClass', () => {
    const subset = stratifiedSample(labels, 9, { numClasses: 3, seed: 0 });
    const split = stratifiedSplit(labels, subset, { numClasses: 3, seed: 0 });
    expect(split.validation).toBeNull();
    expect(split.train).toEqual(subset);
  });
});

describe('randomSplit', () => {
  it('holds out the fraction, at least one example', () => {
    const split = randomSplit(10, 0.2, 3);
    expect(split.validation).toHaveLength(2);
    expect(split.train).toHaveLength(8);
    expect(randomSplit(3, 0.01, 3).validation).toHaveLength(1);
  });
});
