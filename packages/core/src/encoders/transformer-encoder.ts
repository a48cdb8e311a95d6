import * as tf from '@tensorflow/tfjs';
import { z } from 'zod';
import { LayerNormalization, layerNormalize } from '../layers/layer-normalization';
import type { AttentionPast } from '../layers/multi-head-attention';
import { PositionEmbedding } from '../layers/position-embedding';
import { SeededDropout } from '../layers/seeded-dropout';
import { embedTokens, TokenEmbedding } from '../layers/token-embedding';
import { TransformerBlock } from '../layers/transformer-block';
import { deriveSeed } from '../random/seeded-random';
import type { EncodeOptionsV1, EncoderConfigV1 } from '../spec/encoder-v1';
import { findLayer } from './find-layer';
import { LayersEncoder } from './layers-encoder';
import { meanOverTokens } from './mean-over-tokens';
import { validateEncoderOptions } from './validate-encoder-options';

const positiveInteger = z.number().int().positive();

/** How {@link TransformerEncoder.doEncode} pools per-position features into one vector. */
export const transformerPoolings = ['mean', 'first', 'last'] as const;

/**
 * Options of {@link createTransformerEncoder}. Defaults are nanoGPT's small character model
 * (4 layers, 4 heads, 128 dimensions; Vaswani et al. 2017 architecture with GPT-2's pre-LN blocks).
 */
export const transformerEncoderOptionsSchema = z
  .strictObject({
    /** Number of token ids `V` (the tokenizer's vocabulary size). Required. */
    vocabularySize: positiveInteger,
    /** Longest sequence `L` (number of learned positions). @default 256 */
    maxLength: positiveInteger.default(256),
    /** Feature size `D`. @default 128 */
    embeddingSize: positiveInteger.default(128),
    /** Number of Transformer blocks. @default 4 */
    layers: positiveInteger.default(4),
    /** Attention heads per block; must divide `embeddingSize`. @default 4 */
    heads: positiveInteger.default(4),
    /** Hidden size of each block's MLP. @default 4 × embeddingSize */
    mlpSize: positiveInteger.optional(),
    /** Causal (GPT: position t sees ≤ t) or bidirectional (BERT) attention. @default false */
    causal: z.boolean().default(false),
    /**
     * Pooling of {@link TransformerEncoder.doEncode}: `'mean'` over non-padding positions,
     * `'first'` (a [CLS] token the tokenizer prepends) or `'last'` (last non-padding position).
     * @default 'last' when causal (the only position that sees the whole sequence), else 'mean'
     */
    pooling: z.enum(transformerPoolings).optional(),
    /** Token id of padding: ignored as attention keys and by pooling. @default none */
    paddingId: z.number().int().min(0).optional(),
    /** Dropout on embeddings, attention probabilities and residual branches. @default 0 */
    dropout: z.number().min(0).lt(1).default(0),
    /** LayerNorm epsilon. @default 1e-5 */
    epsilon: z.number().positive().default(1e-5),
    /** Seed of initializers and dropout masks. @default 0 */
    seed: z.number().int().min(0).default(0),
  })
  .refine((options) => options.embeddingSize % options.heads === 0, {
    message: 'heads must divide embeddingSize (e.g. embeddingSize 128 with 4 heads of 32).',
    path: ['heads'],
  })
  .refine(
    (options) => options.paddingId === undefined || options.paddingId < options.vocabularySize,
    {
      message: 'paddingId must be a token id below vocabularySize.',
      path: ['paddingId'],
    },
  );

/** What {@link createTransformerEncoder} accepts (`vocabularySize` required, the rest optional). */
export type TransformerEncoderOptions = z.input<typeof transformerEncoderOptionsSchema>;
/** {@link TransformerEncoderOptions} with the defaults filled in. */
export type TransformerEncoderSettings = z.output<typeof transformerEncoderOptionsSchema> & {
  readonly pooling: (typeof transformerPoolings)[number];
};

/** The `type` of the Transformer encoder in configs and checkpoints. */
export const transformerEncoderType = 'transformer';

