import * as tf from '@tensorflow/tfjs';
import { deriveSeed } from '../random/seeded-random';
import { addBias } from './bias-add';

/** A tfjs layer shape: `null` marks the batch axis or a variable length. */
type Shape = (number | null)[];

/** tfjs' options of every layer (`name`, `trainable`, `inputShape`, …). */
type LayerArgs = NonNullable<ConstructorParameters<typeof tf.layers.Layer>[0]>;

function checkImages(images: tf.Tensor, patchSize: number): [number, number, number, number] {
  const [batch, height, width, channels] = images.shape as [number, number, number, number];
  if (images.rank !== 4)
    throw new Error(`patchify expects images [B, H, W, C], got ${JSON.stringify(images.shape)}.`);
  if (
    !Number.isInteger(patchSize) ||
    patchSize < 1 ||
    height % patchSize !== 0 ||
    width % patchSize !== 0
  ) {
    throw new Error(
      `patchify: patch size ${patchSize} must divide the image height ${height} and width ${width}; ` +
        'resize or crop the images, or pick a patch size that divides both.',
    );
  }
  return [batch, height, width, channels];
}

/**
 * Cuts images into non-overlapping square patches, row-major (ViT, Dosovitskiy et al. 2021):
 * `[B, H, W, C]` → `[B, N, p·p·C]` with `N = (H/p)·(W/p)`, each patch flattened in (row, column,
 * channel) order as in MAE. Only reshape and a 4-D transpose (differentiable everywhere).
 *
 * @param images `[B, H, W, C]`
 * @param patchSize side `p` of a patch; must divide `H` and `W`
 * @returns patches `[B, N, p·p·C]`
 * @example patchify(tf.zeros([2, 32, 32, 3]), 8).shape // [2, 16, 192]
 */
export function patchify(images: tf.Tensor, patchSize: number): tf.Tensor3D {
  const [batch, height, width, channels] = checkImages(images, patchSize);
  const rows = height / patchSize;
  const columns = width / patchSize;
  return tf.tidy(() =>
    images
      .reshape([batch * rows, patchSize, columns, patchSize * channels])
      .transpose([0, 2, 1, 3])
      .reshape([batch, rows * columns, patchSize * patchSize * channels]),
  );
}

/**
 * The inverse of {@link patchify}: `[B, N, p·p·C]` → `[B, H, W, C]`.
 *
 * @param patches `[B, N, p·p·C]`
 * @param patchSize side `p` of a patch
 * @param imageShape `[H, W, C]` of the images
 * @returns images `[B, H, W, C]`
 * @example unpatchify(patchify(images, 8), 8, [32, 32, 3]) // equals images
 */
export function unpatchify(
  patches: tf.Tensor,
  patchSize: number,
  imageShape: readonly [number, number, number],
): tf.Tensor4D {
  const [height, width, channels] = imageShape;
  const rows = height / patchSize;
  const columns = width / patchSize;
  const [batch, count, size] = patches.shape as [number, number, number];
  if (
    patches.rank !== 3 ||
    !Number.isInteger(rows) ||
    !Number.isInteger(columns) ||
    count !== rows * columns ||
    size !== patchSize * patchSize * channels
  ) {
    throw new Error(
      `unpatchify: patches ${JSON.stringify(patches.shape)} do not tile a ${height}×${width}×${channels} image ` +
        `with patch size ${patchSize} (expected [B, ${rows * columns}, ${patchSize * patchSize * channels}]).`,
    );
  }
  return tf.tidy(() =>
    patches
      .reshape([batch * rows, columns, patchSize, patchSize * channels])
      .transpose([0, 2, 1, 3])
      .reshape([batch, height, width, channels]),
  );
}

/** Options of {@link PatchEmbedding} (plus tfjs' layer options: `name`, `trainable`, …). */
export type PatchEmbeddingArgs = LayerArgs & {
  /** Side `p` of the square patches. */
  readonly patchSize: number;
  /** Embedding size `D`. */
  readonly embeddingSize: number;
  /** Whether to prepend a learned [CLS] token. @default false */
  readonly classToken?: boolean;
  /** Seed of the initializers. @default 0 */
  readonly seed?: number;
};

/**
 * ViT's patch embedding (Dosovitskiy et al. 2021): images `[B, H, W, C]` → {@link patchify} →
 * one linear map `[p·p·C, D]` per patch (a 2-D product on `[B·N, p·p·C]`, equal to a stride-`p`
 * convolution) → `[B, N, D]`, with an optional learned [CLS] token prepended (`[B, N + 1, D]`).
 *
 * {@link PatchEmbedding.embedPatches} and {@link PatchEmbedding.prependClassToken} expose the two
 * steps for MAE, which embeds only the kept patches. Registered by `registerSequenceLayers()`.
 *
 * @example
 * const embedding = new PatchEmbedding({ patchSize: 4, embeddingSize: 64, classToken: true });
 * const tokens = embedding.apply(images) as tf.Tensor3D; // [B, (H/4)(W/4) + 1, 64]
 */
export class PatchEmbedding extends tf.layers.Layer {
  /** @nocollapse */
  static className = 'SelfsupPatchEmbedding';
  /** Side of the patches. */
  readonly patchSize: number;
  /** Embedding size `D`. */
  readonly embeddingSize: number;
  /** Whether a [CLS] token is prepended. */
  readonly classToken: boolean;
  /** Seed of the initializers. */
  readonly seed: number;
  private kernel?: tf.LayerVariable;
  private bias?: tf.LayerVariable;
  private classTokenVariable?: tf.LayerVariable;

