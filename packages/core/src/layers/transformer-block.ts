import * as tf from '@tensorflow/tfjs';
import { geluGradKernelName, geluKernelName } from '../backend/wasm-kernels/gelu';
import { deriveSeed } from '../random/seeded-random';
import { denseWithBias } from './bias-add';
import { layerNormalize } from './layer-normalization';
import type { AttentionPast, AttentionWeights } from './multi-head-attention';
import { CausalMaskCache, multiHeadSelfAttention } from './multi-head-attention';
import { DropoutStream } from './seeded-dropout';

/** A tfjs layer shape: `null` marks the batch axis or a variable length. */
type Shape = (number | null)[];

/** tfjs' options of every layer (`name`, `trainable`, `inputShape`, …). */
type LayerArgs = NonNullable<ConstructorParameters<typeof tf.layers.Layer>[0]>;

const SQRT_2_OVER_PI = Math.sqrt(2 / Math.PI);
const GELU_CUBIC = 0.044715;

/**
 * GELU activation (Hendrycks & Gimpel 2016) in its tanh approximation, as in GPT-2 and BERT:
 * `0.5 · x · (1 + tanh(√(2/π) · (x + 0.044715 · x³)))`, with a hand-written gradient.
 *
 * Computed as the identical `x · σ(2 · √(2/π) · (x + 0.044715 · x³))`, since
 * `(1 + tanh(u)) / 2 = σ(2u)`: tfjs-wasm's `Sigmoid` is vectorised (XNNPACK) while `Tanh` and
 * `Erf` are scalar loops (~5× slower). On the wasm backend with selfsup's kernels registered,
 * forward and gradient are each one fused SIMD kernel (`SelfsupGelu`, `SelfsupGeluGrad`: the
 * same math, equal to these ops within ~1e-6) that saves only `x` for the backward pass.
 *
 * @param x any float32 tensor
 * @returns GELU(x), same shape
 * @example const y = gelu(tf.tensor1d([-1, 0, 1]));
 */
export function gelu(x: tf.Tensor): tf.Tensor {
  if (
    x.dtype === 'float32' &&
    tf.getBackend() === 'wasm' &&
    tf.getKernel(geluKernelName, 'wasm') !== undefined &&
    tf.getKernel(geluGradKernelName, 'wasm') !== undefined
  ) {
    return fusedGelu(x);
  }
  const activation = tf.customGrad((input, save) => {
    const value = input as tf.Tensor;
    const squared = value.square();
    // s = σ(2u), 2u = x · (2c + 2c · 0.044715 · x²)
    const gate = tf.sigmoid(
      squared
        .mul(2 * SQRT_2_OVER_PI * GELU_CUBIC)
        .add(2 * SQRT_2_OVER_PI)
        .mul(value),
    );
    const output = value.mul(gate);
    // The output y = x · s is saved (a handle, no copy) so the backward needs no x · s product.
    (save as tf.GradSaveFunc)([output.clone(), squared, gate]);
    return {
      value: output,
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
        const [savedOutput, savedSquared, savedGate] = saved as [tf.Tensor, tf.Tensor, tf.Tensor];
        // d/dx = s + x · s (1 − s) · (2c + 6c · 0.044715 · x²) = s + y (1 − s) · (…)
        const innerDerivative = savedSquared
          .mul(6 * SQRT_2_OVER_PI * GELU_CUBIC)
          .add(2 * SQRT_2_OVER_PI);
        const derivative = tf
          .sub(1, savedGate)
          .mul(savedOutput)
          .mul(innerDerivative)
          .add(savedGate);
        return dy.mul(derivative);
      },
    };
  });
  return activation(x);
}

/** {@link gelu} as the fused wasm kernels `SelfsupGelu` and `SelfsupGeluGrad`. */
function fusedGelu(x: tf.Tensor): tf.Tensor {
  const activation = tf.customGrad((input, save) => {
    (save as tf.GradSaveFunc)([input as tf.Tensor]);
    return {
      value: tf.engine().runKernel(geluKernelName, { x: input as tf.Tensor }) as tf.Tensor,
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) =>
        tf.engine().runKernel(geluGradKernelName, {
          x: saved[0] as tf.Tensor,
          dy,
        }) as tf.Tensor,
    };
  });
  return activation(x);
}

