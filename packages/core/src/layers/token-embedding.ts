import * as tf from '@tensorflow/tfjs';

/** A tfjs layer shape: `null` marks the batch axis or a variable length. */
type Shape = (number | null)[];

/** tfjs' options of every layer (`name`, `trainable`, `inputShape`, …). */
type LayerArgs = NonNullable<ConstructorParameters<typeof tf.layers.Layer>[0]>;

/** Options of {@link TokenEmbedding} (plus tfjs' layer options: `name`, `trainable`, …). */
export type TokenEmbeddingArgs = LayerArgs & {
  /** Number of token ids `V`; ids must lie in `[0, V)`. */
  readonly vocabularySize: number;
  /** Embedding size `D`. */
  readonly embeddingSize: number;
  /** Standard deviation of the normal initializer. @default 0.02 (GPT-2) */
  readonly initializerStddev?: number;
  /** Seed of the initializer. @default 0 */
  readonly seed?: number;
};

/**
 * Looks up token ids `[B, T]` (int32) in a learned table `E` `[V, D]` and returns `[B, T, D]`.
 *
 * The lookup is one `tf.gather` on the flattened ids (its gradient is an `UnsortedSegmentSum`),
 * and {@link TokenEmbedding.getEmbeddings} exposes `E` so an autoregressive head can tie its
 * output weights to it (logits = features · Eᵀ, Press & Wolf 2017). Registered for
 * deserialization by `registerSequenceLayers()`.
 *
 * @example
 * const embedding = new TokenEmbedding({ vocabularySize: 65, embeddingSize: 128 });
 * const features = embedding.apply(tf.tensor2d([[1, 2, 3]], [1, 3], 'int32')) as tf.Tensor3D;
 */
export class TokenEmbedding extends tf.layers.Layer {
  /** @nocollapse */
  static className = 'SelfsupTokenEmbedding';
  /** Number of token ids `V`. */
  readonly vocabularySize: number;
  /** Embedding size `D`. */
  readonly embeddingSize: number;
  /** Standard deviation of the normal initializer. */
  readonly initializerStddev: number;
  /** Seed of the initializer. */
  readonly seed: number;
  private embeddings?: tf.LayerVariable;

  /** @param args sizes and initializer; see {@link TokenEmbeddingArgs} */
  constructor(args: TokenEmbeddingArgs) {
    super(args);
    if (!Number.isInteger(args.vocabularySize) || args.vocabularySize < 1) {
      throw new RangeError(
        `TokenEmbedding vocabularySize must be a positive integer, got ${args.vocabularySize}.`,
      );
    }
    if (!Number.isInteger(args.embeddingSize) || args.embeddingSize < 1) {
      throw new RangeError(
        `TokenEmbedding embeddingSize must be a positive integer, got ${args.embeddingSize}.`,
      );
    }
    this.vocabularySize = args.vocabularySize;
    this.embeddingSize = args.embeddingSize;
    this.initializerStddev = args.initializerStddev ?? 0.02;
    this.seed = args.seed ?? 0;
  }

  override build(): void {
    this.embeddings = this.addWeight(
      'embeddings',
      [this.vocabularySize, this.embeddingSize],
      'float32',
      tf.initializers.randomNormal({ mean: 0, stddev: this.initializerStddev, seed: this.seed }),
    );
    this.built = true;
  }

  /**
   * The embedding table `E` `[V, D]`: the variable itself (trainable, owned by the layer; do not
   * dispose it). Use it for weight tying: `logits = tf.matMul(features2d, E, false, true)`.
   */
  getEmbeddings(): tf.Tensor2D {
    if (this.embeddings === undefined) {
      throw new Error(
        `TokenEmbedding '${this.name}' is not built yet: apply it to an input first.`,
      );
    }
    return this.embeddings.read() as tf.Tensor2D;
  }

  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    return tf.tidy(() => {
      const ids = Array.isArray(inputs) ? inputs[0] : inputs;
      if (ids === undefined) throw new Error('TokenEmbedding needs one input tensor of token ids.');
      return embedTokens(ids, this.getEmbeddings());
    });
  }

  override computeOutputShape(inputShape: Shape | Shape[]): Shape {
    const shape = (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as Shape;
    return [...shape, this.embeddingSize];
  }

  override getConfig(): tf.serialization.ConfigDict {
    return {
      ...super.getConfig(),
      vocabularySize: this.vocabularySize,
      embeddingSize: this.embeddingSize,
      initializerStddev: this.initializerStddev,
      seed: this.seed,
    };
  }
}

/**
 * Looks token ids up in an embedding table: `[...S]` int32 ids and `[V, D]` table → `[...S, D]`.
 *
 * @param ids int32 token ids in `[0, V)` (float ids are cast)
 * @param table embedding table `[V, D]`
 * @returns the embeddings, shape `[...ids.shape, D]`
 * @example const features = embedTokens(ids, table); // [B, T, D]
 */
export function embedTokens(ids: tf.Tensor, table: tf.Tensor2D): tf.Tensor {
  return tf.tidy(() => {
    const flat = (ids.dtype === 'int32' ? ids : ids.cast('int32')).reshape([-1]);
    return tf.gather(table, flat).reshape([...ids.shape, table.shape[1]]);
  });
}
