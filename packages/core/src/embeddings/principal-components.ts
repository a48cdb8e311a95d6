/**
 * Principal component analysis in plain JavaScript (float64), small enough to read: the
 * covariance matrix, then its top eigenvectors by subspace iteration with Rayleigh–Ritz
 * (Golub & Van Loan, "Matrix Computations", 4th ed., §8.2.4 orthogonal iteration), whose small
 * projected problems are solved by cyclic Jacobi rotations (§8.5).
 */
import { SeededRandom } from '../random/seeded-random';

/** The result of {@link principalComponents}. */
export type PrincipalComponents = {
  /** The column means (length D). */
  readonly mean: Float64Array;
  /** The top `count` unit eigenvectors of the covariance, largest variance first (each length D). */
  readonly components: Float64Array[];
  /** Their eigenvalues: the variance along each component (n − 1 denominator). */
  readonly variances: number[];
  /** The total variance: the trace of the covariance. */
  readonly totalVariance: number;
  /** Subspace iterations run. */
  readonly iterations: number;
};

const MAX_ITERATIONS = 1000;
/** Stop when every residual ‖Cv − λv‖ ≤ TOLERANCE·λ₁ … */
const TOLERANCE = 1e-10;
/** … or when no Ritz value moves by more than STAGNATION (relative) in one iteration. */
const STAGNATION = 1e-9;

/**
 * Eigen-decomposition of a small symmetric matrix by cyclic Jacobi rotations (Golub & Van Loan
 * §8.5.3), until the off-diagonal mass is below 1e-30 of the total (at most 100 sweeps).
 *
 * @param matrix size×size, symmetric, row-major (not modified).
 * @param size the order.
 * @returns eigenvalues descending, and the eigenvectors as the columns of a row-major matrix.
 * @example symmetricEigen(new Float64Array([2, 1, 1, 2]), 2).values; // [3, 1]
 */
export function symmetricEigen(
  matrix: Float64Array,
  size: number,
): { values: number[]; vectors: Float64Array } {
  const a = Float64Array.from(matrix);
  const v = new Float64Array(size * size);
  for (let i = 0; i < size; i++) v[i * size + i] = 1;
  for (let sweep = 0; sweep < 100; sweep++) {
    let off = 0;
    let norm = 0;
    for (let i = 0; i < size; i++) {
      for (let j = 0; j < size; j++) {
        norm += a[i * size + j]! ** 2;
        if (i !== j) off += a[i * size + j]! ** 2;
      }
    }
    if (off <= 1e-30 * norm || off === 0) break;
    for (let p = 0; p < size - 1; p++) {
      for (let q = p + 1; q < size; q++) {
        const apq = a[p * size + q]!;
        if (apq === 0) continue;
        const theta = (a[q * size + q]! - a[p * size + p]!) / (2 * apq);
        const t = Math.sign(theta || 1) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
        const c = 1 / Math.sqrt(t * t + 1);
        const s = t * c;
        // A ← Jᵀ A J on rows/columns p and q.
        for (let k = 0; k < size; k++) {
          const akp = a[k * size + p]!;
          const akq = a[k * size + q]!;
          a[k * size + p] = c * akp - s * akq;
          a[k * size + q] = s * akp + c * akq;
        }
        for (let k = 0; k < size; k++) {
          const apk = a[p * size + k]!;
          const aqk = a[q * size + k]!;
          a[p * size + k] = c * apk - s * aqk;
          a[q * size + k] = s * apk + c * aqk;
        }
        for (let k = 0; k < size; k++) {
          const vkp = v[k * size + p]!;
          const vkq = v[k * size + q]!;
          v[k * size + p] = c * vkp - s * vkq;
          v[k * size + q] = s * vkp + c * vkq;
        }
      }
    }
  }
  const order = Array.from({ length: size }, (_, i) => i).sort(
    (i, j) => a[j * size + j]! - a[i * size + i]!,
  );
  const vectors = new Float64Array(size * size);
  order.forEach((from, to) => {
    for (let k = 0; k < size; k++) vectors[k * size + to] = v[k * size + from]!;
  });
  return { values: order.map((i) => a[i * size + i]!), vectors };
}