/** The weights of one {@link TransformerBlock}, stored `[in, out]`. */
export type TransformerBlockWeights = AttentionWeights & {
  readonly attentionNormGamma: tf.Tensor;
  readonly attentionNormBeta: tf.Tensor;
  readonly mlpNormGamma: tf.Tensor;
  readonly mlpNormBeta: tf.Tensor;
  /** `[D, M]` */
  readonly mlpInKernel: tf.Tensor;
  /** `[M]` */
  readonly mlpInBias: tf.Tensor;
  /** `[M, D]` */
  readonly mlpOutKernel: tf.Tensor;
  /** `[D]` */
  readonly mlpOutBias: tf.Tensor;
};

/** Options of {@link TransformerBlock} (plus tfjs' layer options: `name`, `trainable`, …). */
export type TransformerBlockArgs = LayerArgs & {
  /** Number of attention heads; must divide the feature size. */
  readonly heads: number;
  /** Causal (GPT) or bidirectional (BERT, ViT) attention. @default false */
  readonly causal?: boolean;
  /** Hidden size of the MLP. @default 4 × the feature size */
  readonly mlpSize?: number;
  /** Dropout on attention probabilities and on both residual branches. @default 0 */
  readonly dropout?: number;
  /** LayerNorm epsilon. @default 1e-5 */
  readonly epsilon?: number;
  /** Seed of the initializers and dropout streams. @default 0 */
  readonly seed?: number;
  /** Standard deviation of the QKV and MLP-input initializers. @default 0.02 */
  readonly initializerStddev?: number;
  /**
   * Standard deviation of the two projections that write into the residual stream.
   * @default initializerStddev (GPT-2 uses 0.02 / √(2 · layers); the Transformer encoder passes that)
   */
  readonly residualStddev?: number;
};

/** Per-call options of {@link TransformerBlock.forward}. */
export type TransformerBlockCallOptions = {
  /** Dropout active. */
  readonly training: boolean;
  /** Keys/values of earlier positions (incremental decoding). */
  readonly past?: AttentionPast;
  /** Additive key bias `[B, S]` (0 or −1e9), e.g. to ignore padding. */
  readonly keyBias?: tf.Tensor;
};

/** What {@link TransformerBlock.forward} returns. */
export type TransformerBlockResult = {
  /** `[B, T, D]` */
  readonly output: tf.Tensor3D;
  /** Keys `[B·H, S, D/H]` of all positions seen, for a generation cache. */
  readonly keys: tf.Tensor3D;
  /** Values `[B·H, S, D/H]`. */
  readonly values: tf.Tensor3D;
};

/**
 * One pre-LN Transformer block (GPT-2; Radford et al. 2019, after Vaswani et al. 2017):
 * `x += Dropout(Attention(LN(x)))`, then `x += Dropout(MLP(LN(x)))` with `MLP = W₂ · GELU(W₁ x)`.
 *
 * All weights live in this one layer (no nested layers, so it serializes simply); the math is
 * {@link layerNormalize}, {@link multiHeadSelfAttention} and {@link gelu}. Dense products are 2-D
 * on `[B·T, D]`. {@link TransformerBlock.forward} also takes and returns the attention keys/values
 * for cached generation. Registered for deserialization by `registerSequenceLayers()`.
 *
 * @example
 * const block = new TransformerBlock({ heads: 4, causal: true, name: 'block_0' });
 * const y = block.apply(x, { training: false }) as tf.Tensor3D; // x: [B, T, 128]
 */
