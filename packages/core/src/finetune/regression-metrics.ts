/** Regression quality of a set of predictions: plain JSON data. */
export type RegressionReport = {
  readonly task: 'regression';
  /** Number of examples evaluated. */
  readonly count: number;
  /** Mean squared error over all targets. */
  readonly mse: number;
  /** Square root of the MSE. */
  readonly rmse: number;
  /** Mean absolute error over all targets. */
  readonly mae: number;
  /** Coefficient of determination, averaged uniformly over the `T` target columns. */
  readonly r2: number;
};

/** Inputs of {@link regressionMetrics}. */
export type RegressionMetricsInput = {
  /** True targets, row-major `[N, T]`. */
  readonly targets: ArrayLike<number>;
  /** Predicted targets, row-major `[N, T]`. */
  readonly predictions: ArrayLike<number>;
  /** Targets per example `T`. @default 1 */
  readonly targetSize?: number;
};

/**
 * MSE, RMSE, MAE and R² of regression predictions.
 *
 * R² = 1 − Σ(y − ŷ)² / Σ(y − ȳ)² per target column, averaged over columns (scikit-learn's
 * `uniform_average`); a constant column scores 1 when predicted exactly and 0 otherwise.
 *
 * @param input targets, predictions and targets per example.
 * @returns the report (JSON-serialisable).
 * @example regressionMetrics({ targets: [1, 2, 3], predictions: [1, 2, 4] }).mse; // 1/3
 */
export function regressionMetrics(input: RegressionMetricsInput): RegressionReport {
  const { targets, predictions, targetSize = 1 } = input;
  if (targets.length !== predictions.length) {
    throw new Error(
      `Got ${targets.length} targets but ${predictions.length} predictions: pass one prediction per target.`,
    );
  }
  if (targets.length === 0 || targets.length % targetSize !== 0) {
    throw new Error(
      `Got ${targets.length} targets, not a non-empty multiple of targetSize ${targetSize}.`,
    );
  }
  const count = targets.length / targetSize;
  let squared = 0;
  let absolute = 0;
  for (let i = 0; i < targets.length; i++) {
    const error = predictions[i]! - targets[i]!;
    squared += error * error;
    absolute += Math.abs(error);
  }
  let r2Sum = 0;
  for (let column = 0; column < targetSize; column++) {
    let mean = 0;
    for (let row = 0; row < count; row++) mean += targets[row * targetSize + column]!;
    mean /= count;
    let residual = 0;
    let total = 0;
    for (let row = 0; row < count; row++) {
      const target = targets[row * targetSize + column]!;
      residual += (target - predictions[row * targetSize + column]!) ** 2;
      total += (target - mean) ** 2;
    }
    r2Sum += total === 0 ? (residual === 0 ? 1 : 0) : 1 - residual / total;
  }
  const mse = squared / targets.length;
  return {
    task: 'regression',
    count,
    mse,
    rmse: Math.sqrt(mse),
    mae: absolute / targets.length,
    r2: r2Sum / targetSize,
  };
}
