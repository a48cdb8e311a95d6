import { SeededRandom } from '@selfsup/core';
import { describe, expect, it } from 'vitest';
import { clusteringScores } from './clustering-metrics';
import type { FeatureRows } from './feature-rows';
import { kMeans, kMeansPlusPlus } from './k-means';

/** `perCluster` points around each centre, with Gaussian noise of the given scale. */
function blobs(centres: number[][], perCluster: number, noise: number, seed: number) {
  const random = new SeededRandom(seed);
  const columns = centres[0]!.length;
  const values = new Float32Array(centres.length * perCluster * columns);
  const truth = new Int32Array(centres.length * perCluster);
  centres.forEach((centre, k) => {
    for (let i = 0; i < perCluster; i++) {
      const row = k * perCluster + i;
      truth[row] = k;
      for (let c = 0; c < columns; c++)
        values[row * columns + c] = centre[c]! + noise * random.nextNormal();
    }
  });
  return { data: { values, rows: truth.length, columns } satisfies FeatureRows, truth };
}

describe('kMeansPlusPlus', () => {
  it('draws the next centre with probability proportional to D² (Arthur & Vassilvitskii 2007)', () => {
    // Points 0, 1 and 4 on a line: after a first centre x, the next is y with probability (x − y)² / Σ.
    const data: FeatureRows = { values: Float32Array.from([0, 1, 4]), rows: 3, columns: 1 };
    const points = [0, 1, 4];
    const expected = new Map<string, number>();
    for (const first of [0, 1, 2]) {
      const total = points.reduce((sum, p) => sum + (p - points[first]!) ** 2, 0);
      for (const second of [0, 1, 2]) {
        expected.set(
          `${first},${second}`,
          (1 / 3) * ((points[second]! - points[first]!) ** 2 / total),
        );
      }
    }
    const counts = new Map<string, number>();
    const draws = 6000;
    const random = new SeededRandom(7);
    for (let draw = 0; draw < draws; draw++) {
      const [first, second] = kMeansPlusPlus(data, 2, random);
      const key = `${first},${second}`;
      counts.set(key, (counts.get(key) ?? 0) + 1);
    }
    for (const [key, probability] of expected) {
      const observed = (counts.get(key) ?? 0) / draws;
      // 4 standard errors of a binomial proportion.
      const tolerance = 4 * Math.sqrt((probability * (1 - probability)) / draws) + 1e-9;
      expect(Math.abs(observed - probability), key).toBeLessThanOrEqual(tolerance);
    }
  });

  it('never picks the same row twice when the rows are distinct', () => {
    const { data } = blobs(
      [
        [0, 0],
        [5, 5],
        [0, 5],
      ],
      20,
      1,
      1,
    );
    for (let seed = 0; seed < 20; seed++) {
      const seeds = kMeansPlusPlus(data, 10, new SeededRandom(seed));
      expect(new Set(seeds).size).toBe(10);
    }
  });
});

describe('kMeans', () => {
  it('recovers well-separated blobs and its inertia never increases', () => {
    const { data, truth } = blobs(
      [
        [0, 0, 0],
        [8, 0, 0],
        [0, 8, 0],
        [0, 0, 8],
      ],
      50,
      1,
      3,
    );
    const result = kMeans(data, { clusters: 4, seed: 0, restarts: 3 });
    expect(result.converged).toBe(true);
    expect(clusteringScores(truth, result.assignments).ari).toBe(1);
    for (let i = 1; i < result.inertiaHistory.length; i++) {
      expect(result.inertiaHistory[i]!).toBeLessThanOrEqual(
        result.inertiaHistory[i - 1]! * (1 + 1e-12),
      );
    }
    // The inertia is the sum of squared distances to the assigned centroids.
    let inertia = 0;
    result.assignments.forEach((cluster, row) => {
      for (let c = 0; c < 3; c++)
        inertia += (data.values[row * 3 + c]! - result.centroids[cluster * 3 + c]!) ** 2;
    });
    expect(result.inertia).toBeCloseTo(inertia, 6);
  });

  it('is reproducible from its seed', () => {
    const { data } = blobs(
      [
        [0, 0],
        [3, 0],
        [0, 3],
      ],
      30,
      1.5,
      4,
    );
    const a = kMeans(data, { clusters: 3, seed: 11 });
    const b = kMeans(data, { clusters: 3, seed: 11 });
    expect(Array.from(a.assignments)).toEqual(Array.from(b.assignments));
  });

  it('rejects bad input with a message that names the problem', () => {
    const data: FeatureRows = { values: Float32Array.from([0, 1, 2, 3]), rows: 2, columns: 2 };
    expect(() => kMeans(data, { clusters: 3 })).toThrow(/at least 3 rows/);
    expect(() => kMeans(data, { clusters: 0 })).toThrow(/positive integer/);
    expect(() =>
      kMeans({ ...data, values: Float32Array.from([0, Number.NaN, 2, 3]) }, { clusters: 1 }),
    ).toThrow(/row 0, column 1 is not finite/);
    expect(() => kMeans({ ...data, rows: 3 }, { clusters: 1 })).toThrow(/do not make a 3×2 matrix/);
  });
});