/** Orthonormalises the vectors in place (modified Gram–Schmidt); a dependent one is replaced by a random direction. */
function orthonormalize(vectors: Float64Array[], random: SeededRandom): void {
  for (let i = 0; i < vectors.length; i++) {
    const vector = vectors[i]!;
    for (let attempt = 0; ; attempt++) {
      const scale = Math.sqrt(vector.reduce((sum, value) => sum + value * value, 0));
      for (let j = 0; j < i; j++) {
        const other = vectors[j]!;
        let dot = 0;
        for (let k = 0; k < vector.length; k++) dot += vector[k]! * other[k]!;
        for (let k = 0; k < vector.length; k++) vector[k] = vector[k]! - dot * other[k]!;
      }
      const norm = Math.sqrt(vector.reduce((sum, value) => sum + value * value, 0));
      if (norm > 1e-10 * scale && norm > 0) {
        for (let k = 0; k < vector.length; k++) vector[k] = vector[k]! / norm;
        break;
      }
      if (attempt > 10) throw new Error('PCA could not build an orthonormal basis.');
      for (let k = 0; k < vector.length; k++) vector[k] = random.nextNormal();
    }
  }
}

/** `C·x` for a symmetric D×D matrix. */
function multiply(covariance: Float64Array, size: number, vector: Float64Array): Float64Array {
  const result = new Float64Array(size);
  for (let i = 0; i < size; i++) {
    let sum = 0;
    const offset = i * size;
    for (let k = 0; k < size; k++) sum += covariance[offset + k]! * vector[k]!;
    result[i] = sum;
  }
  return result;
}

/** Linear combinations `Σ_j vectors[j] · weights[j, i]` for each column i. */
function combine(vectors: Float64Array[], weights: Float64Array): Float64Array[] {
  const size = vectors.length;
  return vectors.map((_, i) => {
    const result = new Float64Array(vectors[0]!.length);
    for (let j = 0; j < size; j++) {
      const weight = weights[j * size + i]!;
      const vector = vectors[j]!;
      for (let k = 0; k < result.length; k++) result[k] = result[k]! + weight * vector[k]!;
    }
    return result;
  });
}

/**
 * Column means and sample covariance `C = X̄ᵀX̄ / (N − 1)` of a row-major N×D matrix, in float64.
 *
 * @param values N×D values, row-major.
 * @param rows N (≥ 2).
 * @param columns D.
 * @returns the means (length D) and C (D×D, row-major).
 * @example const { mean, covariance } = covarianceMatrix([1, 2, 3, 4], 2, 2);
 */
export function covarianceMatrix(
  values: ArrayLike<number>,
  rows: number,
  columns: number,
): { mean: Float64Array; covariance: Float64Array } {
  if (rows < 2) throw new Error(`A covariance needs at least 2 rows, got ${rows}.`);
  const mean = new Float64Array(columns);
  for (let r = 0; r < rows; r++)
    for (let c = 0; c < columns; c++) mean[c] = mean[c]! + values[r * columns + c]!;
  for (let c = 0; c < columns; c++) mean[c] = mean[c]! / rows;
  const covariance = new Float64Array(columns * columns);
  const centered = new Float64Array(columns);
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < columns; c++) centered[c] = values[r * columns + c]! - mean[c]!;
    for (let i = 0; i < columns; i++) {
      const ci = centered[i]!;
      if (ci === 0) continue;
      const offset = i * columns;
      for (let j = i; j < columns; j++)
        covariance[offset + j] = covariance[offset + j]! + ci * centered[j]!;
    }
  }
  for (let i = 0; i < columns; i++) {
    for (let j = i; j < columns; j++) {
      const value = covariance[i * columns + j]! / (rows - 1);
      covariance[i * columns + j] = value;
      covariance[j * columns + i] = value;
    }
  }
  return { mean, covariance };
}

