import type * as tf from '@tensorflow/tfjs';

/** A row-major N×D matrix of features in plain memory, as the clustering algorithms read it. */
export type FeatureRows = {
  /** N×D values, row-major. */
  readonly values: Float32Array;
  /** N. */
  readonly rows: number;
  /** D. */
  readonly columns: number;
};

/**
 * Flattens a batch tensor `[N, ...]` into {@link FeatureRows} (each example becomes one row).
 *
 * @param inputs a tensor with a batch axis (images `[N, H, W, C]`, features `[N, D]`, …).
 * @returns the rows (a copy; the tensor is not disposed).
 * @example const { rows, columns } = toFeatureRows(tf.zeros([4, 28, 28, 1])); // 4, 784
 */
export function toFeatureRows(inputs: tf.Tensor): FeatureRows {
  const rows = inputs.shape[0];
  if (rows === undefined || inputs.rank < 1) {
    throw new Error('toFeatureRows: pass a tensor with a batch axis [N, ...].');
  }
  const columns = rows === 0 ? 0 : inputs.size / rows;
  return { values: Float32Array.from(inputs.dataSync()), rows, columns };
}

/**
 * Checks that a matrix is well formed and finite; throws an error naming the caller otherwise.
 *
 * @param caller the public function, for the message.
 * @param data the matrix.
 * @param minimumRows rows needed (e.g. the number of clusters).
 * @example checkFeatureRows('kMeans', data, 10);
 */
export function checkFeatureRows(caller: string, data: FeatureRows, minimumRows: number): void {
  const { values, rows, columns } = data;
  if (!Number.isInteger(rows) || !Number.isInteger(columns) || rows < 0 || columns < 1) {
    throw new Error(
      `${caller}: rows (${rows}) and columns (${columns}) must be non-negative integers with at least one column.`,
    );
  }
  if (values.length !== rows * columns) {
    throw new Error(
      `${caller}: ${values.length} values do not make a ${rows}×${columns} matrix; pass rows × columns values, row-major.`,
    );
  }
  if (rows < minimumRows) {
    throw new Error(`${caller}: needs at least ${minimumRows} rows, got ${rows}.`);
  }
  for (let index = 0; index < values.length; index++) {
    if (!Number.isFinite(values[index]!)) {
      throw new Error(
        `${caller}: value ${values[index]} at row ${Math.floor(index / columns)}, column ${index % columns} is not finite; clean or impute the features first.`,
      );
    }
  }
}
