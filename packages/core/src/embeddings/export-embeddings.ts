import * as tf from '@tensorflow/tfjs';
import {
  type EmbeddingMatrix,
  type EmbeddingsInput,
  readEmbeddingMatrix,
} from './embedding-matrix';
import { encodeNpy } from './npy-format';
import { shortestFloat32 } from './shortest-float32';

/** File formats of {@link exportEmbeddings}. */
export type EmbeddingsFormat = 'json' | 'csv' | 'npy';

/** What {@link exportEmbeddings} writes: embeddings and, optionally, one label and one id per row. */
export type EmbeddingsExport = {
  /** `[N, D]` embeddings (a tensor, rows, or a flat row-major `Float32Array` with `dimension`). */
  readonly embeddings: EmbeddingsInput;
  /** D, needed only when `embeddings` is a flat `Float32Array`. */
  readonly dimension?: number;
  /** One label per row (class indices, or numbers for regression). */
  readonly labels?: ArrayLike<number> | tf.Tensor1D;
  /** One id per row (file names, dataset indices). */
  readonly ids?: readonly (string | number)[];
};

/** Options of {@link exportEmbeddings}. */
export type ExportEmbeddingsOptions = {
  /** The file format. @default from the extension of `path` (`.json`, `.csv`, `.npy`) */
  readonly format?: EmbeddingsFormat;
};

/** What {@link exportEmbeddings} wrote. */
export type ExportedEmbeddings = {
  readonly format: EmbeddingsFormat;
  /** N. */
  readonly rows: number;
  /** D. */
  readonly dimension: number;
  /** Every file written, the embeddings file last. */
  readonly files: readonly string[];
};

const formats: readonly EmbeddingsFormat[] = ['json', 'csv', 'npy'];

function formatOf(path: string, format: EmbeddingsFormat | undefined): EmbeddingsFormat {
  if (format !== undefined) {
    if (!formats.includes(format))
      throw new Error(`Unknown embeddings format '${format}': use one of ${formats.join(', ')}.`);
    return format;
  }
  const extension = /\.([A-Za-z]+)$/.exec(path)?.[1]?.toLowerCase();
  if (extension === 'json' || extension === 'csv' || extension === 'npy') return extension;
  throw new Error(
    `Cannot tell the embeddings format of '${path}': end the path with .json, .csv or .npy, or pass { format }.`,
  );
}

async function readLabels(
  labels: ArrayLike<number> | tf.Tensor1D | undefined,
  rows: number,
): Promise<number[] | undefined> {
  if (labels === undefined) return undefined;
  const values = labels instanceof tf.Tensor ? Array.from(await labels.data()) : Array.from(labels);
  if (values.length !== rows) {
    throw new Error(`Got ${values.length} labels for ${rows} embeddings: give one label per row.`);
  }
  const bad = values.findIndex((value) => !Number.isFinite(value));
  if (bad >= 0) throw new Error(`Label ${bad} is ${values[bad]}: labels must be finite numbers.`);
  return values;
}

function checkIds(ids: readonly (string | number)[] | undefined, rows: number): void {
  if (ids !== undefined && ids.length !== rows)
    throw new Error(`Got ${ids.length} ids for ${rows} embeddings: give one id per row.`);
}

