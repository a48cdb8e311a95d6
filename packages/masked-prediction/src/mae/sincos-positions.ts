/**
 * Fixed 2-D sine-cosine position embeddings of a grid of patches, as MAE's
 * `get_2d_sincos_pos_embed` (He et al. 2022, `util/pos_embed.py`, after Vaswani et al. 2017).
 *
 * For the patch at (row, column) of a `rows × columns` grid, the first `D/2` values embed the
 * column and the last `D/2` the row, each as `[sin(p·ω₀) … sin(p·ω_{D/4−1}), cos(p·ω₀) …]` with
 * `ωᵢ = 10000^(−i / (D/4))`. Patches are in row-major order; with `classToken` a row of zeros
 * comes first (the [CLS] position, as in MAE).
 *
 * @param rows patch rows `H/p`
 * @param columns patch columns `W/p`
 * @param embeddingSize `D`, a multiple of 4
 * @param classToken prepend a zero row for the [CLS] token @default false
 * @returns `[(1 +) rows·columns, D]` row-major values
 * @example sincosPositions(7, 7, 64, true).length // 50 · 64
 */
export function sincosPositions(
  rows: number,
  columns: number,
  embeddingSize: number,
  classToken = false,
): Float32Array {
  if (!Number.isInteger(embeddingSize) || embeddingSize < 4 || embeddingSize % 4 !== 0) {
    throw new RangeError(
      `sincosPositions: embeddingSize must be a positive multiple of 4, got ${embeddingSize}.`,
    );
  }
  if (!Number.isInteger(rows) || rows < 1 || !Number.isInteger(columns) || columns < 1) {
    throw new RangeError(
      `sincosPositions: rows and columns must be positive integers, got ${rows} × ${columns}.`,
    );
  }
  const quarter = embeddingSize / 4;
  const half = embeddingSize / 2;
  const offset = classToken ? 1 : 0;
  const table = new Float32Array((offset + rows * columns) * embeddingSize);
  const frequencies = Array.from({ length: quarter }, (_, index) => 10000 ** -(index / quarter));
  for (let row = 0; row < rows; row++) {
    for (let column = 0; column < columns; column++) {
      const base = (offset + row * columns + column) * embeddingSize;
      frequencies.forEach((frequency, index) => {
        table[base + index] = Math.sin(column * frequency);
        table[base + quarter + index] = Math.cos(column * frequency);
        table[base + half + index] = Math.sin(row * frequency);
        table[base + half + quarter + index] = Math.cos(row * frequency);
      });
    }
  }
  return table;
}
