import * as tf from '@tensorflow/tfjs';

/** A tfjs layer shape: `null` marks the batch axis or a variable length. */
type Shape = (number | null)[];

/** tfjs' options of every layer (`name`, `trainable`, `inputShape`, …). */
type LayerArgs = NonNullable<ConstructorParameters<typeof tf.layers.Layer>[0]>;

/** Options of {@link PositionEmbedding} (plus tfjs' layer options: `name`, `trainable`, …). */
export type PositionEmbeddingArgs = LayerArgs & {
  /** Number of positions `L` (the longest sequence). */
  readonly maxLength: number;
  /** Feature size `D`. */
  readonly embeddingSize: number;
  /** Standard deviation of the normal initializer. @default 0.02 (GPT-2) */
  readonly initializerStddev?: number;
  /** Seed of the initializer. @default 0 */
  readonly seed?: number;
};

/**
 * Adds learned absolute position embeddings `P` `[L, D]` to features `[B, T, D]`:
 * `y[b, t] = x[b, t] + P[offset + t]` (GPT / BERT / ViT style, Vaswani et al. 2017 §3.5 with
 * learned instead of sinusoidal positions).
 *
 * The rows are taken with `tf.slice` (which has a gradient; `stridedSlice` has none). Call
 * {@link PositionEmbedding.addPositions} with an offset for incremental decoding, or
 * {@link PositionEmbedding.gatherPositions} for arbitrary positions (MAE's kept patches).
 * Registered for deserialization by `registerSequenceLayers()`.
 *
 * @example
 * const positions = new PositionEmbedding({ maxLength: 64, embeddingSize: 128 });
 * const y = positions.apply(x) as tf.Tensor3D; // x: [B, T ≤ 64, 128]
 */
export class PositionEmbedding extends tf.layers.Layer {
  /** @nocollapse */
  static className = 'SelfsupPositionEmbedding';
  /** Number of positions `L`. */
  readonly maxLength: number;
  /** Feature size `D`. */
  readonly embeddingSize: number;
  /** Standard deviation of the normal initializer. */
  readonly initializerStddev: number;
  /** Seed of the initializer. */
  readonly seed: number;
  private positions?: tf.LayerVariable;

  /** @param args sizes and initializer; see {@link PositionEmbeddingArgs} */
  constructor(args: PositionEmbeddingArgs) {
    super(args);
    if (!Number.isInteger(args.maxLength) || args.maxLength < 1) {
      throw new RangeError(
        `PositionEmbedding maxLength must be a positive integer, got ${args.maxLength}.`,
      );
    }
    if (!Number.isInteger(args.embeddingSize) || args.embeddingSize < 1) {
      throw new RangeError(
        `PositionEmbedding embeddingSize must be a positive integer, got ${args.embeddingSize}.`,
      );
    }
    this.maxLength = args.maxLength;
    this.embeddingSize = args.embeddingSize;
    this.initializerStddev = args.initializerStddev ?? 0.02;
    this.seed = args.seed ?? 0;
  }

  override build(): void {
    this.positions = this.addWeight(
      'positions',
      [this.maxLength, this.embeddingSize],
      'float32',
      tf.initializers.randomNormal({ mean: 0, stddev: this.initializerStddev, seed: this.seed }),
    );
    this.built = true;
  }

  /** The position table `P` `[L, D]`: the variable itself (owned by the layer; do not dispose it). */
  getPositions(): tf.Tensor2D {
    if (this.positions === undefined) {
      throw new Error(
        `PositionEmbedding '${this.name}' is not built yet: apply it to an input first.`,
      );
    }
    return this.positions.read() as tf.Tensor2D;
  }

  /**
   * Adds the positions `offset … offset + T − 1` to `x` `[B, T, D]`.
   *
   * @param x features `[B, T, D]`
   * @param offset index of the first position @default 0
   * @returns `x + P[offset : offset + T]`
   */
  addPositions(x: tf.Tensor, offset = 0): tf.Tensor {
    const length = x.shape[1];
    if (x.rank !== 3 || length === undefined || x.shape[2] !== this.embeddingSize) {
      throw new Error(
        `PositionEmbedding '${this.name}' expects [B, T, ${this.embeddingSize}] features, got ${JSON.stringify(x.shape)}.`,
      );
    }
    if (!Number.isInteger(offset) || offset < 0 || offset + length > this.maxLength) {
      throw new RangeError(
        `PositionEmbedding '${this.name}': positions ${offset}…${offset + length - 1} exceed maxLength ${this.maxLength}. ` +
          'Use shorter sequences or build the encoder with a larger maxLength.',
      );
    }
    return tf.tidy(() =>
      tf.add(x, tf.slice(this.getPositions(), [offset, 0], [length, this.embeddingSize])),
    );
  }

  /**
   * The position embeddings of arbitrary positions.
   *
   * @param indices int32 positions in `[0, L)`, any shape `[...S]`
   * @returns `[...S, D]`
   */
  gatherPositions(indices: tf.Tensor): tf.Tensor {
    return tf.tidy(() =>
      tf
        .gather(
          this.getPositions(),
          (indices.dtype === 'int32' ? indices : indices.cast('int32')).reshape([-1]),
        )
        .reshape([...indices.shape, this.embeddingSize]),
    );
  }

  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    const x = Array.isArray(inputs) ? inputs[0] : inputs;
    if (x === undefined) throw new Error('PositionEmbedding needs one input tensor.');
    return this.addPositions(x, 0);
  }

  override computeOutputShape(inputShape: Shape | Shape[]): Shape | Shape[] {
    return inputShape;
  }

  override getConfig(): tf.serialization.ConfigDict {
    return {
      ...super.getConfig(),
      maxLength: this.maxLength,
      embeddingSize: this.embeddingSize,
      initializerStddev: this.initializerStddev,
      seed: this.seed,
    };
  }
}
