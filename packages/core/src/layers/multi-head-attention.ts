import * as tf from '@tensorflow/tfjs';
import { deriveSeed } from '../random/seeded-random';
import { denseWithBias } from './bias-add';
import { DropoutStream } from './seeded-dropout';

/** A tfjs layer shape: `null` marks the batch axis or a variable length. */
type Shape = (number | null)[];

/** tfjs' options of every layer (`name`, `trainable`, `inputShape`, …). */
type LayerArgs = NonNullable<ConstructorParameters<typeof tf.layers.Layer>[0]>;

/** The additive value that removes a key from the softmax. */
const MASKED_SCORE = -1e9;

/**
 * Additive causal masks `[L, L]` (0 on and below the diagonal, −1e9 above), built once per
 * sequence length and kept until {@link CausalMaskCache.dispose}.
 *
 * @example
 * const masks = new CausalMaskCache();
 * const mask = masks.get(64); // the same tensor on every step
 */
export class CausalMaskCache {
  private readonly masks = new Map<number, tf.Tensor2D>();

  /**
   * The mask of length `length` (built on first use).
   *
   * @param length sequence length `L`
   * @returns `[L, L]` float32, owned by the cache (do not dispose it)
   */
  get(length: number): tf.Tensor2D {
    const cached = this.masks.get(length);
    if (cached !== undefined && !cached.isDisposed) return cached;
    const values = new Float32Array(length * length);
    for (let row = 0; row < length; row++) {
      for (let column = row + 1; column < length; column++)
        values[row * length + column] = MASKED_SCORE;
    }
    const mask = tf.keep(tf.tensor2d(values, [length, length]));
    this.masks.set(length, mask);
    return mask;
  }

  /** Frees every cached mask. */
  dispose(): void {
    for (const mask of this.masks.values()) mask.dispose();
    this.masks.clear();
  }
}

/** The weights of one multi-head self-attention, stored `[in, out]` for plain 2-D products. */
export type AttentionWeights = {
  /** Fused query/key/value projection `[D, 3D]` (columns: all queries, all keys, all values). */
  readonly qkvKernel: tf.Tensor;
  /** `[3D]` */
  readonly qkvBias: tf.Tensor;
  /** Output projection `[D, D]`. */
  readonly outputKernel: tf.Tensor;
  /** `[D]` */
  readonly outputBias: tf.Tensor;
};

/** Keys and values `[B·H, S, D/H]` of the positions already seen (incremental decoding). */
export type AttentionPast = {
  readonly keys: tf.Tensor3D;
  readonly values: tf.Tensor3D;
};

/** Options of {@link multiHeadSelfAttention}. */
export type MultiHeadSelfAttentionOptions = {
  /** Number of heads `H`; must divide `D`. */
  readonly heads: number;
  /** Whether position `t` only attends to positions `≤ t`. */
  readonly causal: boolean;
  /** Source of causal masks (required when `causal`). */
  readonly masks?: CausalMaskCache;
  /** Dropout on the attention probabilities (training only). */
  readonly attentionDropout?: DropoutStream;
  /** Keys/values of earlier positions, prepended to this call's (incremental decoding). */
  readonly past?: AttentionPast;
  /** Additive key bias `[B, S]` (0 keeps a key, −1e9 drops it), e.g. to ignore padding. */
  readonly keyBias?: tf.Tensor;
};

/** What {@link multiHeadSelfAttention} returns. */
export type MultiHeadSelfAttentionResult = {
  /** `[B, T, D]` */
  readonly output: tf.Tensor3D;
  /** Keys `[B·H, S, D/H]` of every position seen (past and new), for a cache. */
  readonly keys: tf.Tensor3D;
  /** Values `[B·H, S, D/H]`. */
  readonly values: tf.Tensor3D;
};

/**
 * Multi-head scaled dot-product self-attention (Vaswani et al. 2017, §3.2), written for tfjs-wasm.
 *
 * Projections are 2-D products on `[B·T, D]` (Q, K and V fused into one `[D, 3D]` product), the
 * attention is two batched products on `[B·H, T, D/H]`, and the causal mask is an additive constant
 * from a {@link CausalMaskCache}. Only ops with gradients on every backend are used (reshape,
 * transpose, split, slice, concat, matMul, softmax).
 *
 * @param x features `[B, T, D]`
 * @param weights projections, see {@link AttentionWeights}
 * @param options heads, causality, dropout, cache; see {@link MultiHeadSelfAttentionOptions}
 * @returns the attended features `[B, T, D]` and all keys/values
 * @example
 * const { output } = multiHeadSelfAttention(x, weights, { heads: 4, causal: true, masks });
 */
