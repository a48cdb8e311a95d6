import * as tf from '@tensorflow/tfjs';
import { UMAP } from 'umap-js';
import { SeededRandom } from '../random/seeded-random';
import { type EmbeddingsInput, readEmbeddingMatrix } from './embedding-matrix';
import { topEigenpairs, trace } from './principal-components';

/** Methods of {@link projectEmbeddings}. */
export type ProjectionMethod = 'pca' | 'umap';

/**
 * Column means and sample covariance `X̄ᵀX̄ / (N − 1)` on the active tfjs backend (float32; one
 * matrix product, XNNPACK on wasm), returned as float64 arrays for the eigen-solver.
 */
async function covarianceOnBackend(
  values: Float32Array,
  rows: number,
  columns: number,
): Promise<{ mean: Float64Array; covariance: Float64Array }> {
  const [mean, covariance] = tf.tidy(() => {
    const data = tf.tensor2d(values, [rows, columns]);
    const average = tf.mean(data, 0);
    const centered = tf.sub(data, average);
    // An explicit transpose then a plain product: the fast path on wasm.
    const product = tf.div(tf.matMul(tf.transpose(centered), centered), rows - 1);
    return [average, product];
  });
  try {
    const [meanValues, covarianceValues] = await Promise.all([mean.data(), covariance.data()]);
    const symmetric = Float64Array.from(covarianceValues);
    for (let i = 0; i < columns; i++) {
      for (let j = i + 1; j < columns; j++) {
        const average = (symmetric[i * columns + j]! + symmetric[j * columns + i]!) / 2;
        symmetric[i * columns + j] = average;
        symmetric[j * columns + i] = average;
      }
    }
    return { mean: Float64Array.from(meanValues), covariance: symmetric };
  } finally {
    tf.dispose([mean, covariance]);
  }
}

/** Options of {@link projectEmbeddings}. */
export type ProjectEmbeddingsOptions = {
  /** `'pca'` (linear, exact, fast) or `'umap'` (non-linear, keeps neighbourhoods). @default 'pca' */
  readonly method?: ProjectionMethod;
  /** Seed of UMAP's neighbour search, initialisation and optimisation (PCA is deterministic). @default 0 */
  readonly seed?: number;
  /** UMAP: neighbours per point, clipped to N − 1. @default 15 (McInnes et al. 2018) */
  readonly neighbors?: number;
  /** UMAP: minimum distance between embedded points. @default 0.1 (McInnes et al. 2018) */
  readonly minDistance?: number;
  /** UMAP: optimisation epochs. @default umap-js' rule: 500 up to 2,500 points, falling to 200 above 7,500 */
  readonly epochs?: number;
  /** D, needed only when the embeddings are a flat `Float32Array`. */
  readonly dimension?: number;
  /** UMAP: called every 10 optimisation epochs and at the end (for a progress bar). */
  readonly onProgress?: (progress: { readonly epoch: number; readonly epochs: number }) => void;
};

/** The result of {@link projectEmbeddings}. */
export type EmbeddingProjection = {
  /** N×2 coordinates, row-major: point i is `(points[2i], points[2i + 1])`. */
  readonly points: Float32Array;
  readonly method: ProjectionMethod;
  /** PCA only: the fraction of the total variance along each of the two axes (sum ≤ 1). */
  readonly explainedVariance?: readonly [number, number];
};

/**
 * Projects embeddings to 2-D for a scatter plot: PCA (the two directions of largest variance) or
 * UMAP (a layout that keeps each point's nearest neighbours close).
 *
 * - `pca`: PCA: the covariance by one matrix product on the active tfjs backend (float32), then
 *   its top-2 eigenvectors in plain JS (float64 subspace iteration with Rayleigh–Ritz; see
 *   {@link topEigenpairs}); the coordinates are the projections on the two principal axes,
 *   each axis signed so its largest entry is positive, and `explainedVariance` gives each axis'
 *   share of the total variance. Deterministic on a given backend.
 * - `umap`: UMAP (McInnes, Healy & Melville 2018, "UMAP: Uniform Manifold Approximation and
 *   Projection for Dimension Reduction") through `umap-js`, Euclidean distance, with the paper's
 *   defaults (15 neighbours, min-dist 0.1) and every random draw from a `SeededRandom(seed)`:
 *   the same seed gives the same layout. Takes seconds for thousands of points; L2-normalise
 *   the embeddings first for a cosine-like layout.
 *
 * @param embeddings `[N, D]` embeddings (a tensor, rows, or a flat `Float32Array` with `dimension`).
 * @param options method, seed, UMAP settings.
 * @returns N×2 points (and PCA's explained variance).
 * @example
 * const { points, explainedVariance } = await projectEmbeddings(embeddings, { method: 'pca' });
 * const umap = await projectEmbeddings(embeddings, { method: 'umap', seed: 0, neighbors: 15 });
 */
