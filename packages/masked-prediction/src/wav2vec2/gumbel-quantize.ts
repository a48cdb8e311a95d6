import * as tf from '@tensorflow/tfjs';

/** Options of {@link gumbelQuantize}. */
export type GumbelQuantizeOptions = {
  /** G: the number of codebooks (groups); `logits` has `G·V` columns. @default 2 (wav2vec 2.0) */
  readonly groups?: number;
  /** τ, the Gumbel-softmax temperature of the soft probabilities that carry the gradient. @default 2 (wav2vec 2.0's start value) */
  readonly temperature?: number;
  /**
   * Seed of the Gumbel noise; `undefined` adds no noise (evaluation: the code is the argmax of
   * the logits, as wav2vec 2.0 does outside training).
   * @default undefined
   */
  readonly seed?: number;
};

/** What {@link gumbelQuantize} returns (owned by the caller). */
export type GumbelQuantizeResult = {
  /** The chosen codewords concatenated over groups, `[N, G·d]` (`codebook` is `[G·V, d]`). */
  readonly quantized: tf.Tensor2D;
  /** The chosen code of each group, `[N, G]` int32. */
  readonly codes: tf.Tensor2D;
  /** Softmax of the logits (no noise, no temperature) averaged over the N rows, `[G, V]`. */
  readonly averageProbabilities: tf.Tensor2D;
  /** Σ_g exp(H(p̄_g)) of {@link GumbelQuantizeResult.averageProbabilities}: in [G, G·V]. */
  readonly probabilityPerplexity: tf.Scalar;
  /** The same perplexity of the hard code histogram (how many codes are in use): in [G, G·V]. */
  readonly codePerplexity: tf.Scalar;
};

/**
 * Straight-through hard one-hot: the forward value is the one-hot of each row's argmax, the
 * gradient passes unchanged to the soft probabilities (Jang, Gu & Poole 2017, §2.2). Written
 * with `tf.customGrad` because argMax and oneHot have no gradient (and tfjs has no stop-gradient).
 */
const straightThroughOneHot = tf.customGrad((soft) => {
  const probabilities = soft as tf.Tensor2D;
  const depth = probabilities.shape[1];
  return {
    // tf.oneHot must be cast from int32 on wasm (wasm-training-notes.md).
    value: tf.oneHot(tf.argMax(probabilities, 1), depth).cast('float32'),
    gradFunc: (dy: tf.Tensor) => dy,
  };
});

/**
 * Perplexity `Σ_g exp(−Σ_v p_gv log p_gv)` of per-group distributions `[G, V]`, summed over groups
 * (wav2vec 2.0's codebook perplexity): G when every group uses one code, G·V when all codes are
 * used equally often.
 */
function groupPerplexity(distributions: tf.Tensor2D): tf.Scalar {
  return tf.tidy(() => {
    const entropy = tf.neg(tf.sum(tf.mul(distributions, tf.log(tf.add(distributions, 1e-7))), 1));
    return tf.sum(tf.exp(entropy)) as tf.Scalar;
  });
}

/**
 * Gumbel-softmax product quantization of wav2vec 2.0 (Baevski, Zhou, Mohamed & Auli 2020,
 * "wav2vec 2.0: A Framework for Self-Supervised Learning of Speech Representations", §2 and
 * §3.2; after Jang, Gu & Poole 2017, "Categorical Reparameterization with Gumbel-Softmax"):
 * each row's logits are split into G groups of V codes; each group picks one codeword
 * `argmax_v (l_gv + n_v)` with Gumbel noise `n = −log(−log u)`, and the picked codewords of the G
 * groups are concatenated.
 *
 * Straight-through estimator: the forward pass uses the hard one-hot, the backward pass the
 * gradient of the soft probabilities `softmax((l + n)/τ)`, so both the codebook and the logits
 * learn. The paper anneals τ from 2 to 0.5 (×0.999995 per update) with G = 2, V = 320. The
 * codebook is `[G·V, d]`: rows `g·V … g·V + V − 1` are group g's codewords; the product of the
 * `[N, G·V]` hard one-hots with a block-diagonal `[G·V, G·d]` copy of the codebook gives all
 * groups in one matMul (no gatherND: differentiable on tfjs-wasm). Also returns the two
 * perplexities the paper logs to catch codebook collapse, both in [G, G·V]: of the average
 * softmax (what the diversity loss `(G·V − perplexity)/(G·V)` maximises) and of the hard codes.
 *
 * @param logits `[N, G·V]` code logits (a linear map of the features).
 * @param codebook `[G·V, d]` codewords.
 * @param options G, τ, noise seed; see {@link GumbelQuantizeOptions}.
 * @returns quantized vectors `[N, G·d]`, codes `[N, G]`, average probabilities, perplexities.
 * @example
 * const { quantized, codePerplexity } = gumbelQuantize(logits, codebook, { groups: 2, temperature: 2, seed: 7 });
 */