/** The result of {@link topEigenpairs}. */
export type Eigenpairs = {
  /** Unit eigenvectors, largest eigenvalue first, each signed so its largest-magnitude entry is positive. */
  readonly vectors: Float64Array[];
  /** Their eigenvalues, descending. */
  readonly values: number[];
  /** Subspace iterations run. */
  readonly iterations: number;
};

/**
 * The top `count` eigenpairs of a symmetric positive semi-definite matrix by orthogonal
 * (subspace) iteration on a block of `count + 6` vectors with a Rayleigh–Ritz step each
 * iteration, until the residuals ‖Cv − λv‖ fall below 1e-10·λ₁ or the Ritz values stop moving
 * (relative change ≤ 1e-9: nearly equal eigenvalues, whose directions capture the same
 * variance), at most 1,000 iterations. Deterministic (fixed start, fixed signs). Cost ~b·D² per
 * iteration.
 *
 * @param matrix D×D, symmetric, row-major.
 * @param size D (≥ count).
 * @param count eigenpairs wanted.
 * @returns vectors, values and the iterations run.
 * @example const { vectors, values } = topEigenpairs(covariance, 8, 2);
 */
export function topEigenpairs(matrix: Float64Array, size: number, count: number): Eigenpairs {
  if (size < count)
    throw new Error(
      `${count} eigenpairs need a matrix of at least ${count}×${count}, got ${size}.`,
    );
  const block = Math.min(size, count + 6);
  const random = new SeededRandom(0);
  let basis: Float64Array[] = Array.from({ length: block }, () =>
    Float64Array.from({ length: size }, () => random.nextNormal()),
  );
  orthonormalize(basis, random);
  let values: number[] = [];
  let previous: number[] = [];
  let iterations = 0;
  while (iterations < MAX_ITERATIONS) {
    iterations++;
    const images = basis.map((vector) => multiply(matrix, size, vector));
    // Rayleigh–Ritz: H = Qᵀ C Q, then rotate Q (and CQ) to H's eigenvectors.
    const projected = new Float64Array(block * block);
    for (let i = 0; i < block; i++) {
      for (let j = 0; j < block; j++) {
        let dot = 0;
        for (let k = 0; k < size; k++) dot += basis[i]![k]! * images[j]![k]!;
        projected[i * block + j] = dot;
      }
    }
    for (let i = 0; i < block; i++) {
      for (let j = i + 1; j < block; j++) {
        const average = (projected[i * block + j]! + projected[j * block + i]!) / 2;
        projected[i * block + j] = average;
        projected[j * block + i] = average;
      }
    }
    const eigen = symmetricEigen(projected, block);
    basis = combine(basis, eigen.vectors);
    const rotatedImages = combine(images, eigen.vectors);
    values = eigen.values.slice(0, count);
    let worst = 0;
    for (let i = 0; i < count; i++) {
      let residual = 0;
      for (let k = 0; k < size; k++)
        residual += (rotatedImages[i]![k]! - eigen.values[i]! * basis[i]![k]!) ** 2;
      worst = Math.max(worst, Math.sqrt(residual));
    }
    const settled =
      previous.length === count &&
      values.every(
        (value, i) =>
          Math.abs(value - previous[i]!) <= STAGNATION * Math.max(Math.abs(value), 1e-300),
      );
    if (worst <= TOLERANCE * Math.max(eigen.values[0]!, 0) || settled || block === size) break;
    previous = values;
    basis = rotatedImages;
    orthonormalize(basis, random);
  }
  const vectors = basis.slice(0, count).map(signByLargest);
  return { vectors, values: values.map((value) => Math.max(value, 0)), iterations };
}

/** The vector, negated if needed so that its largest-magnitude entry is positive (a fixed sign). */
function signByLargest(vector: Float64Array): Float64Array {
  let largest = 0;
  for (let k = 1; k < vector.length; k++)
    if (Math.abs(vector[k]!) > Math.abs(vector[largest]!) + 1e-12) largest = k;
  return vector[largest]! < 0 ? vector.map((value) => -value) : vector;
}