/** Quotes a CSV field when it needs it (RFC 4180). */
function csvField(value: string | number): string {
  const text = String(value);
  return /[",\r\n]|^\s|\s$/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

function row(matrix: EmbeddingMatrix, index: number): number[] {
  const values: number[] = new Array(matrix.columns);
  const start = index * matrix.columns;
  for (let column = 0; column < matrix.columns; column++)
    values[column] = shortestFloat32(matrix.values[start + column]!);
  return values;
}

function toCsv(
  matrix: EmbeddingMatrix,
  labels: number[] | undefined,
  ids: readonly (string | number)[] | undefined,
): string {
  const header = [
    ...(ids ? ['id'] : []),
    ...(labels ? ['label'] : []),
    ...Array.from({ length: matrix.columns }, (_, column) => `d${column}`),
  ];
  const lines = [header.join(',')];
  for (let index = 0; index < matrix.rows; index++) {
    const fields: (string | number)[] = [];
    if (ids) fields.push(csvField(ids[index]!));
    if (labels) fields.push(labels[index]!);
    fields.push(...row(matrix, index));
    lines.push(fields.join(','));
  }
  return `${lines.join('\n')}\n`;
}

function toJson(
  matrix: EmbeddingMatrix,
  labels: number[] | undefined,
  ids: readonly (string | number)[] | undefined,
): string {
  const document = {
    shape: [matrix.rows, matrix.columns],
    embeddings: Array.from({ length: matrix.rows }, (_, index) => row(matrix, index)),
    ...(labels ? { labels } : {}),
    ...(ids ? { ids } : {}),
  };
  return JSON.stringify(document);
}

/** `<i4` when every label is an int32, else `<f4`. */
function labelArray(labels: number[]): Int32Array | Float32Array {
  const integers = labels.every(
    (label) => Number.isInteger(label) && label >= -(2 ** 31) && label < 2 ** 31,
  );
  return integers ? Int32Array.from(labels) : Float32Array.from(labels);
}

/**
 * Writes embeddings (with optional labels and ids) to a file that other tools read: JSON, CSV or
 * NumPy `.npy`, atomically (a temporary sibling, flushed, then renamed over the target).
 *
 * Formats:
 * - `json`: `{ "shape": [N, D], "embeddings": number[][], "labels"?: number[], "ids"?: [] }`.
 * - `csv`: a header row `id,label,d0,d1,…` (`id` and `label` only when given), one row per embedding.
 * - `npy`: NumPy format 1.0, `<f4` of shape `(N, D)` (`numpy.load('x.npy')`); labels go to the
 *   sibling `x.labels.npy` (`<i4`, or `<f4` when some label is not an integer) and ids to
 *   `x.ids.json`.
 *
 * Text formats print each float32 as the shortest decimal that reads back to the same float32.
 * Non-finite embeddings or labels are refused. Node only (uses `node:fs`, imported lazily).
 *
 * @param path the file to write (`.json`, `.csv`, `.npy`); its directory is created if needed.
 * @param data embeddings `[N, D]`, and optionally `labels` and `ids` (one per row).
 * @param options `format` (default: from the extension of `path`).
 * @returns the format, N, D and the files written.
 * @example
 * const embeddings = await encode(encoder, images); // [N, D]
 * await exportEmbeddings('runs/simclr/test.npy', { embeddings, labels: testLabels });
 * // python: numpy.load('runs/simclr/test.npy'), numpy.load('runs/simclr/test.labels.npy')
 */
export async function exportEmbeddings(
  path: string,
  data: EmbeddingsExport,
  options: ExportEmbeddingsOptions = {},
): Promise<ExportedEmbeddings> {
  const format = formatOf(path, options.format);
  const matrix = await readEmbeddingMatrix(data.embeddings, data.dimension);
  const labels = await readLabels(data.labels, matrix.rows);
  checkIds(data.ids, matrix.rows);
  const { writeFileAtomically } = await import('./write-file-atomically');
  const files: string[] = [];
  const write = async (file: string, content: string | Uint8Array) => {
    await writeFileAtomically(file, content);
    files.push(file);
  };
  if (format === 'json') {
    await write(path, toJson(matrix, labels, data.ids));
  } else if (format === 'csv') {
    await write(path, toCsv(matrix, labels, data.ids));
  } else {
    const stem = path.toLowerCase().endsWith('.npy') ? path.slice(0, -'.npy'.length) : path;
    // Siblings first: a complete embeddings file implies complete siblings.
    if (labels) await write(`${stem}.labels.npy`, encodeNpy(labelArray(labels), [matrix.rows]));
    if (data.ids) await write(`${stem}.ids.json`, JSON.stringify(data.ids));
    await write(path, encodeNpy(matrix.values, [matrix.rows, matrix.columns]));
  }
  return { format, rows: matrix.rows, dimension: matrix.columns, files };
}