export class TransformerBlock extends tf.layers.Layer {
  /** @nocollapse */
  static className = 'SelfsupTransformerBlock';
  /** Number of attention heads. */
  readonly heads: number;
  /** Whether the attention is causal. */
  readonly causal: boolean;
  /** Hidden size of the MLP (`undefined` until build when defaulted). */
  mlpSize?: number;
  /** Dropout rate. */
  readonly dropout: number;
  /** LayerNorm epsilon. */
  readonly epsilon: number;
  /** Seed of initializers and dropout. */
  readonly seed: number;
  /** Standard deviation of the QKV and MLP-input initializers. */
  readonly initializerStddev: number;
  /** Standard deviation of the residual projections. */
  readonly residualStddev: number;
  private readonly masks = new CausalMaskCache();
  private readonly attentionDropout: DropoutStream;
  private readonly residualDropout: DropoutStream;
  private weightVariables?: Record<keyof TransformerBlockWeights, tf.LayerVariable>;

  /** @param args heads, causality, sizes, dropout; see {@link TransformerBlockArgs} */
  constructor(args: TransformerBlockArgs) {
    super(args);
    if (!Number.isInteger(args.heads) || args.heads < 1) {
      throw new RangeError(`TransformerBlock heads must be a positive integer, got ${args.heads}.`);
    }
    if (args.mlpSize !== undefined && (!Number.isInteger(args.mlpSize) || args.mlpSize < 1)) {
      throw new RangeError(
        `TransformerBlock mlpSize must be a positive integer, got ${args.mlpSize}.`,
      );
    }
    this.heads = args.heads;
    this.causal = args.causal ?? false;
    if (args.mlpSize !== undefined) this.mlpSize = args.mlpSize;
    this.dropout = args.dropout ?? 0;
    this.epsilon = args.epsilon ?? 1e-5;
    this.seed = args.seed ?? 0;
    this.initializerStddev = args.initializerStddev ?? 0.02;
    this.residualStddev = args.residualStddev ?? this.initializerStddev;
    this.attentionDropout = new DropoutStream(this.dropout, deriveSeed(this.seed, 1));
    this.residualDropout = new DropoutStream(this.dropout, deriveSeed(this.seed, 2));
  }

