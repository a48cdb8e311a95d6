import * as tf from '@tensorflow/tfjs';
import { z } from 'zod';
import { LayerNormalization, layerNormalize } from '../layers/layer-normalization';
import { PatchEmbedding, patchify, unpatchify } from '../layers/patch-embedding';
import { PositionEmbedding } from '../layers/position-embedding';
import { SeededDropout } from '../layers/seeded-dropout';
import { TransformerBlock } from '../layers/transformer-block';
import { deriveSeed } from '../random/seeded-random';
import type { EncodeOptionsV1, EncoderConfigV1 } from '../spec/encoder-v1';
import { findLayer } from './find-layer';
import { LayersEncoder } from './layers-encoder';
import { validateEncoderOptions } from './validate-encoder-options';

const positiveInteger = z.number().int().positive();

/** How {@link VitEncoder.doEncode} pools the patch features. */
export const vitPoolings = ['class', 'mean'] as const;

/**
 * Options of {@link createVitEncoder} (Dosovitskiy et al. 2021). Defaults are a small ViT for
 * 32×32 RGB images: 4×4 patches (64 of them), 128 dimensions, 4 blocks of 4 heads, a [CLS] token.
 */
export const vitEncoderOptionsSchema = z
  .strictObject({
    /** Image `[H, W, C]`; the patch size must divide `H` and `W`. @default [32, 32, 3] */
    imageShape: z.tuple([positiveInteger, positiveInteger, positiveInteger]).default([32, 32, 3]),
    /** Side of the square, non-overlapping patches. @default 4 */
    patchSize: positiveInteger.default(4),
    /** Feature size `D`. @default 128 */
    embeddingSize: positiveInteger.default(128),
    /** Number of Transformer blocks. @default 4 */
    layers: positiveInteger.default(4),
    /** Attention heads per block; must divide `embeddingSize`. @default 4 */
    heads: positiveInteger.default(4),
    /** Hidden size of each block's MLP. @default 4 × embeddingSize */
    mlpSize: positiveInteger.optional(),
    /** Prepend a learned [CLS] token. @default true */
    classToken: z.boolean().default(true),
    /** Pooling: the [CLS] token's features or the mean over patches. @default 'class' with a [CLS] token, else 'mean' */
    pooling: z.enum(vitPoolings).optional(),
    /** Dropout on embeddings, attention probabilities and residual branches. @default 0 */
    dropout: z.number().min(0).lt(1).default(0),
    /** LayerNorm epsilon. @default 1e-6 (ViT) */
    epsilon: z.number().positive().default(1e-6),
    /** Seed of initializers and dropout masks. @default 0 */
    seed: z.number().int().min(0).default(0),
  })
  .refine((options) => options.embeddingSize % options.heads === 0, {
    message: 'heads must divide embeddingSize (e.g. embeddingSize 128 with 4 heads of 32).',
    path: ['heads'],
  })
  .refine(
    (options) =>
      options.imageShape[0] % options.patchSize === 0 &&
      options.imageShape[1] % options.patchSize === 0,
    {
      message: 'patchSize must divide the image height and width.',
      path: ['patchSize'],
    },
  )
  .refine((options) => options.classToken || options.pooling !== 'class', {
    message: "pooling 'class' needs classToken: true.",
    path: ['pooling'],
  });

/** What {@link createVitEncoder} accepts (every field optional). */
export type VitEncoderOptions = z.input<typeof vitEncoderOptionsSchema>;
/** {@link VitEncoderOptions} with the defaults filled in. */
export type VitEncoderSettings = z.output<typeof vitEncoderOptionsSchema> & {
  readonly pooling: (typeof vitPoolings)[number];
};

/** The `type` of the ViT encoder in configs and checkpoints. */
export const vitEncoderType = 'vit';

type VitParts = {
  readonly patchEmbedding: PatchEmbedding;
  readonly positionEmbedding: PositionEmbedding;
  readonly embeddingDropout: SeededDropout;
  readonly blocks: TransformerBlock[];
  readonly finalNorm: LayerNormalization;
};

function findParts(model: tf.LayersModel, layers: number): VitParts {
  const find = <T>(name: string, type: abstract new (...args: never[]) => T): T =>
    findLayer(model, name, type, { className: 'VitEncoder', factory: 'createVitEncoder' });
  return {
    patchEmbedding: find('patch_embedding', PatchEmbedding),
    positionEmbedding: find('position_embedding', PositionEmbedding),
    embeddingDropout: find('embedding_dropout', SeededDropout),
    blocks: Array.from({ length: layers }, (_, index) => find(`block_${index}`, TransformerBlock)),
    finalNorm: find('final_norm', LayerNormalization),
  };
}