  /** @param args patch size, embedding size, [CLS]; see {@link PatchEmbeddingArgs} */
  constructor(args: PatchEmbeddingArgs) {
    super(args);
    if (!Number.isInteger(args.patchSize) || args.patchSize < 1) {
      throw new RangeError(
        `PatchEmbedding patchSize must be a positive integer, got ${args.patchSize}.`,
      );
    }
    if (!Number.isInteger(args.embeddingSize) || args.embeddingSize < 1) {
      throw new RangeError(
        `PatchEmbedding embeddingSize must be a positive integer, got ${args.embeddingSize}.`,
      );
    }
    this.patchSize = args.patchSize;
    this.embeddingSize = args.embeddingSize;
    this.classToken = args.classToken ?? false;
    this.seed = args.seed ?? 0;
  }

  override build(inputShape: Shape | Shape[]): void {
    const shape = (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as Shape;
    const channels = shape[3];
    if (shape.length !== 4 || typeof channels !== 'number') {
      throw new Error(
        `PatchEmbedding '${this.name}' expects images [B, H, W, C] with known C, got ${JSON.stringify(shape)}.`,
      );
    }
    const patchValues = this.patchSize * this.patchSize * channels;
    this.kernel = this.addWeight(
      'kernel',
      [patchValues, this.embeddingSize],
      'float32',
      tf.initializers.glorotUniform({ seed: deriveSeed(this.seed, 0) }),
    );
    this.bias = this.addWeight('bias', [this.embeddingSize], 'float32', tf.initializers.zeros());
    if (this.classToken) {
      this.classTokenVariable = this.addWeight(
        'class_token',
        [this.embeddingSize],
        'float32',
        tf.initializers.randomNormal({ mean: 0, stddev: 0.02, seed: deriveSeed(this.seed, 1) }),
      );
    }
    this.built = true;
  }

  /** The projection `[p·p·C, D]`, bias `[D]` and [CLS] token `[D]` variables (after build). */
  getPatchWeights(): { kernel: tf.Tensor2D; bias: tf.Tensor1D; classToken?: tf.Tensor1D } {
    if (this.kernel === undefined || this.bias === undefined) {
      throw new Error(
        `PatchEmbedding '${this.name}' is not built yet: apply it to an input first.`,
      );
    }
    const weights = {
      kernel: this.kernel.read() as tf.Tensor2D,
      bias: this.bias.read() as tf.Tensor1D,
    };
    return this.classTokenVariable === undefined
      ? weights
      : { ...weights, classToken: this.classTokenVariable.read() as tf.Tensor1D };
  }

  /**
   * Embeds flattened patches (without [CLS]).
   *
   * @param patches `[B, K, p·p·C]`
   * @returns `[B, K, D]`
   */
  embedPatches(patches: tf.Tensor): tf.Tensor3D {
    const { kernel, bias } = this.getPatchWeights();
    const [batch, count, size] = patches.shape as [number, number, number];
    if (patches.rank !== 3 || size !== kernel.shape[0]) {
      throw new Error(
        `PatchEmbedding '${this.name}' expects patches [B, K, ${kernel.shape[0]}], got ${JSON.stringify(patches.shape)}.`,
      );
    }
    return tf.tidy(() =>
      addBias(
        tf.matMul(patches.reshape([batch * count, size]) as tf.Tensor2D, kernel),
        bias,
      ).reshape([batch, count, this.embeddingSize]),
    );
  }

  /**
   * Prepends the [CLS] token (plus `classPosition`, its position embedding, when given).
   *
   * @param tokens `[B, K, D]`
   * @param classPosition `[D]` added to the [CLS] token
   * @returns `[B, K + 1, D]`
   */
  prependClassToken(tokens: tf.Tensor, classPosition?: tf.Tensor): tf.Tensor3D {
    const { classToken } = this.getPatchWeights();
    if (classToken === undefined) {
      throw new Error(
        `PatchEmbedding '${this.name}' has no [CLS] token: build it with classToken: true.`,
      );
    }
    const [batch] = tokens.shape as [number];
    return tf.tidy(() => {
      const token = classPosition === undefined ? classToken : tf.add(classToken, classPosition);
      const tiled = tf.broadcastTo(token.reshape([1, 1, this.embeddingSize]), [
        batch,
        1,
        this.embeddingSize,
      ]);
      return tf.concat([tiled, tokens], 1) as tf.Tensor3D;
    });
  }

  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    return tf.tidy(() => {
      const images = Array.isArray(inputs) ? inputs[0] : inputs;
      if (images === undefined) throw new Error('PatchEmbedding needs one input tensor of images.');
      const tokens = this.embedPatches(patchify(images, this.patchSize));
      return this.classToken ? this.prependClassToken(tokens) : tokens;
    });
  }

  override computeOutputShape(inputShape: Shape | Shape[]): Shape {
    const shape = (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as Shape;
    const [batch, height, width] = shape;
    const count =
      typeof height === 'number' && typeof width === 'number'
        ? (height / this.patchSize) * (width / this.patchSize) + (this.classToken ? 1 : 0)
        : null;
    return [batch ?? null, count, this.embeddingSize];
  }

  override getConfig(): tf.serialization.ConfigDict {
    return {
      ...super.getConfig(),
      patchSize: this.patchSize,
      embeddingSize: this.embeddingSize,
      classToken: this.classToken,
      seed: this.seed,
    };
  }
}