/**
 * The keys and values of every position seen so far, per block, for incremental (cached)
 * generation with {@link TransformerEncoder.encodeIncremental}. It owns its tensors: call
 * {@link TransformerCache.dispose} when done.
 *
 * @example
 * const cache = encoder.createCache(4);
 * const features = encoder.encodeIncremental(promptIds, cache); // cache.length === T
 * cache.dispose();
 */
export class TransformerCache {
  /** Number of sequences decoded in parallel. */
  readonly batchSize: number;
  private past: (AttentionPast | undefined)[];
  private seen = 0;
  private disposed = false;

  /**
   * @param batchSize number of sequences
   * @param layers number of blocks
   */
  constructor(batchSize: number, layers: number) {
    if (!Number.isInteger(batchSize) || batchSize < 1) {
      throw new RangeError(
        `A TransformerCache needs a positive integer batch size, got ${batchSize}.`,
      );
    }
    this.batchSize = batchSize;
    this.past = new Array<AttentionPast | undefined>(layers).fill(undefined);
  }

  /** Number of positions already encoded (the position of the next token). */
  get length(): number {
    return this.seen;
  }

  /** Whether {@link TransformerCache.dispose} was called. */
  get isDisposed(): boolean {
    return this.disposed;
  }

  /** The cached keys/values of block `layer` (`undefined` before the first call). */
  getLayer(layer: number): AttentionPast | undefined {
    this.assertUsable();
    return this.past[layer];
  }

  /**
   * Replaces the cached keys/values (keeping the new tensors, disposing the old) and advances the length.
   *
   * @param past the keys/values of every block, covering all positions seen
   * @param added number of new positions
   */
  update(past: AttentionPast[], added: number): void {
    this.assertUsable();
    const previous = this.past;
    this.past = past.map((entry) => ({ keys: tf.keep(entry.keys), values: tf.keep(entry.values) }));
    for (const entry of previous) if (entry !== undefined) tf.dispose([entry.keys, entry.values]);
    this.seen += added;
  }

  /** Frees the cached tensors; the cache cannot be used afterwards. */
  dispose(): void {
    for (const entry of this.past) if (entry !== undefined) tf.dispose([entry.keys, entry.values]);
    this.past = this.past.map(() => undefined);
    this.disposed = true;
  }

  private assertUsable(): void {
    if (this.disposed)
      throw new Error(
        'This TransformerCache was disposed; create a new one with encoder.createCache().',
      );
  }
}

/** The layers of a Transformer encoder, found by name in its model. */
type TransformerParts = {
  readonly tokenEmbedding: TokenEmbedding;
  readonly positionEmbedding: PositionEmbedding;
  readonly embeddingDropout: SeededDropout;
  readonly blocks: TransformerBlock[];
  readonly finalNorm: LayerNormalization;
};

function findParts(model: tf.LayersModel, layers: number): TransformerParts {
  const find = <T>(name: string, type: abstract new (...args: never[]) => T): T =>
    findLayer(model, name, type, {
      className: 'TransformerEncoder',
      factory: 'createTransformerEncoder',
    });
  return {
    tokenEmbedding: find('token_embedding', TokenEmbedding),
    positionEmbedding: find('position_embedding', PositionEmbedding),
    embeddingDropout: find('embedding_dropout', SeededDropout),
    blocks: Array.from({ length: layers }, (_, index) => find(`block_${index}`, TransformerBlock)),
    finalNorm: find('final_norm', LayerNormalization),
  };
}

/**
 * A Transformer encoder for token ids (Vaswani et al. 2017) with GPT-2's pre-LN blocks
 * (Radford et al. 2019): token embedding + learned positions → N blocks of multi-head
 * self-attention (causal or bidirectional) and GELU MLP with residuals → final LayerNorm.
 *
 * - {@link TransformerEncoder.doEncodeSequence}: features `[B, T, D]`.
 * - {@link TransformerEncoder.doEncode}: pooled `[B, D]` (see `pooling`).
 * - {@link TransformerEncoder.getTokenEmbeddings}: the table `E` `[V, D]` for a tied LM head.
 * - {@link TransformerEncoder.createCache} / {@link TransformerEncoder.encodeIncremental}:
 *   cached generation (keys/values kept per block).
 *
 * The model's output is the per-position features `[B, T, D]` (pooling needs the token ids, so
 * it is done outside the model). Built by {@link createTransformerEncoder}; rebuilt around a
 * loaded model by {@link TransformerEncoder.fromModel}.
 *
 * @example
 * const encoder = createTransformerEncoder({ vocabularySize: 65, maxLength: 64, causal: true });
 * const features = encoder.doEncodeSequence(ids, { training: true }); // [B, T, 128]
 * const logits = tf.matMul(features.reshape([-1, 128]), encoder.getTokenEmbeddings(), false, true);
 */
