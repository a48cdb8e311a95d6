import * as tf from '@tensorflow/tfjs';
import {
  fusedLayerNormAvailable,
  layerNormGradKernelName,
  layerNormKernelName,
} from '../backend/wasm-kernels/layer-norm';
import { sumOverRows } from './bias-add';

/** A tfjs layer shape: `null` marks the batch axis or a variable length. */
type Shape = (number | null)[];

/** tfjs' options of every layer (`name`, `trainable`, `inputShape`, …). */
type LayerArgs = NonNullable<ConstructorParameters<typeof tf.layers.Layer>[0]>;

/**
 * Layer normalization over the last axis (Ba et al. 2016), `y = (x − μ) / √(σ² + ε) · γ + β`,
 * with a hand-written gradient.
 *
 * The gradient is the closed form `dx = r · (ĝ − mean(ĝ) − x̂ · mean(ĝ · x̂))` with `ĝ = dy · γ`
 * and `r = 1 / √(σ² + ε)`: a handful of kernels instead of the dozens autodiff records through
 * `tf.moments`, which matters on tfjs-wasm where each kernel dispatch costs ~5 µs. On the wasm
 * backend with selfsup's kernels registered (and `D % 4 = 0`), forward and gradient are each one
 * fused SIMD kernel (`SelfsupLayerNorm`, `SelfsupLayerNormGrad`) with the same math.
 *
 * @param x input `[..., D]`
 * @param gamma scale `[D]`
 * @param beta offset `[D]`
 * @param epsilon added to the variance @default 1e-5
 * @returns the normalized tensor, same shape as `x`
 * @example const y = layerNormalize(x, tf.ones([8]), tf.zeros([8]));
 */
export function layerNormalize(
  x: tf.Tensor,
  gamma: tf.Tensor,
  beta: tf.Tensor,
  epsilon = 1e-5,
): tf.Tensor {
  const size = x.shape[x.shape.length - 1];
  if (
    size === undefined ||
    gamma.shape.length !== 1 ||
    gamma.shape[0] !== size ||
    beta.shape[0] !== size
  ) {
    throw new Error(
      `layerNormalize: gamma and beta must be [${size}] to match the last axis of x ${JSON.stringify(x.shape)}, ` +
        `got ${JSON.stringify(gamma.shape)} and ${JSON.stringify(beta.shape)}.`,
    );
  }
  if (
    x.dtype === 'float32' &&
    gamma.dtype === 'float32' &&
    beta.dtype === 'float32' &&
    fusedLayerNormAvailable(size)
  ) {
    return fusedLayerNormalize(x, gamma, beta, epsilon, size);
  }
  const normalize = tf.customGrad((input, scale, offset, save) => {
    const x2 = (input as tf.Tensor).reshape([-1, size]);
    const mean = x2.mean(1, true);
    const centered = x2.sub(mean);
    const inverseStd = tf.rsqrt(centered.square().mean(1, true).add(epsilon));
    const normalized = centered.mul(inverseStd);
    (save as tf.GradSaveFunc)([normalized, inverseStd, scale as tf.Tensor]);
    const value = normalized
      .mul(scale as tf.Tensor)
      .add(offset as tf.Tensor)
      .reshape((input as tf.Tensor).shape);
    return {
      value,
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
        const [savedNormalized, savedInverseStd, savedScale] = saved as [
          tf.Tensor,
          tf.Tensor,
          tf.Tensor,
        ];
        const dy2 = dy.reshape([-1, size]);
        const scaledGradient = dy2.mul(savedScale);
        // dy · x̂ serves both dγ and mean(ĝ · x̂) = (dy · x̂) γ / D, a [N, D] × [D, 1] product
        // instead of a third full-size product and a row mean.
        const gradientTimesNormalized = dy2.mul(savedNormalized);
        const projection = tf
          .matMul(gradientTimesNormalized as tf.Tensor2D, savedScale.reshape([size, 1]))
          .mul(1 / size);
        const dx = scaledGradient
          .sub(scaledGradient.mean(1, true))
          .sub(savedNormalized.mul(projection))
          .mul(savedInverseStd)
          .reshape(dy.shape);
        const dGamma = sumOverRows(gradientTimesNormalized as tf.Tensor2D);
        const dBeta = sumOverRows(dy2 as tf.Tensor2D);
        return [dx, dGamma, dBeta];
      },
    };
  });
  return normalize(x, gamma, beta);
}

