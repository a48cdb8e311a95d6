import * as tf from '@tensorflow/tfjs';
import { deriveSeed } from '../random/seeded-random';
import { addBias } from './bias-add';

/** A tfjs layer shape: `null` marks the batch axis or a variable length. */
type Shape = (number | null)[];

/** tfjs' options of every layer (`name`, `trainable`, `inputShape`, …). */
type LayerArgs = NonNullable<ConstructorParameters<typeof tf.layers.Layer>[0]>;

/** Options of {@link DilatedCausalConv1D} (plus tfjs' layer options: `name`, `trainable`, …). */
export type DilatedCausalConv1DArgs = LayerArgs & {
  /** Number of output channels. */
  readonly filters: number;
  /** Number of taps `k`. */
  readonly kernelSize: number;
  /** Spacing `d` between taps. @default 1 */
  readonly dilationRate?: number;
  /** Whether to add a bias. @default true */
  readonly useBias?: boolean;
  /** Seed of the Glorot-uniform kernel initializer. @default 0 */
  readonly seed?: number;
};

/**
 * Dilated causal 1-D convolution (WaveNet, van den Oord et al. 2016; TCN, Bai et al. 2018):
 * `y[t] = b + Σⱼ W[j] · x[t − (k − 1 − j) · d]`, zeros before the start, so the output has the
 * input's length and position `t` never sees inputs after `t`.
 *
 * No tfjs backend has a gradient for convolutions with dilation > 1, so this is built from ops
 * that do: left-pad the time axis by `(k − 1) · d`, take the `k` shifted views with `tf.slice`,
 * multiply each by its tap's `[Cin, Cout]` weight (a 2-D product on `[B·T, Cin]`) and add them up.
 * On tfjs-wasm, forward + backward, this ran ~30% faster than concatenating the views (im2col)
 * into one `[B·T, k·Cin] × [k·Cin, Cout]` product.
 * The kernel is stored `[k, Cin, Cout]`, the layout of `tf.conv1d`. Registered by
 * `registerSequenceLayers()`.
 *
 * @example
 * const conv = new DilatedCausalConv1D({ filters: 32, kernelSize: 2, dilationRate: 4 });
 * const y = conv.apply(x) as tf.Tensor3D; // x: [B, T, Cin] → [B, T, 32]
 */
export class DilatedCausalConv1D extends tf.layers.Layer {
  /** @nocollapse */
  static className = 'SelfsupDilatedCausalConv1D';
  /** Number of output channels. */
  readonly filters: number;
  /** Number of taps. */
  readonly kernelSize: number;
  /** Spacing between taps. */
  readonly dilationRate: number;
  /** Whether a bias is added. */
  readonly useBias: boolean;
  /** Seed of the kernel initializer. */
  readonly seed: number;
  private kernel?: tf.LayerVariable;
  private bias?: tf.LayerVariable;

  /** @param args filters, kernel size, dilation; see {@link DilatedCausalConv1DArgs} */
  constructor(args: DilatedCausalConv1DArgs) {
    super(args);
    const positive = (name: string, value: number) => {
      if (!Number.isInteger(value) || value < 1) {
        throw new RangeError(
          `DilatedCausalConv1D ${name} must be a positive integer, got ${value}.`,
        );
      }
    };
    positive('filters', args.filters);
    positive('kernelSize', args.kernelSize);
    positive('dilationRate', args.dilationRate ?? 1);
    this.filters = args.filters;
    this.kernelSize = args.kernelSize;
    this.dilationRate = args.dilationRate ?? 1;
    this.useBias = args.useBias ?? true;
    this.seed = args.seed ?? 0;
  }

