import { describe, expect, it } from 'vitest';
import { checkLoss, splitIntoRounds } from './run-bench';

describe('splitIntoRounds', () => {
  it('splits the timed steps into near-equal rounds that add up', () => {
    for (const [steps, rounds] of [
      [10, 2],
      [10, 3],
      [11, 4],
      [5, 5],
      [7, 1],
    ] as const) {
      const sizes = splitIntoRounds(steps, rounds);
      expect(sizes).toHaveLength(rounds);
      expect(sizes.reduce((total, size) => total + size, 0)).toBe(steps);
      expect(Math.max(...sizes) - Math.min(...sizes)).toBeLessThanOrEqual(1);
    }
  });
});

describe('checkLoss', () => {
  it('passes a loss that falls, fails one that does not or is not finite', () => {
    expect(checkLoss([4.2, 4.3, 3.9])).toBe('fell');
    expect(checkLoss([4.2, 4.1, 4.2])).toBe('did not fall');
    expect(checkLoss([4.2, Number.NaN, 3.9])).toBe('not finite');
    expect(checkLoss([4.2, Number.POSITIVE_INFINITY])).toBe('not finite');
    expect(checkLoss([])).toBe('not finite');
  });
});
