import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../backend/init-backend';
import { SeededRandom } from '../random/seeded-random';
import { expectNoTensorLeak } from '../test/expect-no-tensor-leak';
import { principalComponents, symmetricEigen } from './principal-components';
import { projectEmbeddings } from './project-embeddings';

beforeAll(async () => {
  await initBackend({ backend: 'wasm', quiet: true });
});

function unit(vector: number[]): number[] {
  const norm = Math.hypot(...vector);
  return vector.map((value) => value / norm);
}

/** N points: a strong spread (σ = 10) along `direction`, a weaker one (σ = 3) along `second`, noise σ = 0.3. */
function elongatedCloud(
  count: number,
  direction: number[],
  second: number[],
  seed: number,
): number[][] {
  const random = new SeededRandom(seed);
  return Array.from({ length: count }, () => {
    const along = 10 * random.nextNormal();
    const across = 3 * random.nextNormal();
    return direction.map(
      (value, k) => 5 + along * value + across * second[k]! + 0.3 * random.nextNormal(),
    );
  });
}

/** Two Gaussian clusters (σ = 0.5) whose centres are 10 apart in D = 16. */
function twoClusters(perCluster: number, seed: number): { rows: number[][]; labels: number[] } {
  const random = new SeededRandom(seed);
  const rows: number[][] = [];
  const labels: number[] = [];
  for (let label = 0; label < 2; label++) {
    for (let i = 0; i < perCluster; i++) {
      rows.push(
        Array.from(
          { length: 16 },
          (_, k) => (k === 0 ? label * 10 : 0) + 0.5 * random.nextNormal(),
        ),
      );
      labels.push(label);
    }
  }
  return { rows, labels };
}

describe('principalComponents', () => {
  it('matches a hand-computed covariance: ±3e₁, ±2e₂, ±1e₃', () => {
    const rows = [
      [3, 0, 0, 0],
      [-3, 0, 0, 0],
      [0, 2, 0, 0],
      [0, -2, 0, 0],
      [0, 0, 1, 0],
      [0, 0, -1, 0],
    ];
    const pca = principalComponents(rows.flat(), 6, 4, 2);
    // Covariance diag(18, 8, 2, 0) / 5.
    expect(pca.totalVariance).toBeCloseTo(28 / 5, 12);
    expect(pca.variances[0]).toBeCloseTo(18 / 5, 10);
    expect(pca.variances[1]).toBeCloseTo(8 / 5, 10);
    expect(Array.from(pca.components[0]!).map((v) => Math.abs(v))).toEqual(
      [1, 0, 0, 0].map((v) => expect.closeTo(v, 8)),
    );
    // Deterministic sign: the largest entry is positive.
    expect(pca.components[0]![0]).toBeCloseTo(1, 8);
    expect(pca.components[1]![1]).toBeCloseTo(1, 8);
  });

  // 60 rows of 24: the covariance route; 15 rows of 40: the Gram-matrix route (N < D).
  it.each([
    [60, 24],
    [15, 40],
  ])(
    'agrees with a full Jacobi eigen-decomposition on %i random rows of %i dimensions',
    (rows, columns) => {
      const random = new SeededRandom(5);
      const values = Array.from(
        { length: rows * columns },
        (_, i) => random.nextNormal() * (1 + (i % columns) / 4),
      );
      const pca = principalComponents(values, rows, columns, 2);
      // Reference: the whole covariance through Jacobi.
      const mean = Array.from({ length: columns }, (_, c) => {
        let sum = 0;
        for (let r = 0; r < rows; r++) sum += values[r * columns + c]!;
        return sum / rows;
      });
      const covariance = new Float64Array(columns * columns);
      for (let i = 0; i < columns; i++)
        for (let j = 0; j < columns; j++) {
          let sum = 0;
          for (let r = 0; r < rows; r++)
            sum += (values[r * columns + i]! - mean[i]!) * (values[r * columns + j]! - mean[j]!);
          covariance[i * columns + j] = sum / (rows - 1);
        }
      const reference = symmetricEigen(covariance, columns);
      for (let axis = 0; axis < 2; axis++) {
        expect(pca.variances[axis]).toBeCloseTo(reference.values[axis]!, 8);
        let dot = 0;
        for (let k = 0; k < columns; k++)
          dot += pca.components[axis]![k]! * reference.vectors[k * columns + axis]!;
        expect(Math.abs(dot)).toBeCloseTo(1, 8);
      }
      let trace = 0;
      for (let i = 0; i < columns; i++) trace += covariance[i * columns + i]!;
      expect(pca.totalVariance).toBeCloseTo(trace, 8);
    },
  );
});

