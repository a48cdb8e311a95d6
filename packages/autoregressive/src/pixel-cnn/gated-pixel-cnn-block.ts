import { addBias, deriveSeed } from '@selfsup/core';
import * as tf from '@tensorflow/tfjs';
import { gatedActivation, horizontalStackConv2d, verticalStackConv2d } from './causal-convolutions';

/** A tfjs layer shape: `null` marks the batch axis or an unknown size. */
type Shape = (number | null)[];

/** tfjs' options of every layer (`name`, `trainable`, …). */
type LayerArgs = NonNullable<ConstructorParameters<typeof tf.layers.Layer>[0]>;

/** Options of {@link GatedPixelCnnBlock} (plus tfjs' layer options: `name`, `trainable`, …). */
export type GatedPixelCnnBlockArgs = LayerArgs & {
  /** Hidden channels `C` of both stacks. */
  readonly channels: number;
  /** Odd kernel size `k`: the vertical stack sees `k/2` rows above and `k/2` columns either side, the horizontal stack `k/2` pixels to the left. @default 3 */
  readonly kernelSize?: number;
  /** The first block: excludes the current pixel (mask A) and has no residual connection. @default false */
  readonly first?: boolean;
  /** Number of classes of the class-conditional bias (a third input, one-hot `[B, classes]`); 0 for none. @default 0 */
  readonly classes?: number;
  /** Seed of the weight initialisers. @default 0 */
  readonly seed?: number;
};

/**
 * One gated block of Gated PixelCNN (van den Oord, Kalchbrenner, Vinyals, Espeholt, Graves &
 * Kavukcuoglu 2016, "Conditional Image Generation with PixelCNN Decoders", §2.2–2.3, Fig. 2):
 *
 * - vertical stack: `fᵥ = Vconv(v) (+ Vᵥ·onehot(y))`, `v' = tanh(fᵥ₁) ⊙ σ(fᵥ₂)`;
 * - horizontal stack: `fₕ = Hconv(h) + 1×1(fᵥ) (+ Vₕ·onehot(y))`,
 *   `h' = h + 1×1(tanh(fₕ₁) ⊙ σ(fₕ₂))` (no residual in the first block).
 *
 * The vertical stack only ever sees rows above the current one and feeds the horizontal stack,
 * which sees the pixels to the left, so pixel `i` depends on every earlier pixel within the
 * receptive field and on no later one — without the "blind spot" of the original PixelCNN's
 * masked 3×3 convolutions. The first block excludes the current pixel (mask A); later blocks
 * include it (mask B). The class-conditional bias is the paper's `Vᵀh` with `h` a one-hot label.
 *
 * Inputs `[v, h]` (or `[v, h, onehot]`), each `[B, H, W, Cin]`; outputs `[v', h']`, `[B, H, W, C]`.
 * Pointwise products run as 2-D matMuls on `[B·H·W, C]` (fast on tfjs-wasm). Registered by
 * `registerPixelCnnLayers()`.
 *
 * @example
 * const block = new GatedPixelCnnBlock({ channels: 32, first: true, kernelSize: 7 });
 * const [v, h] = block.apply([images, images]) as tf.Tensor4D[];
 */
export class GatedPixelCnnBlock extends tf.layers.Layer {
  /** @nocollapse */
  static className = 'SelfsupGatedPixelCnnBlock';
  /** Hidden channels. */
  readonly channels: number;
  /** Odd kernel size. */
  readonly kernelSize: number;
  /** Whether this is the first block (mask A, no residual). */
  readonly first: boolean;
  /** Classes of the conditional bias (0: unconditional). */
  readonly classes: number;
  /** Seed of the initialisers. */
  readonly seed: number;
  private weightsByName: Record<string, tf.LayerVariable> = {};

  /** @param args channels, kernel size, first block, classes; see {@link GatedPixelCnnBlockArgs} */
  constructor(args: GatedPixelCnnBlockArgs) {
    super(args);
    this.channels = args.channels;
    this.kernelSize = args.kernelSize ?? 3;
    this.first = args.first ?? false;
    this.classes = args.classes ?? 0;
    this.seed = args.seed ?? 0;
    if (!Number.isInteger(this.channels) || this.channels < 1) {
      throw new RangeError(
        `GatedPixelCnnBlock channels must be a positive integer, got ${this.channels}.`,
      );
    }
    if (!Number.isInteger(this.kernelSize) || this.kernelSize < 3 || this.kernelSize % 2 === 0) {
      throw new RangeError(
        `GatedPixelCnnBlock kernelSize must be an odd integer ≥ 3, got ${this.kernelSize}.`,
      );
    }
    if (!Number.isInteger(this.classes) || this.classes < 0) {
      throw new RangeError(
        `GatedPixelCnnBlock classes must be a non-negative integer, got ${this.classes}.`,
      );
    }
  }

