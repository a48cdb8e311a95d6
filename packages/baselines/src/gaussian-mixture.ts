import { checkFeatureRows, type FeatureRows } from './feature-rows';
import { kMeans } from './k-means';

/** Options of {@link fitGaussianMixture}. */
export type GaussianMixtureOptions = {
  /** Number of mixture components K. */
  readonly components: number;
  /** Seed of the k-means initialisation. @default 0 */
  readonly seed?: number;
  /** EM iterations at most. @default 100 (scikit-learn's) */
  readonly maxIterations?: number;
  /** Stop when the mean per-row objective improves by less than this. @default 1e-3 (scikit-learn's) */
  readonly tolerance?: number;
  /**
   * Strength of the variance prior, as a fraction of the mean feature variance: each variance is
   * the MAP estimate under an inverse-gamma(1, b) prior with b = regularization × mean variance / 2,
   * so no component collapses onto a single point. @default 1e-3
   */
  readonly regularization?: number;
};

/** The result of {@link fitGaussianMixture}. */
export type GaussianMixture = {
  /** K mixture weights (sum 1). */
  readonly weights: Float64Array;
  /** K×D means, row-major. */
  readonly means: Float64Array;
  /** K×D diagonal variances, row-major. */
  readonly variances: Float64Array;
  /** D. */
  readonly columns: number;
  /** Mean log-likelihood per row after each EM iteration. */
  readonly logLikelihoodHistory: readonly number[];
  /** Mean per-row objective (log-likelihood + log prior of the variances) after each iteration: never decreases. */
  readonly objectiveHistory: readonly number[];
  /** EM iterations run. */
  readonly iterations: number;
  /** Whether the tolerance was met before `maxIterations`. */
  readonly converged: boolean;
};

const LOG_TWO_PI = Math.log(2 * Math.PI);

/**
 * A Gaussian mixture with diagonal covariances fitted by expectation–maximisation (Dempster,
 * Laird & Rubin 1977; Bishop, "Pattern Recognition and Machine Learning" §9.2), initialised from
 * {@link kMeans} (scikit-learn's default). Each variance is the MAP estimate under a weak
 * inverse-gamma prior, which keeps EM a monotone ascent: the objective (log-likelihood plus the
 * prior's log density) never decreases from one iteration to the next. Plain TypeScript in
 * float64 (N·K·D per iteration; use it on reduced features such as 50 PCA dimensions).
 *
 * @param data the rows.
 * @param options components, seed, iterations, tolerance, regularization.
 * @returns weights, means, variances and the per-iteration log-likelihood.
 * @example
 * const mixture = fitGaussianMixture({ values, rows: 1000, columns: 20 }, { components: 10 });
 * const clusters = predictGaussianMixture(mixture, data).assignments;
 */
export function fitGaussianMixture(
  data: FeatureRows,
  options: GaussianMixtureOptions,
): GaussianMixture {
  const {
    components,
    seed = 0,
    maxIterations = 100,
    tolerance = 1e-3,
    regularization = 1e-3,
  } = options;
  if (!Number.isInteger(components) || components < 1) {
    throw new Error(
      `fitGaussianMixture: components must be a positive integer, got ${components}.`,
    );
  }
  if (!Number.isInteger(maxIterations) || maxIterations < 1) {
    throw new Error(
      `fitGaussianMixture: maxIterations must be a positive integer, got ${maxIterations}.`,
    );
  }
  if (!(regularization > 0)) {
    throw new Error(
      `fitGaussianMixture: regularization must be > 0 (it keeps variances from collapsing), got ${regularization}.`,
    );
  }
  checkFeatureRows('fitGaussianMixture', data, components);
  const { rows, columns } = data;
  const initial = kMeans(data, { clusters: components, seed, maxIterations: 30 });
  const priorScale = (regularization * meanVariance(data)) / 2;
  // Hard k-means responsibilities give the first M-step.
  let responsibilities: Float64Array = new Float64Array(rows * components);
  initial.assignments.forEach((cluster, row) => {
    responsibilities[row * components + cluster] = 1;
  });
  let mixture = maximize(data, responsibilities, components, priorScale);
  const logLikelihoodHistory: number[] = [];
  const objectiveHistory: number[] = [];
  let iterations = 0;
  let converged = false;
  while (iterations < maxIterations) {
    iterations++;
    const expectation = expect(data, mixture, components);
    responsibilities = expectation.responsibilities;
    const logLikelihood = expectation.logLikelihood / rows;
    logLikelihoodHistory.push(logLikelihood);
    objectiveHistory.push(logLikelihood + logPrior(mixture.variances, priorScale) / rows);
    const previous = objectiveHistory.at(-2);
    if (previous !== undefined && Math.abs(objectiveHistory.at(-1)! - previous) < tolerance) {
      converged = true;
      break;
    }
    mixture = maximize(data, responsibilities, components, priorScale);
  }
  return { ...mixture, columns, logLikelihoodHistory, objectiveHistory, iterations, converged };
}

/**
 * The most likely component of each row under a fitted mixture, and the rows' mean log-likelihood.
 *
 * @param mixture from {@link fitGaussianMixture}.
 * @param data rows with the mixture's number of columns.
 * @returns assignments, responsibilities (N×K) and the mean log-likelihood per row.
 * @example const { assignments } = predictGaussianMixture(mixture, testRows);
 */
