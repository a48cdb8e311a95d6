import * as tf from '@tensorflow/tfjs';
import { z } from 'zod';
import { TokenEmbedding } from '../layers/token-embedding';
import { deriveSeed } from '../random/seeded-random';
import type { EncodeOptionsV1, EncoderConfigV1 } from '../spec/encoder-v1';
import { findLayer } from './find-layer';
import { LayersEncoder } from './layers-encoder';
import { meanOverTokens } from './mean-over-tokens';
import { validateEncoderOptions } from './validate-encoder-options';

const positiveInteger = z.number().int().positive();

/** Options of {@link createEmbeddingBagEncoder}. */
export const embeddingBagEncoderOptionsSchema = z.strictObject({
  /** Number of token ids (ids are in `[0, vocabularySize)`). Required. */
  vocabularySize: positiveInteger,
  /** Size of each token's vector, the representation size. @default 100 */
  embeddingSize: positiveInteger.default(100),
  /** Token id of padding (and of unknown words): left out of the mean. @default 0 */
  paddingId: z.number().int().min(0).default(0),
  /** Standard deviation of the normal initializer of the table. @default 0.1 */
  initializerStddev: z.number().positive().default(0.1),
  /** Seed of the initializer. @default 0 */
  seed: z.number().int().min(0).default(0),
});

/** What {@link createEmbeddingBagEncoder} accepts (`vocabularySize` required, the rest optional). */
export type EmbeddingBagEncoderOptions = z.input<typeof embeddingBagEncoderOptionsSchema>;
/** {@link EmbeddingBagEncoderOptions} with the defaults filled in. */
export type EmbeddingBagEncoderSettings = z.output<typeof embeddingBagEncoderOptionsSchema>;

/** The `type` of the embedding-bag encoder in configs and checkpoints. */
export const embeddingBagEncoderType = 'embedding-bag';

const embeddingLayerName = 'token_embedding';

/**
 * A bag of token embeddings: each token id `[B, T]` looks up a vector, the representation is their
 * mean over the non-padding tokens `[B, D]` (word order ignored). The encoder of fastText's
 * classifier (Joulin et al. 2017, "Bag of Tricks for Efficient Text Classification"), and the
 * way pretrained word vectors (Word2Vec, GloVe) become an encoder: load them with
 * {@link EmbeddingBagEncoder.setTokenEmbeddings}, probe them frozen or finetune them.
 *
 * Built by {@link createEmbeddingBagEncoder}; rebuilt around a loaded model by
 * {@link EmbeddingBagEncoder.fromModel}.
 */
export class EmbeddingBagEncoder extends LayersEncoder {
  /** The options in effect (defaults filled in). */
  readonly settings: EmbeddingBagEncoderSettings;
  private readonly embedding: TokenEmbedding;

  private constructor(settings: EmbeddingBagEncoderSettings, model: tf.LayersModel) {
    super({
      type: embeddingBagEncoderType,
      config: { type: embeddingBagEncoderType, ...settings },
      inputSpec: { modality: 'tokens', shape: [null], dtype: 'int32' },
      outputSize: settings.embeddingSize,
      featureSize: settings.embeddingSize,
      model,
    });
    this.settings = settings;
    this.embedding = findLayer(model, embeddingLayerName, TokenEmbedding, {
      className: 'EmbeddingBagEncoder',
      factory: 'createEmbeddingBagEncoder',
    });
  }

  /** Builds a fresh, seeded encoder from options. Prefer {@link createEmbeddingBagEncoder}. */
  static create(options: EmbeddingBagEncoderOptions): EmbeddingBagEncoder {
    const settings = validateEncoderOptions(
      'createEmbeddingBagEncoder',
      embeddingBagEncoderOptionsSchema,
      options,
    );
    const input = tf.input({ shape: [null], dtype: 'int32', name: 'tokens' });
    const output = new TokenEmbedding({
      name: embeddingLayerName,
      vocabularySize: settings.vocabularySize,
      embeddingSize: settings.embeddingSize,
      initializerStddev: settings.initializerStddev,
      seed: deriveSeed(settings.seed, 1),
    }).apply(input) as tf.SymbolicTensor;
    return new EmbeddingBagEncoder(
      settings,
      tf.model({ inputs: input, outputs: output, name: 'embedding_bag_encoder' }),
    );
  }

