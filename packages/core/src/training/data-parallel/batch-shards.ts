import * as tf from '@tensorflow/tfjs';

/** A tensor as plain data that `postMessage` can carry (the values are transferred, not copied). */
export type TensorData = {
  readonly kind: 'tensor';
  readonly values: Float32Array | Int32Array | Uint8Array;
  readonly shape: readonly number[];
  readonly dtype: 'float32' | 'int32' | 'bool';
};

/** A batch as plain data: a {@link TensorData}, or arrays / records of them (the batch's structure). */
export type BatchData = TensorData | readonly BatchData[] | { readonly [key: string]: BatchData };

function isTensorData(value: unknown): value is TensorData {
  return (
    typeof value === 'object' && value !== null && (value as { kind?: unknown }).kind === 'tensor'
  );
}

function splitTensor(tensor: tf.Tensor, parts: number): TensorData[] {
  if (tensor.rank < 1) {
    throw new TypeError(
      'A data-parallel batch holds tensors of rank ≥ 1 (examples along axis 0); got a scalar. Put per-step constants in the workload options.',
    );
  }
  const rows = tensor.shape[0] as number;
  if (rows % parts !== 0) {
    throw new RangeError(
      `The batch has ${rows} examples, which do not split evenly across ${parts} workers; ` +
        `use a batch size that is a multiple of the worker count (e.g. ${Math.max(parts, rows - (rows % parts))}). ` +
        'Equal shards make the mean of the shard losses equal the loss of the whole batch.',
    );
  }
  if (tensor.dtype !== 'float32' && tensor.dtype !== 'int32' && tensor.dtype !== 'bool') {
    throw new TypeError(
      `A data-parallel batch holds float32, int32 or bool tensors, got ${tensor.dtype}.`,
    );
  }
  const values = tensor.dataSync() as Float32Array | Int32Array | Uint8Array;
  const rowsPerPart = rows / parts;
  const partSize = tensor.size / parts;
  const shape = [rowsPerPart, ...tensor.shape.slice(1)];
  const dtype = tensor.dtype;
  return Array.from({ length: parts }, (_, index) => ({
    kind: 'tensor' as const,
    values: values.slice(index * partSize, (index + 1) * partSize),
    shape,
    dtype,
  }));
}

/**
 * Splits a batch into equal shards along axis 0 of every tensor, in order (worker r gets examples
 * `[r·B/N, (r+1)·B/N)`), as plain data for `postMessage`. Does not dispose the batch.
 *
 * @param batch a tensor, or arrays / records of tensors (every leaf has the examples on axis 0).
 * @param parts number of shards (workers).
 * @returns `parts` shards with the batch's structure.
 * @throws RangeError when a leaf's first dimension is not a multiple of `parts`.
 * @example const [first, second] = splitBatch(tokens, 2); // tokens [12, 65] → two [6, 65]
 */
export function splitBatch(batch: unknown, parts: number): BatchData[] {
  if (batch instanceof tf.Tensor) return splitTensor(batch, parts);
  if (Array.isArray(batch)) {
    const columns = batch.map((item) => splitBatch(item, parts));
    return Array.from({ length: parts }, (_, index) =>
      columns.map((column) => column[index] as BatchData),
    );
  }
  if (typeof batch === 'object' && batch !== null) {
    const entries = Object.entries(batch).map(
      ([key, value]) => [key, splitBatch(value, parts)] as const,
    );
    return Array.from({ length: parts }, (_, index) =>
      Object.fromEntries(entries.map(([key, shards]) => [key, shards[index] as BatchData])),
    );
  }
  throw new TypeError(
    `A data-parallel batch is a tensor or arrays / records of tensors, got ${batch === null ? 'null' : typeof batch}.`,
  );
}

/**
 * Rebuilds tensors from {@link BatchData} (in the worker). The caller owns (and disposes) them.
 *
 * @param data a shard from {@link splitBatch}.
 * @returns the batch with tensors, same structure.
 * @example const batch = batchFromData(shard); // … tf.dispose(batch)
 */
export function batchFromData(data: BatchData): unknown {
  if (isTensorData(data)) return tf.tensor(data.values, [...data.shape], data.dtype);
  if (Array.isArray(data)) return data.map((item) => batchFromData(item));
  return Object.fromEntries(
    Object.entries(data as Record<string, BatchData>).map(([key, value]) => [
      key,
      batchFromData(value),
    ]),
  );
}

/**
 * The buffers of a shard, for `postMessage`'s transfer list.
 *
 * @param data a shard.
 * @returns its typed arrays' buffers.
 */
export function transferablesOf(data: BatchData): ArrayBuffer[] {
  if (isTensorData(data)) return [data.values.buffer as ArrayBuffer];
  const children = Array.isArray(data) ? data : Object.values(data as Record<string, BatchData>);
  return children.flatMap((child) => transferablesOf(child));
}