/**
 * A Vision Transformer (ViT, Dosovitskiy et al. 2021): images `[B, H, W, C]` → non-overlapping
 * patches → linear patch embedding + learned positions (+ a [CLS] token) → bidirectional pre-LN
 * Transformer blocks → LayerNorm.
 *
 * - {@link VitEncoder.doEncodeSequence}: features `[B, N (+1), D]` ([CLS] first when present).
 * - {@link VitEncoder.doEncode}: pooled `[B, D]` ([CLS] or mean over patches).
 * - {@link VitEncoder.encodePatches}: encodes only the given patches, MAE's encoder (He et al. 2022).
 * - {@link VitEncoder.patchify} / {@link VitEncoder.unpatchify}: pixels ↔ `[B, N, p·p·C]`.
 *
 * The model's output is the per-position features. Built by {@link createVitEncoder}; rebuilt
 * around a loaded model by {@link VitEncoder.fromModel}.
 *
 * @example
 * const vit = createVitEncoder({ imageShape: [32, 32, 3], patchSize: 4 });
 * const pooled = vit.doEncode(images, { training: false }); // [B, 128]
 * const visible = vit.encodePatches(images, keepIndices);   // [B, 1 + K, 128]
 */
export class VitEncoder extends LayersEncoder {
  /** The options in effect (defaults filled in). */
  readonly settings: VitEncoderSettings;
  private readonly parts: VitParts;

  private constructor(settings: VitEncoderSettings, model: tf.LayersModel) {
    super({
      type: vitEncoderType,
      config: JSON.parse(JSON.stringify({ type: vitEncoderType, ...settings })) as EncoderConfigV1,
      inputSpec: { modality: 'image', shape: [...settings.imageShape], dtype: 'float32' },
      outputSize: settings.embeddingSize,
      featureSize: settings.embeddingSize,
      model,
    });
    this.settings = settings;
    this.parts = findParts(model, settings.layers);
  }

  /** Builds a fresh, seeded encoder from options. Prefer {@link createVitEncoder}. */
  static create(options: VitEncoderOptions = {}): VitEncoder {
    const settings = resolveSettings('createVitEncoder', options);
    return new VitEncoder(settings, buildVitModel(settings));
  }

  /**
   * Rebuilds an encoder around a model loaded with `tf.loadLayersModel` (call
   * `registerSequenceLayers()` first) and the config from {@link VitEncoder.getConfig}.
   *
   * @param model the loaded model
   * @param config the saved encoder config (`type: 'vit'`)
   * @returns the encoder, sharing `model`'s weights
   * @example const encoder = VitEncoder.fromModel(await tf.loadLayersModel(handler), config);
   */
  static fromModel(model: tf.LayersModel, config: EncoderConfigV1): VitEncoder {
    const { type, ...options } = config;
    if (type !== vitEncoderType) {
      throw new Error(
        `VitEncoder.fromModel: config.type is '${type}', expected '${vitEncoderType}'.`,
      );
    }
    return new VitEncoder(resolveSettings('VitEncoder.fromModel', options), model);
  }

  /** Number of patches `N = (H/p)·(W/p)` of one image. */
  get numPatches(): number {
    const [height, width] = this.settings.imageShape;
    return (height / this.settings.patchSize) * (width / this.settings.patchSize);
  }

  /** Values per patch, `p·p·C`. */
  get patchValues(): number {
    return this.settings.patchSize * this.settings.patchSize * this.settings.imageShape[2];
  }

  /**
   * Cuts images into this encoder's patches (row-major, (row, column, channel) within a patch).
   *
   * @param images `[B, H, W, C]`
   * @returns `[B, N, p·p·C]`
   */
  patchify(images: tf.Tensor): tf.Tensor3D {
    this.checkImages(images);
    return patchify(images, this.settings.patchSize);
  }

  /**
   * Reassembles images from patches (the inverse of {@link VitEncoder.patchify}).
   *
   * @param patches `[B, N, p·p·C]`
   * @returns `[B, H, W, C]`
   */
  unpatchify(patches: tf.Tensor): tf.Tensor4D {
    return unpatchify(patches, this.settings.patchSize, this.settings.imageShape);
  }

