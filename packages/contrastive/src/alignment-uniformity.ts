/**
 * Alignment and uniformity, the two properties of contrastive representations measured by Wang &
 * Isola 2020 ("Understanding Contrastive Representation Learning through Alignment and
 * Uniformity on the Hypersphere", ICML; eqs. 4–5 and their reference PyTorch code, defaults
 * α = 2 and t = 2 from the paper).
 */
import * as tf from '@tensorflow/tfjs';

/** x / max(‖x‖, ε) per row, with a gradient that stays finite at x = 0. */
function normalizeRows(embeddings: tf.Tensor2D): tf.Tensor2D {
  const squaredNorm = tf.sum(tf.square(embeddings), 1, true);
  return tf.div(embeddings, tf.sqrt(tf.maximum(squaredNorm, 1e-24))) as tf.Tensor2D;
}

function checkMatrix(embeddings: tf.Tensor, name: string): void {
  if (embeddings.rank !== 2) {
    throw new Error(
      `${name} must be [N, D] embeddings, got shape ${JSON.stringify(embeddings.shape)}: reshape it first.`,
    );
  }
}

/**
 * Alignment: how close the embeddings of positive pairs are, `E ‖f(x) − f(y)‖₂^α` over the
 * pairs, on L2-normalised embeddings (Wang & Isola 2020, eq. 4: `L_align`). Lower is better; 0
 * when every pair maps to the same point, at most 2^α (antipodal pairs).
 *
 * Row i of `z1` and row i of `z2` are a positive pair (two views of one example). Both are
 * normalised here (rows already on the unit sphere are unchanged). Differentiable: usable as a
 * loss term, or read with `.dataSync()` as an evaluation metric.
 *
 * @param z1 `[N, D]` embeddings of the first views.
 * @param z2 `[N, D]` embeddings of the second views.
 * @param alpha the exponent α > 0. @default 2 (the paper's default)
 * @returns the scalar mean (a new tensor; call inside `tf.tidy` when training).
 * @example
 * const value = tf.tidy(() => alignment(encode(view1), encode(view2))).dataSync()[0];
 */
export function alignment(z1: tf.Tensor2D, z2: tf.Tensor2D, alpha = 2): tf.Scalar {
  checkMatrix(z1, 'alignment z1');
  checkMatrix(z2, 'alignment z2');
  if (!tf.util.arraysEqual(z1.shape, z2.shape)) {
    throw new Error(
      `alignment needs z1 and z2 of one shape (row i of each is a positive pair), got ${JSON.stringify(
        z1.shape,
      )} and ${JSON.stringify(z2.shape)}.`,
    );
  }
  if (z1.shape[0] < 1) throw new Error('alignment needs at least one pair, got 0 rows.');
  if (!(alpha > 0) || !Number.isFinite(alpha))
    throw new RangeError(`alignment alpha must be a finite number > 0, got ${alpha}.`);
  return tf.tidy(() => {
    const squaredDistance = tf.sum(tf.square(tf.sub(normalizeRows(z1), normalizeRows(z2))), 1);
    // ‖·‖^α = (‖·‖²)^(α/2); the max keeps the gradient finite at identical pairs when α < 2.
    const powered =
      alpha === 2 ? squaredDistance : tf.pow(tf.maximum(squaredDistance, 1e-30), alpha / 2);
    return tf.mean(powered) as tf.Scalar;
  });
}

/**
 * Uniformity: how evenly embeddings spread over the unit hypersphere,
 * `log E exp(−t ‖f(x) − f(y)‖₂²)` over the N(N − 1)/2 distinct pairs of rows, on L2-normalised
 * embeddings (Wang & Isola 2020, eq. 5: `L_uniform`, the log of the average Gaussian potential).
 * Lower is better; 0 (its maximum) when every embedding collapses to one point.
 *
 * Computed from the Gram matrix (`‖a − b‖² = 2 − 2a·b` on unit rows) with a log-sum-exp over
 * the upper triangle, so it stays finite and differentiable. Cost: one `[N, N]` product.
 *
 * @param z `[N, D]` embeddings, N ≥ 2 (normalised here).
 * @param t the temperature t > 0 of the Gaussian potential. @default 2 (the paper's default)
 * @returns the scalar (a new tensor; call inside `tf.tidy` when training).
 * @example
 * const value = tf.tidy(() => uniformity(encode(images))).dataSync()[0];
 */
export function uniformity(z: tf.Tensor2D, t = 2): tf.Scalar {
  checkMatrix(z, 'uniformity z');
  const [rows] = z.shape;
  if (rows < 2) throw new Error(`uniformity needs at least 2 embeddings (pairs), got ${rows}.`);
  if (!(t > 0) || !Number.isFinite(t))
    throw new RangeError(`uniformity t must be a finite number > 0, got ${t}.`);
  return tf.tidy(() => {
    const unit = normalizeRows(z);
    // An explicit transpose then a plain product: the fast path on wasm.
    const similarity = tf.matMul(unit, tf.transpose(unit));
    const squaredDistance = tf.maximum(tf.sub(2, tf.mul(similarity, 2)), 0);
    // Keep the pairs i < j: the others get a large negative log-weight (exp → 0).
    const upper = new Float32Array(rows * rows);
    for (let i = 0; i < rows; i++)
      for (let j = 0; j < rows; j++) upper[i * rows + j] = j > i ? 0 : -1e9;
    const logits = tf.add(tf.mul(squaredDistance, -t), tf.tensor2d(upper, [rows, rows]));
    const pairs = (rows * (rows - 1)) / 2;
    return tf.sub(tf.logSumExp(logits), Math.log(pairs)) as tf.Scalar;
  });
}
