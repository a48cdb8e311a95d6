import { type EmbeddingsFormat, exportEmbeddings, projectEmbeddings } from '@selfsup/core';

/** The export formats of `selfsup embed`. */
export type EmbeddingsFileFormat = EmbeddingsFormat;

/**
 * Writes `[N, D]` embeddings (and labels) as JSON, CSV or NumPy `.npy`, atomically, with core's
 * `exportEmbeddings`: `.npy` holds `<f4 (N, D)` and labels go to `<name>.labels.npy`; CSV has a
 * header `label,d0,d1,…`; JSON is `{ shape, embeddings, labels }`.
 *
 * @param path the output file.
 * @param embeddings row-major values.
 * @param dimension D.
 * @param labels one label per row.
 * @param format the format.
 * @returns the files written.
 * @example await writeEmbeddings('test.npy', values, 128, labels, 'npy');
 */
export async function writeEmbeddings(
  path: string,
  embeddings: Float32Array,
  dimension: number,
  labels: ArrayLike<number>,
  format: EmbeddingsFileFormat,
): Promise<readonly string[]> {
  return (await exportEmbeddings(path, { embeddings, dimension, labels }, { format })).files;
}

/**
 * Projects `[N, D]` embeddings to 2-D with core's `projectEmbeddings` (PCA or UMAP).
 *
 * @param embeddings row-major values.
 * @param dimension D.
 * @param method 'pca' or 'umap'.
 * @param seed UMAP's seed.
 * @returns N×2 points and, for PCA, the explained variance of each axis.
 * @example const { points } = await projectTo2d(values, 128, 'pca', 0);
 */
export async function projectTo2d(
  embeddings: Float32Array,
  dimension: number,
  method: 'pca' | 'umap',
  seed: number,
): Promise<{ points: Float32Array; explainedVariance?: readonly number[] }> {
  return projectEmbeddings(embeddings, { method, seed, dimension });
}