export async function projectEmbeddings(
  embeddings: EmbeddingsInput,
  options: ProjectEmbeddingsOptions = {},
): Promise<EmbeddingProjection> {
  const { method = 'pca', seed = 0 } = options;
  if (method !== 'pca' && method !== 'umap')
    throw new Error(`Unknown projection method '${method}': use 'pca' or 'umap'.`);
  if (!Number.isFinite(seed)) throw new Error(`seed must be a finite number, got ${seed}.`);
  const matrix = await readEmbeddingMatrix(embeddings, options.dimension);
  const { values, rows, columns } = matrix;
  if (rows < 3) throw new Error(`A 2-D projection needs at least 3 embeddings, got ${rows}.`);
  if (method === 'pca') {
    if (columns < 2)
      throw new Error(
        `PCA to 2-D needs embeddings of at least 2 dimensions, got ${columns}: plot the values directly.`,
      );
    const { mean, covariance } = await covarianceOnBackend(values, rows, columns);
    const eigen = topEigenpairs(covariance, columns, 2);
    const totalVariance = trace(covariance, columns);
    const points = new Float32Array(rows * 2);
    for (let r = 0; r < rows; r++) {
      for (let axis = 0; axis < 2; axis++) {
        const component = eigen.vectors[axis]!;
        let sum = 0;
        for (let c = 0; c < columns; c++)
          sum += (values[r * columns + c]! - mean[c]!) * component[c]!;
        points[r * 2 + axis] = sum;
      }
    }
    // Shares of the trace; float32 rounding on (nearly) rank-2 data could push the sum a hair
    // above 1, so it is capped there.
    const captured = eigen.values[0]! + eigen.values[1]!;
    const scale = totalVariance > 0 ? 1 / Math.max(totalVariance, captured) : 0;
    return {
      points,
      method,
      explainedVariance: [eigen.values[0]! * scale, eigen.values[1]! * scale],
    };
  }
  const { neighbors, minDistance = 0.1, epochs } = options;
  if (neighbors !== undefined && (!Number.isInteger(neighbors) || neighbors < 2)) {
    throw new Error(`UMAP neighbors must be an integer ≥ 2, got ${neighbors}.`);
  }
  if (!(minDistance >= 0)) throw new Error(`UMAP minDistance must be ≥ 0, got ${minDistance}.`);
  if (epochs !== undefined && (!Number.isInteger(epochs) || epochs < 1)) {
    throw new Error(`UMAP epochs must be a positive integer, got ${epochs}.`);
  }
  const random = new SeededRandom(seed);
  const umap = new UMAP({
    nComponents: 2,
    nNeighbors: Math.min(neighbors ?? 15, rows - 1),
    minDist: minDistance,
    ...(epochs === undefined ? {} : { nEpochs: epochs }),
    random: () => random.nextFloat(),
  });
  const data = Array.from({ length: rows }, (_, r) =>
    Array.from(values.subarray(r * columns, (r + 1) * columns)),
  );
  // The neighbour graph, then the layout epochs one by one, yielding to the event loop (and
  // reporting progress) every 10 epochs.
  const total = umap.initializeFit(data);
  for (let epoch = 0; epoch < total; ) {
    epoch = umap.step();
    if (epoch % 10 === 0 || epoch >= total) {
      options.onProgress?.({ epoch, epochs: total });
      await new Promise((resolve) => setTimeout(resolve, 0));
    }
  }
  const layout = umap.getEmbedding();
  const points = new Float32Array(rows * 2);
  layout.forEach((point, r) => {
    points[r * 2] = point[0]!;
    points[r * 2 + 1] = point[1]!;
  });
  return { points, method };
}