  override build(inputShape: Shape | Shape[]): void {
    const shapes = inputShape as Shape[];
    const vertical = shapes[0];
    const inputChannels = vertical?.[3];
    if (!Array.isArray(vertical) || vertical.length !== 4 || typeof inputChannels !== 'number') {
      throw new Error(
        `GatedPixelCnnBlock '${this.name}' expects inputs [v, h${this.classes > 0 ? ', onehot' : ''}] of shape [B, H, W, C] with known C, got ${JSON.stringify(inputShape)}.`,
      );
    }
    if (!this.first && inputChannels !== this.channels) {
      throw new Error(
        `GatedPixelCnnBlock '${this.name}' has a residual connection: its inputs need ${this.channels} channels, got ${inputChannels}.`,
      );
    }
    const half = (this.kernelSize - 1) / 2;
    const c = this.channels;
    let index = 0;
    const add = (
      name: string,
      shape: number[],
      initializer?: ReturnType<typeof tf.initializers.zeros>,
    ) => {
      index++;
      this.weightsByName[name] = this.addWeight(
        name,
        shape,
        'float32',
        initializer ?? tf.initializers.glorotUniform({ seed: deriveSeed(this.seed, index) }),
      );
    };
    add('vertical_kernel', [this.first ? half : half + 1, this.kernelSize, inputChannels, 2 * c]);
    add('vertical_bias', [2 * c], tf.initializers.zeros());
    add('horizontal_kernel', [1, this.first ? half : half + 1, inputChannels, 2 * c]);
    add('horizontal_bias', [2 * c], tf.initializers.zeros());
    add('vertical_to_horizontal_kernel', [2 * c, 2 * c]);
    add('output_kernel', [c, c]);
    add('output_bias', [c], tf.initializers.zeros());
    if (this.classes > 0) {
      add('vertical_class_kernel', [this.classes, 2 * c]);
      add('horizontal_class_kernel', [this.classes, 2 * c]);
    }
    this.built = true;
  }

  private weight(name: string): tf.Tensor {
    const variable = this.weightsByName[name];
    if (variable === undefined) {
      throw new Error(`GatedPixelCnnBlock '${this.name}' is not built: apply it to inputs first.`);
    }
    return variable.read();
  }

  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor[] {
    return tf.tidy(() => {
      const list = Array.isArray(inputs) ? inputs : [inputs];
      const [v, h, onehot] = list as [tf.Tensor4D, tf.Tensor4D, tf.Tensor2D | undefined];
      if (v === undefined || h === undefined || this.classes > 0 !== (onehot !== undefined)) {
        throw new Error(
          `GatedPixelCnnBlock '${this.name}' needs inputs [v, h${this.classes > 0 ? ', onehot' : ''}], got ${list.length} tensors.`,
        );
      }
      const [batch, height, width] = v.shape;
      const c = this.channels;
      const positions = batch * height * width;
      const conditioned = (features: tf.Tensor2D, kernel: string): tf.Tensor2D => {
        if (onehot === undefined) return features;
        const bias = tf.matMul(onehot, this.weight(kernel)).reshape([batch, 1, 2 * c]);
        return features
          .reshape([batch, height * width, 2 * c])
          .add(bias)
          .reshape([positions, 2 * c]);
      };
      const verticalFeatures = conditioned(
        addBias(
          verticalStackConv2d(
            v,
            this.weight('vertical_kernel') as tf.Tensor4D,
            !this.first,
          ).reshape([positions, 2 * c]),
          this.weight('vertical_bias'),
        ),
        'vertical_class_kernel',
      );
      const horizontalFeatures = conditioned(
        addBias(
          horizontalStackConv2d(h, this.weight('horizontal_kernel') as tf.Tensor4D, !this.first)
            .reshape([positions, 2 * c])
            .add(tf.matMul(verticalFeatures, this.weight('vertical_to_horizontal_kernel'))),
          this.weight('horizontal_bias'),
        ),
        'horizontal_class_kernel',
      );
      const verticalOutput = gatedActivation(verticalFeatures).reshape([batch, height, width, c]);
      let horizontalOutput = addBias(
        tf.matMul(gatedActivation(horizontalFeatures), this.weight('output_kernel')),
        this.weight('output_bias'),
      ).reshape([batch, height, width, c]);
      if (!this.first) horizontalOutput = horizontalOutput.add(h);
      return [verticalOutput, horizontalOutput];
    });
  }

  override computeOutputShape(inputShape: Shape | Shape[]): Shape[] {
    const shape = (inputShape as Shape[])[0] ?? [null, null, null, null];
    const output: Shape = [shape[0] ?? null, shape[1] ?? null, shape[2] ?? null, this.channels];
    return [output, [...output]];
  }

  override getConfig(): tf.serialization.ConfigDict {
    return {
      ...super.getConfig(),
      channels: this.channels,
      kernelSize: this.kernelSize,
      first: this.first,
      classes: this.classes,
      seed: this.seed,
    };
  }
}