/**
 * The top principal components of a data matrix, in float64: {@link covarianceMatrix}, then
 * {@link topEigenpairs}. Cost: N·D²/2 for the covariance, then ~(count + 6)·D² per iteration.
 * With fewer rows than dimensions (N < D, e.g. bags of words), the same components come from the
 * N×N Gram matrix of the centred rows instead (Sirovich 1987's snapshot method): if
 * `X Xᵀ u = (N − 1) λ u`, then `v = Xᵀ u / √((N − 1) λ)` is a unit eigenvector of the covariance
 * with eigenvalue λ; cost N²·D/2 and ~(count + 6)·N² per iteration.
 *
 * @param values N×D values, row-major.
 * @param rows N (≥ 2).
 * @param columns D (≥ count).
 * @param count components wanted. @default 2
 * @returns means, components, their variances and the total variance.
 * @example const { components, variances } = principalComponents(values, 100, 8, 2);
 */
export function principalComponents(
  values: ArrayLike<number>,
  rows: number,
  columns: number,
  count = 2,
): PrincipalComponents {
  if (rows < 2) throw new Error(`PCA needs at least 2 rows, got ${rows}.`);
  if (columns < count)
    throw new Error(
      `PCA of ${count} components needs at least ${count} dimensions, got ${columns}.`,
    );
  if (rows < columns && count < rows)
    return principalComponentsFromGram(values, rows, columns, count);
  const { mean, covariance } = covarianceMatrix(values, rows, columns);
  const eigen = topEigenpairs(covariance, columns, count);
  return {
    mean,
    components: eigen.vectors,
    variances: eigen.values,
    totalVariance: trace(covariance, columns),
    iterations: eigen.iterations,
  };
}

/** {@link principalComponents} through the N×N Gram matrix of the centred rows (N < D). */
function principalComponentsFromGram(
  values: ArrayLike<number>,
  rows: number,
  columns: number,
  count: number,
): PrincipalComponents {
  const mean = new Float64Array(columns);
  for (let r = 0; r < rows; r++)
    for (let c = 0; c < columns; c++) mean[c] = mean[c]! + values[r * columns + c]!;
  for (let c = 0; c < columns; c++) mean[c] = mean[c]! / rows;
  const centred = new Float64Array(rows * columns);
  for (let r = 0; r < rows; r++)
    for (let c = 0; c < columns; c++)
      centred[r * columns + c] = values[r * columns + c]! - mean[c]!;
  const gram = new Float64Array(rows * rows);
  let totalVariance = 0;
  for (let i = 0; i < rows; i++) {
    for (let j = i; j < rows; j++) {
      let dot = 0;
      for (let c = 0; c < columns; c++)
        dot += centred[i * columns + c]! * centred[j * columns + c]!;
      gram[i * rows + j] = dot / (rows - 1);
      gram[j * rows + i] = dot / (rows - 1);
    }
    totalVariance += gram[i * rows + i]!;
  }
  const eigen = topEigenpairs(gram, rows, count);
  const components = eigen.vectors.map((u, index) => {
    const v = new Float64Array(columns);
    for (let r = 0; r < rows; r++) {
      const weight = u[r]!;
      if (weight === 0) continue;
      for (let c = 0; c < columns; c++) v[c] = v[c]! + weight * centred[r * columns + c]!;
    }
    // ‖Xᵀu‖² = (N − 1)·λ; a zero eigenvalue leaves a zero vector (no variance to explain).
    const norm = Math.sqrt((rows - 1) * eigen.values[index]!);
    if (norm > 0) for (let c = 0; c < columns; c++) v[c] = v[c]! / norm;
    return signByLargest(v);
  });
  return {
    mean,
    components,
    variances: eigen.values,
    totalVariance,
    iterations: eigen.iterations,
  };
}

/** The sum of the diagonal of a square row-major matrix. */
export function trace(matrix: ArrayLike<number>, size: number): number {
  let sum = 0;
  for (let i = 0; i < size; i++) sum += matrix[i * size + i]!;
  return sum;
}