  /**
   * Per-position features of images: `[B, N + 1, D]` with the [CLS] token first, or `[B, N, D]`.
   *
   * @param input images `[B, H, W, C]`
   * @param options `training` turns dropout on
   * @returns the features after the final LayerNorm
   */
  doEncodeSequence(input: tf.Tensor, options: EncodeOptionsV1): tf.Tensor3D {
    this.checkImages(input);
    return tf.tidy(() => {
      const tokens = this.parts.patchEmbedding.apply(input) as tf.Tensor;
      return this.encodeTokens(this.parts.positionEmbedding.addPositions(tokens, 0), options);
    });
  }

  /**
   * Pooled representation `[B, D]`: the [CLS] token's features or the mean over patches.
   *
   * @param input images `[B, H, W, C]`
   * @param options `training` turns dropout on
   * @returns `[B, D]`
   */
  override doEncode(input: tf.Tensor, options: EncodeOptionsV1): tf.Tensor2D {
    return tf.tidy(() => this.pool(this.doEncodeSequence(input, options)));
  }

  /**
   * Encodes only the patches `keepIndices` of each image, each with its own position embedding
   * (plus the [CLS] token when present): the encoder of MAE (He et al. 2022), which sees the
   * visible 25% of patches. The other patches do not enter the computation at all.
   *
   * @param images `[B, H, W, C]`
   * @param keepIndices int32 `[B, K]` patch indices in `[0, N)` per image (distinct)
   * @param options `training` turns dropout on @default { training: false }
   * @returns `[B, K + 1, D]` ([CLS] first) or `[B, K, D]`, row `k` being patch `keepIndices[b, k]`
   * @example
   * const visible = encoder.encodePatches(images, keep, { training: true }); // keep: [B, 16]
   */
  encodePatches(
    images: tf.Tensor,
    keepIndices: tf.Tensor,
    options: EncodeOptionsV1 = { training: false },
  ): tf.Tensor3D {
    this.checkImages(images);
    const [batch] = images.shape as [number];
    const count = this.numPatches;
    if (keepIndices.rank !== 2 || keepIndices.shape[0] !== batch || keepIndices.dtype !== 'int32') {
      throw new Error(
        `encodePatches: keepIndices must be int32 [B = ${batch}, K], got ${keepIndices.dtype} ${JSON.stringify(keepIndices.shape)}.`,
      );
    }
    const kept = keepIndices.shape[1] as number;
    if (kept < 1 || kept > count) {
      throw new RangeError(`encodePatches: K must be in [1, ${count}], got ${kept}.`);
    }
    // tf.gather does not check its indices on every backend: an index ≥ N would read garbage.
    const indices = keepIndices.dataSync();
    for (let index = 0; index < indices.length; index++) {
      const patch = indices[index] as number;
      if (patch < 0 || patch >= count) {
        throw new RangeError(
          `encodePatches: patch index ${patch} is outside [0, ${count}) (the image has ${count} patches).`,
        );
      }
    }
    return tf.tidy(() => {
      const offsets = tf.range(0, batch * count, count, 'int32').reshape([batch, 1]);
      const rows = tf.add(keepIndices, offsets).reshape([-1]);
      const patches = tf.gather(
        this.patchify(images).reshape([batch * count, this.patchValues]),
        rows,
      );
      let tokens: tf.Tensor = this.parts.patchEmbedding.embedPatches(
        patches.reshape([batch, kept, this.patchValues]),
      );
      const positionOffset = this.settings.classToken ? 1 : 0;
      tokens = tf.add(
        tokens,
        this.parts.positionEmbedding.gatherPositions(tf.add(keepIndices, positionOffset)),
      );
      if (this.settings.classToken) {
        const classPosition = this.parts.positionEmbedding
          .getPositions()
          .slice([0, 0], [1, this.settings.embeddingSize]);
        tokens = this.parts.patchEmbedding.prependClassToken(
          tokens,
          classPosition.reshape([this.settings.embeddingSize]),
        );
      }
      return this.encodeTokens(tokens, options);
    });
  }

