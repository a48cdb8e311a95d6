import { describe, expect, it } from 'vitest';
import { clusteringScores, majorityLabels } from './clustering-metrics';

describe('clusteringScores', () => {
  it('is 1 for the same partition under renamed clusters', () => {
    expect(clusteringScores([0, 0, 1, 1, 2], [2, 2, 0, 0, 1])).toEqual({ nmi: 1, ari: 1 });
  });

  it('matches hand-computed values', () => {
    // ARI by hand from the contingency table (Hubert & Arabie 1985): index Σ C(n_ij, 2) = 2, class
    // pairs 6, cluster pairs 3, all pairs 15 → (2 − 6·3/15) / ((6 + 3)/2 − 6·3/15) = 0.2424….
    const classes = [0, 0, 0, 1, 1, 1];
    const clusters = [0, 0, 1, 1, 2, 2];
    const { nmi, ari } = clusteringScores(classes, clusters);
    expect(ari).toBeCloseTo((2 - (6 * 3) / 15) / ((6 + 3) / 2 - (6 * 3) / 15), 12);
    // NMI: I / ((H(classes) + H(clusters)) / 2) with I = (2/3) ln 2 … (computed independently in Python).
    expect(nmi).toBeCloseTo(0.5158037429793888, 12);
  });

  it('is near 0 (ARI) for an unrelated clustering', () => {
    const classes = Array.from({ length: 2000 }, (_, i) => i % 5);
    const clusters = Array.from({ length: 2000 }, (_, i) => Math.floor(i / 400));
    expect(Math.abs(clusteringScores(classes, clusters).ari)).toBeLessThan(0.01);
  });

  it('rejects mismatched lengths', () => {
    expect(() => clusteringScores([0, 1], [0])).toThrow(/2 classes but 1 cluster ids/);
  });
});

describe('majorityLabels', () => {
  it('names clusters after their labeled majority and falls back to the commonest class', () => {
    expect(Array.from(majorityLabels([0, 0, 0, 1, 1], [3, 3, 4, 5, 5], 3))).toEqual([3, 5, 3]);
  });
});