export function multiHeadSelfAttention(
  x: tf.Tensor,
  weights: AttentionWeights,
  options: MultiHeadSelfAttentionOptions,
): MultiHeadSelfAttentionResult {
  const [batch, length, size] = x.shape as [number, number, number];
  const { heads, causal } = options;
  if (x.rank !== 3)
    throw new Error(`Self-attention expects features [B, T, D], got ${JSON.stringify(x.shape)}.`);
  if (!Number.isInteger(heads) || heads < 1 || size % heads !== 0) {
    throw new Error(
      `Self-attention: heads (${heads}) must be a positive integer that divides the feature size ${size}.`,
    );
  }
  const headSize = size / heads;
  const pastLength = options.past?.keys.shape[1] ?? 0;
  const totalLength = pastLength + length;
  return tf.tidy(() => {
    const qkv = denseWithBias(
      x.reshape([batch * length, size]),
      weights.qkvKernel,
      weights.qkvBias,
    );
    // [B, T, 3H, dh] → [B, 3H, T, dh] → three [B, H, T, dh]. (A 4-D transpose: tfjs-wasm's 5-D
    // transpose is ~100× slower.)
    const split = tf.split(
      qkv.reshape([batch, length, 3 * heads, headSize]).transpose([0, 2, 1, 3]),
      3,
      1,
    );
    const toHeads = (part: tf.Tensor | undefined): tf.Tensor3D =>
      (part as tf.Tensor).reshape([batch * heads, length, headSize]);
    // Scaling the queries (T·dh values) is cheaper than scaling the scores (T·S values).
    const query = toHeads(split[0]).mul(1 / Math.sqrt(headSize)) as tf.Tensor3D;
    let keys = toHeads(split[1]);
    let values = toHeads(split[2]);
    if (options.past !== undefined) {
      keys = tf.concat([options.past.keys, keys], 1);
      values = tf.concat([options.past.values, values], 1);
    }
    let scores: tf.Tensor = tf.matMul(query, keys, false, true);
    // A single query (a generation step) is the last position: it sees every key, no mask needed.
    if (causal && length > 1) {
      if (options.masks === undefined)
        throw new Error('Causal self-attention needs a CausalMaskCache (options.masks).');
      const mask = options.masks.get(totalLength);
      scores = tf.add(
        scores,
        pastLength === 0 ? mask : tf.slice(mask, [pastLength, 0], [length, totalLength]),
      );
    }
    if (options.keyBias !== undefined) {
      scores = tf
        .add(
          scores.reshape([batch, heads, length, totalLength]),
          options.keyBias.reshape([batch, 1, 1, totalLength]),
        )
        .reshape([batch * heads, length, totalLength]);
    }
    let probabilities = tf.softmax(scores);
    if (options.attentionDropout !== undefined)
      probabilities = options.attentionDropout.apply(probabilities);
    const attended = tf
      .matMul(probabilities as tf.Tensor3D, values)
      .reshape([batch, heads, length, headSize])
      .transpose([0, 2, 1, 3])
      .reshape([batch * length, size]);
    const output = denseWithBias(attended, weights.outputKernel, weights.outputBias).reshape([
      batch,
      length,
      size,
    ]) as tf.Tensor3D;
    return { output, keys, values };
  });
}

/** Options of {@link MultiHeadAttention} (plus tfjs' layer options: `name`, `trainable`, …). */
export type MultiHeadAttentionArgs = LayerArgs & {
  /** Number of heads `H`; must divide the feature size. */
  readonly heads: number;
  /** Whether position `t` only attends to positions `≤ t` (GPT) or to all (BERT, ViT). @default false */
  readonly causal?: boolean;
  /** Dropout on the attention probabilities. @default 0 */
  readonly dropout?: number;
  /** Seed of the initializers and the dropout stream. @default 0 */
  readonly seed?: number;
  /** Standard deviation of the projection initializers. @default 0.02 (GPT-2) */
  readonly initializerStddev?: number;
};

/**
 * Multi-head self-attention layer `[B, T, D] → [B, T, D]` (Vaswani et al. 2017), computed by
 * {@link multiHeadSelfAttention}: fused `[D, 3D]` QKV projection, `[D, D]` output projection,
 * optional causal mask and attention dropout. Registered by `registerSequenceLayers()`.
 *
 * @example
 * const attention = new MultiHeadAttention({ heads: 4, causal: true });
 * const y = attention.apply(x) as tf.Tensor3D; // x: [B, T, 128]
 */
