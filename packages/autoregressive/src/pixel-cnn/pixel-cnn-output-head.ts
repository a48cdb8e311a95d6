import { addBias, deriveSeed } from '@selfsup/core';
import * as tf from '@tensorflow/tfjs';

/** A tfjs layer shape: `null` marks the batch axis or an unknown size. */
type Shape = (number | null)[];

/** tfjs' options of every layer (`name`, `trainable`, …). */
type LayerArgs = NonNullable<ConstructorParameters<typeof tf.layers.Layer>[0]>;

/** Options of {@link PixelCnnOutputHead} (plus tfjs' layer options). */
export type PixelCnnOutputHeadArgs = LayerArgs & {
  /** Width of the hidden 1×1 layer. */
  readonly hiddenUnits: number;
  /** Initial value of the output bias: the logit every pixel starts from. @default 0 */
  readonly initialBias?: number;
  /** Seed of the weight initialisers. @default 0 */
  readonly seed?: number;
};

/**
 * The output layers of PixelCNN (van den Oord, Kalchbrenner & Kavukcuoglu 2016, "Pixel Recurrent
 * Neural Networks", Table 1: ReLU, 1×1 conv, ReLU, 1×1 conv): one Bernoulli logit per pixel, for
 * binary images. The 1×1 convolutions run as 2-D matMuls on `[B·H·W, C]`.
 *
 * Input `[B, H, W, C]` (the horizontal stack), output `[B, H, W, 1]` logits.
 * Registered by `registerPixelCnnLayers()`.
 *
 * @example const logits = new PixelCnnOutputHead({ hiddenUnits: 32 }).apply(h) as tf.Tensor4D;
 */
export class PixelCnnOutputHead extends tf.layers.Layer {
  /** @nocollapse */
  static className = 'SelfsupPixelCnnOutputHead';
  /** Width of the hidden layer. */
  readonly hiddenUnits: number;
  /** Initial value of the output bias. */
  readonly initialBias: number;
  /** Seed of the initialisers. */
  readonly seed: number;
  private hiddenKernel?: tf.LayerVariable;
  private hiddenBias?: tf.LayerVariable;
  private outputKernel?: tf.LayerVariable;
  private outputBias?: tf.LayerVariable;

  /** @param args hidden width and seed; see {@link PixelCnnOutputHeadArgs} */
  constructor(args: PixelCnnOutputHeadArgs) {
    super(args);
    this.hiddenUnits = args.hiddenUnits;
    this.initialBias = args.initialBias ?? 0;
    this.seed = args.seed ?? 0;
    if (!Number.isFinite(this.initialBias)) {
      throw new RangeError(
        `PixelCnnOutputHead initialBias must be finite, got ${this.initialBias}.`,
      );
    }
    if (!Number.isInteger(this.hiddenUnits) || this.hiddenUnits < 1) {
      throw new RangeError(
        `PixelCnnOutputHead hiddenUnits must be a positive integer, got ${this.hiddenUnits}.`,
      );
    }
  }

  override build(inputShape: Shape | Shape[]): void {
    const shape = (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as Shape;
    const channels = shape[3];
    if (shape.length !== 4 || typeof channels !== 'number') {
      throw new Error(
        `PixelCnnOutputHead '${this.name}' expects [B, H, W, C] with known C, got ${JSON.stringify(shape)}.`,
      );
    }
    const glorot = (index: number) =>
      tf.initializers.glorotUniform({ seed: deriveSeed(this.seed, index) });
    this.hiddenKernel = this.addWeight(
      'hidden_kernel',
      [channels, this.hiddenUnits],
      'float32',
      glorot(1),
    );
    this.hiddenBias = this.addWeight(
      'hidden_bias',
      [this.hiddenUnits],
      'float32',
      tf.initializers.zeros(),
    );
    this.outputKernel = this.addWeight(
      'output_kernel',
      [this.hiddenUnits, 1],
      'float32',
      glorot(2),
    );
    this.outputBias = this.addWeight(
      'output_bias',
      [1],
      'float32',
      tf.initializers.constant({ value: this.initialBias }),
    );
    this.built = true;
  }

  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    return tf.tidy(() => {
      const x = (Array.isArray(inputs) ? inputs[0] : inputs) as tf.Tensor4D | undefined;
      if (
        x === undefined ||
        this.hiddenKernel === undefined ||
        this.hiddenBias === undefined ||
        this.outputKernel === undefined ||
        this.outputBias === undefined
      ) {
        throw new Error(`PixelCnnOutputHead '${this.name}' needs one built input tensor.`);
      }
      const [batch, height, width, channels] = x.shape;
      const hidden = tf.relu(
        addBias(
          tf.matMul(
            tf.relu(x).reshape([batch * height * width, channels]),
            this.hiddenKernel.read(),
          ),
          this.hiddenBias.read(),
        ),
      ) as tf.Tensor2D;
      return addBias(tf.matMul(hidden, this.outputKernel.read()), this.outputBias.read()).reshape([
        batch,
        height,
        width,
        1,
      ]);
    });
  }

  override computeOutputShape(inputShape: Shape | Shape[]): Shape {
    const shape = (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as Shape;
    return [shape[0] ?? null, shape[1] ?? null, shape[2] ?? null, 1];
  }

  override getConfig(): tf.serialization.ConfigDict {
    return {
      ...super.getConfig(),
      hiddenUnits: this.hiddenUnits,
      initialBias: this.initialBias,
      seed: this.seed,
    };
  }
}