export function predictGaussianMixture(
  mixture: Pick<GaussianMixture, 'weights' | 'means' | 'variances' | 'columns'>,
  data: FeatureRows,
): {
  readonly assignments: Int32Array;
  readonly responsibilities: Float64Array;
  readonly logLikelihood: number;
} {
  checkFeatureRows('predictGaussianMixture', data, 1);
  if (data.columns !== mixture.columns) {
    throw new Error(
      `predictGaussianMixture: the rows have ${data.columns} columns but the mixture was fitted on ${mixture.columns}; transform them the same way first.`,
    );
  }
  const components = mixture.weights.length;
  const { responsibilities, logLikelihood } = expect(data, mixture, components);
  const assignments = new Int32Array(data.rows);
  for (let row = 0; row < data.rows; row++) {
    let best = 0;
    for (let k = 1; k < components; k++) {
      if (responsibilities[row * components + k]! > responsibilities[row * components + best]!)
        best = k;
    }
    assignments[row] = best;
  }
  return { assignments, responsibilities, logLikelihood: logLikelihood / data.rows };
}

type MixtureParameters = Pick<GaussianMixture, 'weights' | 'means' | 'variances'>;

function expect(
  data: FeatureRows,
  mixture: MixtureParameters,
  components: number,
): { responsibilities: Float64Array; logLikelihood: number } {
  const { values, rows, columns } = data;
  const { weights, means, variances } = mixture;
  const constants = new Float64Array(components);
  for (let k = 0; k < components; k++) {
    let logDeterminant = 0;
    for (let column = 0; column < columns; column++)
      logDeterminant += Math.log(variances[k * columns + column]!);
    constants[k] = Math.log(weights[k]!) - 0.5 * (columns * LOG_TWO_PI + logDeterminant);
  }
  const responsibilities = new Float64Array(rows * components);
  let logLikelihood = 0;
  for (let row = 0; row < rows; row++) {
    const offset = row * columns;
    let largest = Number.NEGATIVE_INFINITY;
    for (let k = 0; k < components; k++) {
      let quadratic = 0;
      for (let column = 0; column < columns; column++) {
        const difference = values[offset + column]! - means[k * columns + column]!;
        quadratic += (difference * difference) / variances[k * columns + column]!;
      }
      const logJoint = constants[k]! - 0.5 * quadratic;
      responsibilities[row * components + k] = logJoint;
      if (logJoint > largest) largest = logJoint;
    }
    let total = 0;
    for (let k = 0; k < components; k++) {
      const weight = Math.exp(responsibilities[row * components + k]! - largest);
      responsibilities[row * components + k] = weight;
      total += weight;
    }
    for (let k = 0; k < components; k++) responsibilities[row * components + k]! /= total;
    logLikelihood += largest + Math.log(total);
  }
  return { responsibilities, logLikelihood };
}

function maximize(
  data: FeatureRows,
  responsibilities: Float64Array,
  components: number,
  priorScale: number,
): MixtureParameters {
  const { values, rows, columns } = data;
  const counts = new Float64Array(components);
  const means = new Float64Array(components * columns);
  const squares = new Float64Array(components * columns);
  for (let row = 0; row < rows; row++) {
    const offset = row * columns;
    for (let k = 0; k < components; k++) {
      const weight = responsibilities[row * components + k]!;
      if (weight === 0) continue;
      counts[k]! += weight;
      for (let column = 0; column < columns; column++) {
        const value = values[offset + column]!;
        means[k * columns + column]! += weight * value;
        squares[k * columns + column]! += weight * value * value;
      }
    }
  }
  const weights = new Float64Array(components);
  const variances = new Float64Array(components * columns);
  const tiny = 10 * Number.EPSILON;
  for (let k = 0; k < components; k++) {
    const count = counts[k]!;
    weights[k] = Math.max(count, tiny) / rows;
    for (let column = 0; column < columns; column++) {
      const index = k * columns + column;
      const mean = count > 0 ? means[index]! / count : 0;
      means[index] = mean;
      // Σ r (x − μ)², then the inverse-gamma(1, b) MAP estimate (S + 2b) / (N_k + 4).
      const scatter = Math.max(squares[index]! - count * mean * mean, 0);
      variances[index] = (scatter + 2 * priorScale) / (count + 4);
    }
  }
  const weightSum = weights.reduce((total, weight) => total + weight, 0);
  for (let k = 0; k < components; k++) weights[k]! /= weightSum;
  return { weights, means, variances };
}

/** Σ log inverse-gamma(σ²; shape 1, scale b) up to a constant: −2 log σ² − b/σ². */
function logPrior(variances: Float64Array, priorScale: number): number {
  let total = 0;
  for (const variance of variances) total += -2 * Math.log(variance) - priorScale / variance;
  return total;
}

function meanVariance(data: FeatureRows): number {
  const { values, rows, columns } = data;
  let total = 0;
  for (let column = 0; column < columns; column++) {
    let mean = 0;
    let square = 0;
    for (let row = 0; row < rows; row++) {
      const value = values[row * columns + column]!;
      mean += value;
      square += value * value;
    }
    mean /= rows;
    total += Math.max(square / rows - mean * mean, 0);
  }
  return total / columns || 1;
}