/** {@link layerNormalize} as the fused wasm kernels `SelfsupLayerNorm` and `SelfsupLayerNormGrad`. */
function fusedLayerNormalize(
  x: tf.Tensor,
  gamma: tf.Tensor,
  beta: tf.Tensor,
  epsilon: number,
  size: number,
): tf.Tensor {
  const normalize = tf.customGrad((input, scale, offset, save) => {
    const [y, normalized, inverseStd] = tf.engine().runKernel(
      layerNormKernelName,
      {
        x: (input as tf.Tensor).reshape([-1, size]),
        gamma: scale as tf.Tensor,
        beta: offset as tf.Tensor,
      },
      { epsilon },
    ) as tf.Tensor[];
    (save as tf.GradSaveFunc)([
      normalized as tf.Tensor,
      inverseStd as tf.Tensor,
      scale as tf.Tensor,
    ]);
    return {
      value: (y as tf.Tensor).reshape((input as tf.Tensor).shape),
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
        const [savedNormalized, savedInverseStd, savedScale] = saved as [
          tf.Tensor,
          tf.Tensor,
          tf.Tensor,
        ];
        const [dx, dGamma, dBeta] = tf.engine().runKernel(layerNormGradKernelName, {
          dy: dy.reshape([-1, size]),
          normalized: savedNormalized,
          inverseStd: savedInverseStd,
          gamma: savedScale,
        }) as tf.Tensor[];
        return [(dx as tf.Tensor).reshape(dy.shape), dGamma as tf.Tensor, dBeta as tf.Tensor];
      },
    };
  });
  return normalize(x, gamma, beta);
}

/** Options of {@link LayerNormalization} (plus tfjs' layer options: `name`, `trainable`, …). */
export type LayerNormalizationArgs = LayerArgs & {
  /** Added to the variance. @default 1e-5 (GPT-2) */
  readonly epsilon?: number;
};

/**
 * Layer normalization over the last axis (Ba et al. 2016) with learned scale `gamma` (ones) and
 * offset `beta` (zeros), computed by {@link layerNormalize} (hand-written gradient).
 *
 * tfjs' own `tf.layers.layerNormalization` differentiates through `tf.moments` and
 * `FusedBatchNorm` (whose gradient materialises full-size tiles); this one is a single node on the
 * gradient tape with a closed-form backward pass of about ten elementwise kernels and two products.
 * Registered for deserialization by `registerSequenceLayers()`.
 *
 * @example
 * const norm = new LayerNormalization({ name: 'final_norm' });
 * const y = norm.apply(x) as tf.Tensor; // x: [B, T, D]
 */
export class LayerNormalization extends tf.layers.Layer {
  /** @nocollapse */
  static className = 'SelfsupLayerNormalization';
  /** Added to the variance. */
  readonly epsilon: number;
  private gamma?: tf.LayerVariable;
  private beta?: tf.LayerVariable;

  /** @param args epsilon and layer options; see {@link LayerNormalizationArgs} */
  constructor(args: LayerNormalizationArgs = {}) {
    super(args);
    this.epsilon = args.epsilon ?? 1e-5;
    if (!(this.epsilon > 0))
      throw new RangeError(`LayerNormalization epsilon must be > 0, got ${this.epsilon}.`);
  }

  override build(inputShape: Shape | Shape[]): void {
    const shape = (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as Shape;
    const size = shape[shape.length - 1];
    if (typeof size !== 'number') {
      throw new Error(
        `LayerNormalization needs a known last axis, got shape ${JSON.stringify(shape)}.`,
      );
    }
    this.gamma = this.addWeight('gamma', [size], 'float32', tf.initializers.ones());
    this.beta = this.addWeight('beta', [size], 'float32', tf.initializers.zeros());
    this.built = true;
  }

  /** The scale and offset variables `[D]` (after build). */
  getVariables(): { gamma: tf.Tensor; beta: tf.Tensor } {
    if (this.gamma === undefined || this.beta === undefined) {
      throw new Error(
        `LayerNormalization '${this.name}' is not built yet: apply it to an input first.`,
      );
    }
    return { gamma: this.gamma.read(), beta: this.beta.read() };
  }

  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    return tf.tidy(() => {
      const x = Array.isArray(inputs) ? inputs[0] : inputs;
      if (x === undefined) throw new Error('LayerNormalization needs one input tensor.');
      const { gamma, beta } = this.getVariables();
      return layerNormalize(x, gamma, beta, this.epsilon);
    });
  }

  override computeOutputShape(inputShape: Shape | Shape[]): Shape | Shape[] {
    return inputShape;
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), epsilon: this.epsilon };
  }
}