export class TransformerEncoder extends LayersEncoder {
  /** The options in effect (defaults filled in). */
  readonly settings: TransformerEncoderSettings;
  private readonly parts: TransformerParts;

  private constructor(settings: TransformerEncoderSettings, model: tf.LayersModel) {
    super({
      type: transformerEncoderType,
      config: JSON.parse(
        JSON.stringify({ type: transformerEncoderType, ...settings }),
      ) as EncoderConfigV1,
      inputSpec: { modality: 'tokens', shape: [null], dtype: 'int32' },
      outputSize: settings.embeddingSize,
      featureSize: settings.embeddingSize,
      model,
    });
    this.settings = settings;
    this.parts = findParts(model, settings.layers);
  }

  /** Builds a fresh, seeded encoder from options. Prefer {@link createTransformerEncoder}. */
  static create(options: TransformerEncoderOptions): TransformerEncoder {
    const settings = resolveSettings('createTransformerEncoder', options);
    return new TransformerEncoder(settings, buildTransformerModel(settings));
  }

  /**
   * Rebuilds an encoder around a model loaded with `tf.loadLayersModel` (call
   * `registerSequenceLayers()` first) and the config from {@link TransformerEncoder.getConfig}.
   *
   * @param model the loaded model
   * @param config the saved encoder config (`type: 'transformer'`)
   * @returns the encoder, sharing `model`'s weights
   * @example const encoder = TransformerEncoder.fromModel(await tf.loadLayersModel(handler), config);
   */
  static fromModel(model: tf.LayersModel, config: EncoderConfigV1): TransformerEncoder {
    const { type, ...options } = config;
    if (type !== transformerEncoderType) {
      throw new Error(
        `TransformerEncoder.fromModel: config.type is '${type}', expected '${transformerEncoderType}'.`,
      );
    }
    return new TransformerEncoder(resolveSettings('TransformerEncoder.fromModel', options), model);
  }

  /** The longest sequence the encoder takes. */
  get maxLength(): number {
    return this.settings.maxLength;
  }

  /** The number of token ids. */
  get vocabularySize(): number {
    return this.settings.vocabularySize;
  }

  /**
   * The token-embedding table `E` `[V, D]`: the trainable variable itself (owned by the model; do
   * not dispose it). Tie a language-model head to it: `logits = tf.matMul(features2d, E, false, true)`.
   */
  getTokenEmbeddings(): tf.Tensor2D {
    return this.parts.tokenEmbedding.getEmbeddings();
  }

  /**
   * Per-position features of token ids.
   *
   * @param input int32 token ids `[B, T]`, `T ≤ maxLength`
   * @param options `training` turns dropout on
   * @returns `[B, T, D]`
   */
  doEncodeSequence(input: tf.Tensor, options: EncodeOptionsV1): tf.Tensor3D {
    this.checkTokens(input);
    const { paddingId } = this.settings;
    return tf.tidy(() => {
      const keyBias =
        paddingId === undefined ? undefined : tf.equal(input, paddingId).cast('float32').mul(-1e9);
      let x = this.embed(input, 0);
      x = this.parts.embeddingDropout.apply(x, { training: options.training }) as tf.Tensor;
      for (const block of this.parts.blocks) {
        x = block.forward(x, {
          training: options.training,
          ...(keyBias === undefined ? {} : { keyBias }),
        }).output;
      }
      return this.normalize(x) as tf.Tensor3D;
    });
  }

  /**
   * Pooled representation: `'mean'` over non-padding positions, `'first'` or `'last'`
   * (non-padding) position, per the `pooling` setting.
   *
   * @param input int32 token ids `[B, T]`
   * @param options `training` turns dropout on
   * @returns `[B, D]`
   */
  override doEncode(input: tf.Tensor, options: EncodeOptionsV1): tf.Tensor2D {
    return tf.tidy(() => poolFeatures(this.doEncodeSequence(input, options), input, this.settings));
  }