export class MultiHeadAttention extends tf.layers.Layer {
  /** @nocollapse */
  static className = 'SelfsupMultiHeadAttention';
  /** Number of heads. */
  readonly heads: number;
  /** Whether the attention is causal. */
  readonly causal: boolean;
  /** Dropout rate on the attention probabilities. */
  readonly dropout: number;
  /** Seed of the initializers and the dropout stream. */
  readonly seed: number;
  /** Standard deviation of the projection initializers. */
  readonly initializerStddev: number;
  private readonly masks = new CausalMaskCache();
  private readonly dropoutStream: DropoutStream;
  private weightVariables?: Record<keyof AttentionWeights, tf.LayerVariable>;

  /** @param args heads, causality, dropout; see {@link MultiHeadAttentionArgs} */
  constructor(args: MultiHeadAttentionArgs) {
    super(args);
    if (!Number.isInteger(args.heads) || args.heads < 1) {
      throw new RangeError(
        `MultiHeadAttention heads must be a positive integer, got ${args.heads}.`,
      );
    }
    this.heads = args.heads;
    this.causal = args.causal ?? false;
    this.dropout = args.dropout ?? 0;
    this.seed = args.seed ?? 0;
    this.initializerStddev = args.initializerStddev ?? 0.02;
    this.dropoutStream = new DropoutStream(this.dropout, deriveSeed(this.seed, 1));
  }

  override build(inputShape: Shape | Shape[]): void {
    const shape = (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as Shape;
    const size = shape[shape.length - 1];
    if (typeof size !== 'number' || size % this.heads !== 0) {
      throw new Error(
        `MultiHeadAttention '${this.name}': the feature size (${size}) must be known and divisible by heads (${this.heads}).`,
      );
    }
    const normal = (index: number) =>
      tf.initializers.randomNormal({
        mean: 0,
        stddev: this.initializerStddev,
        seed: deriveSeed(this.seed, 100 + index),
      });
    this.weightVariables = {
      qkvKernel: this.addWeight('qkv_kernel', [size, 3 * size], 'float32', normal(0)),
      qkvBias: this.addWeight('qkv_bias', [3 * size], 'float32', tf.initializers.zeros()),
      outputKernel: this.addWeight('output_kernel', [size, size], 'float32', normal(1)),
      outputBias: this.addWeight('output_bias', [size], 'float32', tf.initializers.zeros()),
    };
    this.built = true;
  }

  /** The projection variables (after build; owned by the layer). */
  getAttentionWeights(): AttentionWeights {
    const variables = this.weightVariables;
    if (variables === undefined) {
      throw new Error(
        `MultiHeadAttention '${this.name}' is not built yet: apply it to an input first.`,
      );
    }
    return {
      qkvKernel: variables.qkvKernel.read(),
      qkvBias: variables.qkvBias.read(),
      outputKernel: variables.outputKernel.read(),
      outputBias: variables.outputBias.read(),
    };
  }

  override call(
    inputs: tf.Tensor | tf.Tensor[],
    kwargs: { training?: boolean; keyBias?: tf.Tensor },
  ): tf.Tensor {
    return tf.tidy(() => {
      const x = Array.isArray(inputs) ? inputs[0] : inputs;
      if (x === undefined) throw new Error('MultiHeadAttention needs one input tensor.');
      const result = multiHeadSelfAttention(x, this.getAttentionWeights(), {
        heads: this.heads,
        causal: this.causal,
        masks: this.masks,
        ...(kwargs.training === true && this.dropout > 0
          ? { attentionDropout: this.dropoutStream }
          : {}),
        ...(kwargs.keyBias === undefined ? {} : { keyBias: kwargs.keyBias }),
      });
      return result.output;
    });
  }

  override computeOutputShape(inputShape: Shape | Shape[]): Shape | Shape[] {
    return inputShape;
  }

  override getConfig(): tf.serialization.ConfigDict {
    return {
      ...super.getConfig(),
      heads: this.heads,
      causal: this.causal,
      dropout: this.dropout,
      seed: this.seed,
      initializerStddev: this.initializerStddev,
    };
  }

  override dispose(): ReturnType<tf.layers.Layer['dispose']> {
    this.masks.dispose();
    return super.dispose();
  }
}
