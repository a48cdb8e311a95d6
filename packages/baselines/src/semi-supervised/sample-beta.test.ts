import { describe, expect, it } from 'vitest';
import { sampleBeta } from './sample-beta';

const moments = (values: Float32Array) => {
  const mean = values.reduce((sum, v) => sum + v, 0) / values.length;
  const variance = values.reduce((sum, v) => sum + (v - mean) ** 2, 0) / values.length;
  return { mean, variance };
};

describe('sampleBeta (seeded Beta sampler)', () => {
  it('is a pure function of the seed, in [0, 1]', () => {
    const first = sampleBeta(0.75, 0.75, 500, 42);
    expect(Array.from(sampleBeta(0.75, 0.75, 500, 42))).toEqual(Array.from(first));
    expect(Array.from(sampleBeta(0.75, 0.75, 500, 43))).not.toEqual(Array.from(first));
    for (const value of first) {
      expect(value).toBeGreaterThanOrEqual(0);
      expect(value).toBeLessThanOrEqual(1);
    }
  });

  it('matches the Beta mean α/(α+β) and variance αβ/((α+β)²(α+β+1)), for α < 1 and α > 1', () => {
    for (const [alpha, beta] of [
      [0.75, 0.75],
      [2, 5],
      [0.3, 1.7],
    ] as const) {
      const { mean, variance } = moments(sampleBeta(alpha, beta, 20_000, 7));
      const sum = alpha + beta;
      // Standard error of the mean is < 0.004 here; 0.015 is ~4 standard errors.
      expect(mean).toBeCloseTo(alpha / sum, 1);
      expect(Math.abs(mean - alpha / sum)).toBeLessThan(0.015);
      const expectedVariance = (alpha * beta) / (sum * sum * (sum + 1));
      expect(Math.abs(variance - expectedVariance) / expectedVariance).toBeLessThan(0.08);
    }
  });

  it('names bad parameters', () => {
    expect(() => sampleBeta(0, 1, 3, 1)).toThrow(/alpha > 0/);
    expect(() => sampleBeta(1, -1, 3, 1)).toThrow(/beta > 0/);
    expect(() => sampleBeta(1, 1, 2.5, 1)).toThrow(/count ≥ 0/);
  });
});