  /**
   * A fresh, empty cache for {@link TransformerEncoder.encodeIncremental}.
   *
   * @param batchSize number of sequences decoded in parallel
   * @returns the cache; dispose it when done
   */
  createCache(batchSize: number): TransformerCache {
    return new TransformerCache(batchSize, this.settings.layers);
  }

  /**
   * Encodes new tokens that continue the sequences in `cache`, attending to the cached keys and
   * values, and appends their keys/values to the cache. The features equal those of the full
   * forward pass over all tokens so far (inference mode, no dropout; padding is not masked on this
   * path). Meant for causal encoders (generation); on a bidirectional encoder earlier positions
   * would not see later ones.
   *
   * @param newTokens int32 ids `[B, t]` of the next positions (`cache.length + t ≤ maxLength`)
   * @param cache from {@link TransformerEncoder.createCache}; updated in place
   * @returns features `[B, t, D]` of the new positions only
   * @example
   * const cache = encoder.createCache(1);
   * const prompt = encoder.encodeIncremental(promptIds, cache); // [1, P, D]
   * const next = encoder.encodeIncremental(nextId, cache);      // [1, 1, D]
   * cache.dispose();
   */
  encodeIncremental(newTokens: tf.Tensor, cache: TransformerCache): tf.Tensor3D {
    this.checkTokens(newTokens);
    const [batch, added] = newTokens.shape as [number, number];
    if (cache.isDisposed)
      throw new Error(
        'encodeIncremental: the cache was disposed; create a new one with createCache().',
      );
    if (batch !== cache.batchSize) {
      throw new Error(
        `encodeIncremental: the cache holds ${cache.batchSize} sequences but newTokens has ${batch}.`,
      );
    }
    if (cache.length + added > this.settings.maxLength) {
      throw new RangeError(
        `encodeIncremental: ${cache.length} cached + ${added} new positions exceed maxLength ${this.settings.maxLength}; ` +
          'crop the context (start a new cache with the last tokens).',
      );
    }
    const result = tf.tidy(() => {
      let x = this.embed(newTokens, cache.length);
      const past: AttentionPast[] = [];
      this.parts.blocks.forEach((block, index) => {
        const layerPast = cache.getLayer(index);
        const step = block.forward(x, {
          training: false,
          ...(layerPast === undefined ? {} : { past: layerPast }),
        });
        x = step.output;
        past.push({ keys: step.keys, values: step.values });
      });
      return { features: this.normalize(x) as tf.Tensor3D, past };
    });
    cache.update(result.past, added);
    return result.features;
  }

  private embed(tokens: tf.Tensor, offset: number): tf.Tensor {
    return this.parts.positionEmbedding.addPositions(
      embedTokens(tokens, this.getTokenEmbeddings()),
      offset,
    );
  }

  private normalize(x: tf.Tensor): tf.Tensor {
    const { gamma, beta } = this.parts.finalNorm.getVariables();
    return layerNormalize(x, gamma, beta, this.parts.finalNorm.epsilon);
  }

  private checkTokens(tokens: tf.Tensor): void {
    if (tokens.rank !== 2) {
      throw new Error(
        `The transformer encoder takes token ids [B, T], got shape ${JSON.stringify(tokens.shape)}.`,
      );
    }
    if (tokens.dtype !== 'int32') {
      throw new Error(
        `The transformer encoder takes int32 token ids, got ${tokens.dtype}. Cast them: ids.cast('int32').`,
      );
    }
    if ((tokens.shape[1] ?? 0) > this.settings.maxLength) {
      throw new RangeError(
        `The transformer encoder takes at most maxLength = ${this.settings.maxLength} tokens, got ${tokens.shape[1]}. ` +
          'Crop the sequences or build the encoder with a larger maxLength.',
      );
    }
    // tf.gather does not check its indices on every backend: an id ≥ V would read garbage.
    const ids = tokens.dataSync();
    for (let index = 0; index < ids.length; index++) {
      const id = ids[index] as number;
      if (id < 0 || id >= this.settings.vocabularySize) {
        throw new RangeError(
          `The transformer encoder got token id ${id}, outside [0, ${this.settings.vocabularySize}). ` +
            'Use the tokenizer the encoder was built for, or a larger vocabularySize.',
        );
      }
    }
  }
}