export function gumbelQuantize(
  logits: tf.Tensor2D,
  codebook: tf.Tensor2D,
  options: GumbelQuantizeOptions = {},
): GumbelQuantizeResult {
  const { groups = 2, temperature = 2, seed } = options;
  if (logits.rank !== 2 || codebook.rank !== 2) {
    throw new Error(
      `gumbelQuantize: logits must be [N, G·V] and codebook [G·V, d], got ${JSON.stringify(logits.shape)} and ${JSON.stringify(codebook.shape)}.`,
    );
  }
  const [rows, columns] = logits.shape;
  const [entries, size] = codebook.shape;
  if (!(Number.isInteger(groups) && groups >= 1 && columns % groups === 0)) {
    throw new Error(
      `gumbelQuantize: groups must be a positive integer dividing the ${columns} logit columns, got ${groups}.`,
    );
  }
  if (entries !== columns) {
    throw new Error(
      `gumbelQuantize: the codebook needs one row per logit column (${columns}), got ${entries}; build it [G·V, d].`,
    );
  }
  if (!(temperature > 0)) {
    throw new Error(`gumbelQuantize: temperature must be > 0, got ${temperature}.`);
  }
  const codes = columns / groups;
  return tf.tidy(() => {
    const grouped = tf.reshape(logits, [rows * groups, codes]) as tf.Tensor2D;
    let noisy = grouped;
    if (seed !== undefined) {
      const uniform = tf.randomUniform([rows * groups, codes], 1e-6, 1 - 1e-6, 'float32', seed);
      noisy = tf.add(grouped, tf.neg(tf.log(tf.neg(tf.log(uniform))))) as tf.Tensor2D;
    }
    const soft = tf.softmax(tf.div(noisy, temperature)) as tf.Tensor2D;
    const hard = straightThroughOneHot(soft) as tf.Tensor2D;
    // Block-diagonal codebook: group g's one-hot columns only reach group g's output slice.
    const blockMask = tf.tensor2d(
      Float32Array.from({ length: columns * groups }, (_, index) =>
        Math.floor(Math.floor(index / groups) / codes) === index % groups ? 1 : 0,
      ),
      [columns, groups],
    );
    const blockCodebook = tf.reshape(
      tf.mul(tf.expandDims(codebook, 1), tf.expandDims(blockMask, 2)),
      [columns, groups * size],
    ) as tf.Tensor2D;
    const quantized = tf.matMul(tf.reshape(hard, [rows, columns]), blockCodebook) as tf.Tensor2D;
    const chosen = tf.reshape(tf.argMax(noisy, 1), [rows, groups]).cast('int32') as tf.Tensor2D;
    const averageProbabilities = tf.reshape(
      tf.mean(tf.reshape(tf.softmax(grouped), [rows, groups, codes]), 0),
      [groups, codes],
    ) as tf.Tensor2D;
    const hardHistogram = tf.reshape(
      tf.mean(
        tf.reshape(tf.oneHot(tf.argMax(grouped, 1), codes).cast('float32'), [rows, groups, codes]),
        0,
      ),
      [groups, codes],
    ) as tf.Tensor2D;
    return {
      quantized,
      codes: chosen,
      averageProbabilities,
      probabilityPerplexity: groupPerplexity(averageProbabilities),
      codePerplexity: groupPerplexity(hardHistogram),
    };
  });
}
