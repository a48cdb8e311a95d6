import * as tf from '@tensorflow/tfjs';

/**
 * Embeddings as {@link exportEmbeddings} and {@link projectEmbeddings} accept them: a `[N, D]`
 * tensor (what `encode()` returns), rows of numbers, or a flat row-major `Float32Array` of N×D
 * values (which then needs its `dimension` D).
 */
export type EmbeddingsInput = tf.Tensor2D | Float32Array | readonly (readonly number[])[];

/** Embeddings read into one flat row-major array. */
export type EmbeddingMatrix = {
  /** N×D values, row after row. */
  readonly values: Float32Array;
  /** N. */
  readonly rows: number;
  /** D. */
  readonly columns: number;
};

/**
 * Reads embeddings into a flat `Float32Array` (copying tensors and rows), checking the shape and
 * that every value is finite.
 *
 * @param embeddings a `[N, D]` tensor, rows, or a flat array.
 * @param dimension D, needed (only) for a flat `Float32Array`.
 * @param what how the error messages name the embeddings. @default 'embeddings'
 * @returns the values with N and D.
 * @example const { values, rows, columns } = await readEmbeddingMatrix(tf.randomNormal([4, 2]));
 */
export async function readEmbeddingMatrix(
  embeddings: EmbeddingsInput,
  dimension?: number,
  what = 'embeddings',
): Promise<EmbeddingMatrix> {
  let matrix: EmbeddingMatrix;
  if (embeddings instanceof tf.Tensor) {
    if (embeddings.rank !== 2) {
      throw new Error(
        `${what} must be a [N, D] tensor, got shape ${JSON.stringify(embeddings.shape)}: reshape it first.`,
      );
    }
    const [rows, columns] = embeddings.shape as [number, number];
    // A copy: the backend may hand out its own storage.
    const values = Float32Array.from(await embeddings.data());
    matrix = { values, rows, columns };
  } else if (embeddings instanceof Float32Array) {
    if (dimension === undefined || !Number.isInteger(dimension) || dimension < 1) {
      throw new Error(
        `${what} are a flat Float32Array: also give their dimension D (an integer ≥ 1), got ${dimension}.`,
      );
    }
    if (embeddings.length % dimension !== 0) {
      throw new Error(
        `${what} hold ${embeddings.length} values, not a multiple of the dimension ${dimension}: check the dimension.`,
      );
    }
    matrix = {
      values: embeddings,
      rows: embeddings.length / dimension,
      columns: dimension,
    };
  } else {
    const rows = embeddings.length;
    const columns = embeddings[0]?.length ?? 0;
    const values = new Float32Array(rows * columns);
    embeddings.forEach((row, index) => {
      if (row.length !== columns) {
        throw new Error(
          `${what} row ${index} has ${row.length} values but row 0 has ${columns}: give rows of one length.`,
        );
      }
      values.set(row, index * columns);
    });
    matrix = { values, rows, columns };
  }
  if (dimension !== undefined && matrix.columns !== dimension) {
    throw new Error(
      `${what} have ${matrix.columns} dimensions but dimension ${dimension} was given.`,
    );
  }
  if (matrix.rows === 0 || matrix.columns === 0) {
    throw new Error(
      `${what} are empty (${matrix.rows}×${matrix.columns}): give at least one row of at least one value.`,
    );
  }
  const bad = matrix.values.findIndex((value) => !Number.isFinite(value));
  if (bad >= 0) {
    throw new Error(
      `${what} row ${Math.floor(bad / matrix.columns)} holds ${matrix.values[bad]} (column ${
        bad % matrix.columns
      }): the encoder produced non-finite values (diverged training?).`,
    );
  }
  return matrix;
}