function resolveSettings(factory: string, options: unknown): TransformerEncoderSettings {
  const parsed = validateEncoderOptions(factory, transformerEncoderOptionsSchema, options);
  return { ...parsed, pooling: parsed.pooling ?? (parsed.causal ? 'last' : 'mean') };
}

/** Pools `[B, T, D]` features into `[B, D]` per the encoder's pooling and padding id. */
function poolFeatures(
  features: tf.Tensor3D,
  tokens: tf.Tensor,
  settings: TransformerEncoderSettings,
): tf.Tensor2D {
  const [batch, length, size] = features.shape;
  const { pooling, paddingId } = settings;
  if (pooling === 'first')
    return features.slice([0, 0, 0], [batch, 1, size]).reshape([batch, size]);
  if (paddingId === undefined) {
    if (pooling === 'mean') return features.mean(1);
    return features.slice([0, length - 1, 0], [batch, 1, size]).reshape([batch, size]);
  }
  if (pooling === 'mean') return meanOverTokens(features, tokens, paddingId);
  const keep = tf.notEqual(tokens, paddingId);
  // 'last': the last non-padding position of each row (position 0 when a row is all padding).
  const last = keep
    .cast('int32')
    .mul(tf.range(0, length, 1, 'int32'))
    .max(1);
  const select = tf.oneHot(last as tf.Tensor1D, length).cast('float32');
  return tf.sum(features.mul(select.expandDims(2)), 1) as tf.Tensor2D;
}

function buildTransformerModel(settings: TransformerEncoderSettings): tf.LayersModel {
  const {
    vocabularySize,
    maxLength,
    embeddingSize,
    layers,
    heads,
    mlpSize,
    causal,
    dropout,
    epsilon,
    seed,
  } = settings;
  const input = tf.input({ shape: [null], dtype: 'int32', name: 'tokens' });
  let x = new TokenEmbedding({
    name: 'token_embedding',
    vocabularySize,
    embeddingSize,
    seed: deriveSeed(seed, 1),
  }).apply(input) as tf.SymbolicTensor;
  x = new PositionEmbedding({
    name: 'position_embedding',
    maxLength,
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
      causal,
      ...(mlpSize === undefined ? {} : { mlpSize }),
      dropout,
      epsilon,
      seed: deriveSeed(seed, 10 + index),
      residualStddev: 0.02 / Math.sqrt(2 * layers),
    }).apply(x) as tf.SymbolicTensor;
  }
  x = new LayerNormalization({ name: 'final_norm', epsilon }).apply(x) as tf.SymbolicTensor;
  return tf.model({ inputs: input, outputs: x, name: 'transformer_encoder' });
}

/**
 * Creates a Transformer encoder (an {@link EncoderV1}) for int32 token ids `[B, T]`
 * (Vaswani et al. 2017; pre-LN blocks as in GPT-2, Radford et al. 2019).
 *
 * Causal encoders are GPT's trunk (pool `'last'`, cached generation with
 * {@link TransformerEncoder.encodeIncremental}, tied head via
 * {@link TransformerEncoder.getTokenEmbeddings}); bidirectional ones are BERT's (pool `'mean'`,
 * or `'first'` with a [CLS] token). Weights: normal(0, 0.02), residual projections
 * normal(0, 0.02/√(2·layers)) (GPT-2). Dropout masks come from seeded streams.
 *
 * @param options see {@link transformerEncoderOptionsSchema}; `vocabularySize` is required
 * @returns the encoder; `getConfig()` and `TransformerEncoder.fromModel` rebuild it
 * @example
 * const gpt = createTransformerEncoder({ vocabularySize: 65, maxLength: 64, causal: true });
 * const features = gpt.doEncodeSequence(ids, { training: true }); // [B, T, 128]
 */
export function createTransformerEncoder(options: TransformerEncoderOptions): TransformerEncoder {
  return TransformerEncoder.create(options);
}