describe('projectEmbeddings', () => {
  it('PCA recovers the dominant direction, and the explained variances sum to ≤ 1', async () => {
    const direction = unit([1, 2, -1, 0.5, 0, 0, 3, -2]);
    // A direction orthogonal to the first.
    const raw = [2, -1, 0, 0, 1, 0, 0, 0];
    const dot = raw.reduce((sum, value, k) => sum + value * direction[k]!, 0);
    const second = unit(raw.map((value, k) => value - dot * direction[k]!));
    const rows = elongatedCloud(400, direction, second, 7);
    const embeddings = tf.tensor2d(rows);
    let projection: Awaited<ReturnType<typeof projectEmbeddings>> | undefined;
    await expectNoTensorLeak(async () => {
      projection = await projectEmbeddings(embeddings, { method: 'pca' });
    });
    embeddings.dispose();
    const { points, explainedVariance } = projection!;
    expect(points.length).toBe(800);
    const [first, secondShare] = explainedVariance!;
    // Expected shares: 100 / (100 + 9 + 8·0.09) ≈ 0.911 and 9 / 109.72 ≈ 0.082.
    expect(first).toBeGreaterThan(0.85);
    expect(secondShare).toBeGreaterThan(0.05);
    expect(first + secondShare).toBeLessThanOrEqual(1);
    expect(first + secondShare).toBeGreaterThan(0.97);
    // The first coordinate is the position along `direction`: correlation ≈ ±1.
    const along = rows.map((row) => row.reduce((sum, value, k) => sum + value * direction[k]!, 0));
    const firstAxis = Array.from({ length: 400 }, (_, i) => points[2 * i]!);
    expect(Math.abs(correlation(along, firstAxis))).toBeGreaterThan(0.999);
    // The backend's float32 covariance agrees with the float64 one of principalComponents.
    const reference = principalComponents(rows.flat(), 400, 8, 2);
    const total = reference.totalVariance;
    expect(first).toBeCloseTo(reference.variances[0]! / total, 5);
    expect(secondShare).toBeCloseTo(reference.variances[1]! / total, 5);
    // Same input, same output.
    const again = await projectEmbeddings(rows, { method: 'pca' });
    expect(Array.from(again.points)).toEqual(Array.from(points));
  });

  it('UMAP is deterministic for a seed and separates two well-separated clusters', async () => {
    const { rows, labels } = twoClusters(60, 11);
    const embeddings = Float32Array.from(rows.flat());
    const options = { method: 'umap', seed: 3, neighbors: 10, epochs: 150, dimension: 16 } as const;
    const progress: number[] = [];
    const first = await projectEmbeddings(embeddings, {
      ...options,
      onProgress: ({ epoch, epochs }) => {
        expect(epochs).toBe(150);
        progress.push(epoch);
      },
    });
    expect(progress.at(-1)).toBe(150);
    expect(progress).toHaveLength(15);
    const second = await projectEmbeddings(embeddings, options);
    expect(first.explainedVariance).toBeUndefined();
    expect(Array.from(second.points)).toEqual(Array.from(first.points));
    const other = await projectEmbeddings(embeddings, { ...options, seed: 4 });
    expect(Array.from(other.points)).not.toEqual(Array.from(first.points));
    // Separation: every point's nearest 2-D neighbour is in its own cluster, and the clusters'
    // centres are far apart compared with their spread.
    const points = first.points;
    const count = labels.length;
    for (let i = 0; i < count; i++) {
      let nearest = -1;
      let best = Number.POSITIVE_INFINITY;
      for (let j = 0; j < count; j++) {
        if (j === i) continue;
        const distance =
          (points[2 * i]! - points[2 * j]!) ** 2 + (points[2 * i + 1]! - points[2 * j + 1]!) ** 2;
        if (distance < best) {
          best = distance;
          nearest = j;
        }
      }
      expect(labels[nearest]).toBe(labels[i]);
    }
    const centre = (label: number) => {
      const members = labels.flatMap((value, i) => (value === label ? [i] : []));
      const x = members.reduce((sum, i) => sum + points[2 * i]!, 0) / members.length;
      const y = members.reduce((sum, i) => sum + points[2 * i + 1]!, 0) / members.length;
      const spread = Math.sqrt(
        members.reduce(
          (sum, i) => sum + (points[2 * i]! - x) ** 2 + (points[2 * i + 1]! - y) ** 2,
          0,
        ) / members.length,
      );
      return { x, y, spread };
    };
    const a = centre(0);
    const b = centre(1);
    expect(Math.hypot(a.x - b.x, a.y - b.y)).toBeGreaterThan(3 * Math.max(a.spread, b.spread));
  });

  it('PCA of rank-2 data explains all the variance, and of identical points none', async () => {
    const random = new SeededRandom(2);
    const plane = Array.from({ length: 50 }, () => {
      const a = random.nextNormal();
      const b = random.nextNormal();
      return [a + b, a - b, 2 * a, 0.5 * b, 3];
    });
    const { explainedVariance } = await projectEmbeddings(plane);
    const [first, second] = explainedVariance!;
    expect(first + second).toBeLessThanOrEqual(1);
    expect(first + second).toBeGreaterThan(0.9999);
    const same = await projectEmbeddings(Array.from({ length: 5 }, () => [1, 2, 3]));
    expect(same.explainedVariance).toEqual([0, 0]);
    expect(Array.from(same.points)).toEqual(new Array(10).fill(0));
  });

  it('refuses bad input with the reason and the fix', async () => {
    await expect(
      projectEmbeddings([
        [1, 2],
        [3, 4],
      ]),
    ).rejects.toThrow(/at least 3 embeddings/);
    await expect(projectEmbeddings([[1], [2], [3]], { method: 'pca' })).rejects.toThrow(
      /at least 2 dimensions/,
    );
    await expect(
      projectEmbeddings(
        [
          [1, 2],
          [3, 4],
          [5, 6],
        ],
        { method: 'tsne' as 'pca' },
      ),
    ).rejects.toThrow(/use 'pca' or 'umap'/);
    await expect(
      projectEmbeddings(
        [
          [1, 2],
          [3, 4],
          [5, 6],
        ],
        { method: 'umap', neighbors: 1 },
      ),
    ).rejects.toThrow(/neighbors must be an integer ≥ 2/);
  });
});

function correlation(a: number[], b: number[]): number {
  const meanA = a.reduce((sum, value) => sum + value, 0) / a.length;
  const meanB = b.reduce((sum, value) => sum + value, 0) / b.length;
  let ab = 0;
  let aa = 0;
  let bb = 0;
  for (let i = 0; i < a.length; i++) {
    ab += (a[i]! - meanA) * (b[i]! - meanB);
    aa += (a[i]! - meanA) ** 2;
    bb += (b[i]! - meanB) ** 2;
  }
  return ab / Math.sqrt(aa * bb);
}