  override build(inputShape: Shape | Shape[]): void {
    const shape = (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as Shape;
    const size = shape[shape.length - 1];
    if (typeof size !== 'number' || size % this.heads !== 0) {
      throw new Error(
        `TransformerBlock '${this.name}': the feature size (${size}) must be known and divisible by heads (${this.heads}).`,
      );
    }
    const mlpSize = this.mlpSize ?? 4 * size;
    this.mlpSize = mlpSize;
    const normal = (stddev: number, index: number) =>
      tf.initializers.randomNormal({ mean: 0, stddev, seed: deriveSeed(this.seed, 100 + index) });
    const ones = () => tf.initializers.ones();
    const zeros = () => tf.initializers.zeros();
    this.weightVariables = {
      attentionNormGamma: this.addWeight('attention_norm_gamma', [size], 'float32', ones()),
      attentionNormBeta: this.addWeight('attention_norm_beta', [size], 'float32', zeros()),
      qkvKernel: this.addWeight(
        'qkv_kernel',
        [size, 3 * size],
        'float32',
        normal(this.initializerStddev, 0),
      ),
      qkvBias: this.addWeight('qkv_bias', [3 * size], 'float32', zeros()),
      outputKernel: this.addWeight(
        'output_kernel',
        [size, size],
        'float32',
        normal(this.residualStddev, 1),
      ),
      outputBias: this.addWeight('output_bias', [size], 'float32', zeros()),
      mlpNormGamma: this.addWeight('mlp_norm_gamma', [size], 'float32', ones()),
      mlpNormBeta: this.addWeight('mlp_norm_beta', [size], 'float32', zeros()),
      mlpInKernel: this.addWeight(
        'mlp_in_kernel',
        [size, mlpSize],
        'float32',
        normal(this.initializerStddev, 2),
      ),
      mlpInBias: this.addWeight('mlp_in_bias', [mlpSize], 'float32', zeros()),
      mlpOutKernel: this.addWeight(
        'mlp_out_kernel',
        [mlpSize, size],
        'float32',
        normal(this.residualStddev, 3),
      ),
      mlpOutBias: this.addWeight('mlp_out_bias', [size], 'float32', zeros()),
    };
    this.built = true;
  }

  /** The block's variables (after build; owned by the layer, do not dispose). */
  getBlockWeights(): TransformerBlockWeights {
    const variables = this.weightVariables;
    if (variables === undefined) {
      throw new Error(
        `TransformerBlock '${this.name}' is not built yet: apply it to an input first.`,
      );
    }
    const read = (key: keyof TransformerBlockWeights) => variables[key].read();
    return {
      attentionNormGamma: read('attentionNormGamma'),
      attentionNormBeta: read('attentionNormBeta'),
      qkvKernel: read('qkvKernel'),
      qkvBias: read('qkvBias'),
      outputKernel: read('outputKernel'),
      outputBias: read('outputBias'),
      mlpNormGamma: read('mlpNormGamma'),
      mlpNormBeta: read('mlpNormBeta'),
      mlpInKernel: read('mlpInKernel'),
      mlpInBias: read('mlpInBias'),
      mlpOutKernel: read('mlpOutKernel'),
      mlpOutBias: read('mlpOutBias'),
    };
  }

  /** Dropout mask counters `[attention, residual]` (store them to resume a run exactly). */
  get dropoutCallIndices(): [number, number] {
    return [this.attentionDropout.callIndex, this.residualDropout.callIndex];
  }

  set dropoutCallIndices(indices: [number, number]) {
    [this.attentionDropout.callIndex, this.residualDropout.callIndex] = indices;
  }

  /**
   * Applies the block and returns the attention keys/values too (for a generation cache).
   *
   * @param x features `[B, T, D]`
   * @param options training flag, past keys/values, key bias; see {@link TransformerBlockCallOptions}
   * @returns the new features and the keys/values of every position seen
   */
  forward(x: tf.Tensor, options: TransformerBlockCallOptions): TransformerBlockResult {
    const weights = this.getBlockWeights();
    const [batch, length, size] = x.shape as [number, number, number];
    const training = options.training && this.dropout > 0;
    return tf.tidy(() => {
      const normalized = layerNormalize(
        x,
        weights.attentionNormGamma,
        weights.attentionNormBeta,
        this.epsilon,
      );
      const attention = multiHeadSelfAttention(normalized, weights, {
        heads: this.heads,
        causal: this.causal,
        masks: this.masks,
        ...(training ? { attentionDropout: this.attentionDropout } : {}),
        ...(options.past === undefined ? {} : { past: options.past }),
        ...(options.keyBias === undefined ? {} : { keyBias: options.keyBias }),
      });
      const afterAttention = tf.add(
        x,
        training ? this.residualDropout.apply(attention.output) : attention.output,
      );
      const mlpInput = layerNormalize(
        afterAttention,
        weights.mlpNormGamma,
        weights.mlpNormBeta,
        this.epsilon,
      ).reshape([batch * length, size]);
      const hidden = gelu(denseWithBias(mlpInput, weights.mlpInKernel, weights.mlpInBias));
      const mlpOutput = denseWithBias(hidden, weights.mlpOutKernel, weights.mlpOutBias).reshape([
        batch,
        length,
        size,
      ]);
      const output = tf.add(
        afterAttention,
        training ? this.residualDropout.apply(mlpOutput) : mlpOutput,
      ) as tf.Tensor3D;
      return { output, keys: attention.keys, values: attention.values };
    });
  }

  override call(
    inputs: tf.Tensor | tf.Tensor[],
    kwargs: { training?: boolean; keyBias?: tf.Tensor },
  ): tf.Tensor {
    const x = Array.isArray(inputs) ? inputs[0] : inputs;
    if (x === undefined) throw new Error('TransformerBlock needs one input tensor.');
    return tf.tidy(() => {
      const result = this.forward(x, {
        training: kwargs.training === true,
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
      ...(this.mlpSize === undefined ? {} : { mlpSize: this.mlpSize }),
      dropout: this.dropout,
      epsilon: this.epsilon,
      seed: this.seed,
      initializerStddev: this.initializerStddev,
      residualStddev: this.residualStddev,
    };
  }

  override dispose(): ReturnType<tf.layers.Layer['dispose']> {
    this.masks.dispose();
    return super.dispose();
  }
}