  override build(inputShape: Shape | Shape[]): void {
    const shape = (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as Shape;
    const channels = shape[shape.length - 1];
    if (shape.length !== 3 || typeof channels !== 'number') {
      throw new Error(
        `DilatedCausalConv1D '${this.name}' expects [B, T, C] inputs with known C, got ${JSON.stringify(shape)}.`,
      );
    }
    this.kernel = this.addWeight(
      'kernel',
      [this.kernelSize, channels, this.filters],
      'float32',
      tf.initializers.glorotUniform({ seed: deriveSeed(this.seed, 0) }),
    );
    if (this.useBias)
      this.bias = this.addWeight('bias', [this.filters], 'float32', tf.initializers.zeros());
    this.built = true;
  }

  /** The kernel `[k, Cin, Cout]` and bias `[Cout]` variables (after build; owned by the layer). */
  getConvolutionWeights(): { kernel: tf.Tensor3D; bias?: tf.Tensor1D } {
    if (this.kernel === undefined) {
      throw new Error(
        `DilatedCausalConv1D '${this.name}' is not built yet: apply it to an input first.`,
      );
    }
    const kernel = this.kernel.read() as tf.Tensor3D;
    return this.bias === undefined ? { kernel } : { kernel, bias: this.bias.read() as tf.Tensor1D };
  }

  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    return tf.tidy(() => {
      const x = Array.isArray(inputs) ? inputs[0] : inputs;
      if (x === undefined) throw new Error('DilatedCausalConv1D needs one input tensor.');
      const { kernel, bias } = this.getConvolutionWeights();
      return dilatedCausalConv1d(x, kernel, bias, this.dilationRate);
    });
  }

  override computeOutputShape(inputShape: Shape | Shape[]): Shape {
    const shape = (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as Shape;
    return [shape[0] ?? null, shape[1] ?? null, this.filters];
  }

  override getConfig(): tf.serialization.ConfigDict {
    return {
      ...super.getConfig(),
      filters: this.filters,
      kernelSize: this.kernelSize,
      dilationRate: this.dilationRate,
      useBias: this.useBias,
      seed: this.seed,
    };
  }
}

/**
 * Dilated causal 1-D convolution as ops with gradients (pad, slice, 2-D matMul, addN); see
 * {@link DilatedCausalConv1D}.
 *
 * @param x input `[B, T, Cin]`
 * @param kernel `[k, Cin, Cout]`
 * @param bias `[Cout]` or `undefined`
 * @param dilationRate spacing `d` between taps
 * @returns `[B, T, Cout]`, causal
 * @example const y = dilatedCausalConv1d(x, kernel, undefined, 2);
 */
export function dilatedCausalConv1d(
  x: tf.Tensor,
  kernel: tf.Tensor3D,
  bias: tf.Tensor1D | undefined,
  dilationRate: number,
): tf.Tensor3D {
  const [taps, channels, filters] = kernel.shape;
  if (x.rank !== 3 || x.shape[2] !== channels) {
    throw new Error(
      `dilatedCausalConv1d expects [B, T, ${channels}] inputs for a [${kernel.shape}] kernel, got ${JSON.stringify(x.shape)}.`,
    );
  }
  const [batch, length] = x.shape as [number, number, number];
  return tf.tidy(() => {
    const padding = (taps - 1) * dilationRate;
    const padded =
      padding > 0
        ? tf.pad(x, [
            [0, 0],
            [padding, 0],
            [0, 0],
          ])
        : x;
    const tapKernels = taps === 1 ? [kernel] : tf.split(kernel, taps, 0);
    const products = tapKernels.map((tapKernel, tap) =>
      tf.matMul(
        tf
          .slice(padded, [0, tap * dilationRate, 0], [batch, length, channels])
          .reshape([batch * length, channels]) as tf.Tensor2D,
        tapKernel.reshape([channels, filters]) as tf.Tensor2D,
      ),
    );
    let output =
      products.length === 1 ? (products[0] as tf.Tensor2D) : (tf.addN(products) as tf.Tensor2D);
    if (bias !== undefined) output = addBias(output, bias);
    return output.reshape([batch, length, filters]) as tf.Tensor3D;
  });
}