  /**
   * Rebuilds an encoder around a model loaded with `tf.loadLayersModel` (call
   * `registerSequenceLayers()` first) and the config from {@link EmbeddingBagEncoder.getConfig}.
   *
   * @param model the loaded model.
   * @param config the saved encoder config (`type: 'embedding-bag'`).
   * @returns the encoder, sharing `model`'s weights.
   * @example const encoder = EmbeddingBagEncoder.fromModel(await tf.loadLayersModel(handler), config);
   */
  static fromModel(model: tf.LayersModel, config: EncoderConfigV1): EmbeddingBagEncoder {
    const { type, ...options } = config;
    if (type !== embeddingBagEncoderType) {
      throw new Error(
        `EmbeddingBagEncoder.fromModel: config.type is '${type}', expected '${embeddingBagEncoderType}'.`,
      );
    }
    const settings = validateEncoderOptions(
      'EmbeddingBagEncoder.fromModel',
      embeddingBagEncoderOptionsSchema,
      options,
    );
    return new EmbeddingBagEncoder(settings, model);
  }

  /** The embedding table `[V, D]`: the trainable variable itself (owned by the model; do not dispose it). */
  getTokenEmbeddings(): tf.Tensor2D {
    return this.embedding.getEmbeddings();
  }

  /**
   * Overwrites the embedding table, e.g. with pretrained word vectors (row i: token id i).
   *
   * @param table `[vocabularySize, embeddingSize]` values, a tensor or row-major numbers (not kept).
   * @throws RangeError when the size does not match.
   * @example encoder.setTokenEmbeddings(vectors); // Float32Array of V·D values
   */
  setTokenEmbeddings(table: tf.Tensor2D | Float32Array): void {
    const { vocabularySize, embeddingSize } = this.settings;
    const size = table instanceof Float32Array ? table.length : table.size;
    if (size !== vocabularySize * embeddingSize) {
      throw new RangeError(
        `setTokenEmbeddings: expected ${vocabularySize}×${embeddingSize} = ${vocabularySize * embeddingSize} values (one row per token id), got ${size}.`,
      );
    }
    const values =
      table instanceof Float32Array ? tf.tensor2d(table, [vocabularySize, embeddingSize]) : table;
    this.embedding.setWeights([values]);
    if (values !== table) values.dispose();
  }

  /** Per-position features `[B, T, D]`: each token's vector. */
  doEncodeSequence(input: tf.Tensor, options: EncodeOptionsV1): tf.Tensor3D {
    this.checkTokens(input);
    return this.model.apply(input, { training: options.training }) as tf.Tensor3D;
  }

  /** The mean of the vectors of the non-padding tokens `[B, D]`. */
  override doEncode(input: tf.Tensor, options: EncodeOptionsV1): tf.Tensor2D {
    return tf.tidy(() =>
      meanOverTokens(this.doEncodeSequence(input, options), input, this.settings.paddingId),
    );
  }

  private checkTokens(tokens: tf.Tensor): void {
    if (tokens.rank !== 2 || tokens.dtype !== 'int32') {
      throw new Error(
        `The 'embedding-bag' encoder takes int32 token ids [B, T], got ${tokens.dtype} of shape ${JSON.stringify(tokens.shape)}; tokenize the text and pad it with the padding id.`,
      );
    }
  }
}

/**
 * Creates a bag-of-embeddings token encoder (an {@link EncoderV1}): Joulin et al. 2017, "Bag of
 * Tricks for Efficient Text Classification" (fastText). Token ids `[B, T]` → a table of
 * `embeddingSize` (100) vectors, normal init (σ 0.1) → mean over non-padding tokens
 * (`paddingId` 0). With {@link EmbeddingBagEncoder.setTokenEmbeddings} it holds pretrained word
 * vectors (Mikolov et al. 2013; Pennington et al. 2014).
 *
 * @param options see {@link embeddingBagEncoderOptionsSchema}; `vocabularySize` is required.
 * @returns the encoder; `getConfig()` rebuilds it, `EmbeddingBagEncoder.fromModel` reloads it.
 * @example
 * const encoder = createEmbeddingBagEncoder({ vocabularySize: 5000, embeddingSize: 100 });
 * encoder.setTokenEmbeddings(wordVectors); // Float32Array, 5000 × 100
 * const features = encode(encoder, tokenIds); // [N, 100]
 */
export function createEmbeddingBagEncoder(
  options: EmbeddingBagEncoderOptions,
): EmbeddingBagEncoder {
  return EmbeddingBagEncoder.create(options);
}