  /**
   * Pools features from {@link VitEncoder.doEncodeSequence} or {@link VitEncoder.encodePatches}.
   *
   * @param features `[B, (1 +) K, D]`
   * @returns `[B, D]`: the [CLS] row, or the mean over patch rows
   */
  pool(features: tf.Tensor3D): tf.Tensor2D {
    const [batch, length, size] = features.shape;
    return tf.tidy(() => {
      if (this.settings.pooling === 'class')
        return features.slice([0, 0, 0], [batch, 1, size]).reshape([batch, size]);
      const start = this.settings.classToken ? 1 : 0;
      return features.slice([0, start, 0], [batch, length - start, size]).mean(1) as tf.Tensor2D;
    });
  }

  private encodeTokens(tokens: tf.Tensor, options: EncodeOptionsV1): tf.Tensor3D {
    let x = this.parts.embeddingDropout.apply(tokens, { training: options.training }) as tf.Tensor;
    for (const block of this.parts.blocks)
      x = block.forward(x, { training: options.training }).output;
    const { gamma, beta } = this.parts.finalNorm.getVariables();
    return layerNormalize(x, gamma, beta, this.parts.finalNorm.epsilon) as tf.Tensor3D;
  }

  private checkImages(images: tf.Tensor): void {
    const [height, width, channels] = this.settings.imageShape;
    if (
      images.rank !== 4 ||
      images.shape[1] !== height ||
      images.shape[2] !== width ||
      images.shape[3] !== channels
    ) {
      throw new Error(
        `The ViT encoder takes images [B, ${height}, ${width}, ${channels}], got ${JSON.stringify(images.shape)}. ` +
          'Resize the images or build the encoder with their imageShape.',
      );
    }
    if (images.dtype !== 'float32') {
      throw new Error(
        `The ViT encoder takes float32 images, got ${images.dtype}. Cast them: images.cast('float32').`,
      );
    }
  }
}

function resolveSettings(factory: string, options: unknown): VitEncoderSettings {
  const parsed = validateEncoderOptions(factory, vitEncoderOptionsSchema, options);
  return { ...parsed, pooling: parsed.pooling ?? (parsed.classToken ? 'class' : 'mean') };
}

function buildVitModel(settings: VitEncoderSettings): tf.LayersModel {
  const {
    imageShape,
    patchSize,
    embeddingSize,
    layers,
    heads,
    mlpSize,
    classToken,
    dropout,
    epsilon,
    seed,
  } = settings;
  const patches = (imageShape[0] / patchSize) * (imageShape[1] / patchSize);
  const input = tf.input({ shape: [...imageShape], name: 'images' });
  let x = new PatchEmbedding({
    name: 'patch_embedding',
    patchSize,
    embeddingSize,
    classToken,
    seed: deriveSeed(seed, 1),
  }).apply(input) as tf.SymbolicTensor;
  x = new PositionEmbedding({
    name: 'position_embedding',
    maxLength: patches + (classToken ? 1 : 0),
    embeddingSize,
    seed: deriveSeed(seed, 2),
  }).apply(x) as tf.SymbolicTensor;
  x = new SeededDropout({
    name: 'embedding_dropout',
    rate: dropout,
    seed: deriveSeed(seed, 3),
  }).apply(x) as tf.SymbolicTensor;
  for (let index = 0; index < layers; index++) {
    x = new TransformerBlock({
      name: `block_${index}`,
      heads,
      causal: false,
      ...(mlpSize === undefined ? {} : { mlpSize }),
      dropout,
      epsilon,
      seed: deriveSeed(seed, 10 + index),
    }).apply(x) as tf.SymbolicTensor;
  }
  x = new LayerNormalization({ name: 'final_norm', epsilon }).apply(x) as tf.SymbolicTensor;
  return tf.model({ inputs: input, outputs: x, name: 'vit_encoder' });
}

/**
 * Creates a Vision Transformer encoder (an {@link EncoderV1}) for images `[B, H, W, C]`
 * (Dosovitskiy et al. 2021), with pre-LN blocks and an MAE-ready
 * {@link VitEncoder.encodePatches} (He et al. 2022).
 *
 * @param options see {@link vitEncoderOptionsSchema}; all optional (32×32×3, 4×4 patches, D 128, 4 blocks)
 * @returns the encoder; `getConfig()` and `VitEncoder.fromModel` rebuild it
 * @example
 * const vit = createVitEncoder({ imageShape: [28, 28, 1], patchSize: 7, embeddingSize: 64, heads: 4 });
 * const pooled = vit.doEncode(images, { training: false }); // [B, 64]
 */
export function createVitEncoder(options: VitEncoderOptions = {}): VitEncoder {
  return VitEncoder.create(options);
}
