import * as tf from '@tensorflow/tfjs';
import { z } from 'zod';
import { FusedLstm } from '../layers/fused-lstm';
import { LastStatePooling } from '../layers/last-state-pooling';
import { orthogonalRecurrentKernel } from '../layers/orthogonal-recurrent-kernel';
import { TimeReverse } from '../layers/time-reverse';
import { deriveSeed } from '../random/seeded-random';
import type { EncodeOptionsV1, EncoderConfigV1 } from '../spec/encoder-v1';
import { LayersEncoder } from './layers-encoder';
import { validateEncoderOptions } from './validate-encoder-options';

const positiveInteger = z.number().int().positive();

/** Options of {@link createLstmEncoder}. */
export const lstmEncoderOptionsSchema = z.strictObject({
  /** Number of token ids (ids are in `[0, vocabularySize)`). Required. */
  vocabularySize: positiveInteger,
  /** Size of the token embedding. @default 64 */
  embeddingSize: positiveInteger.default(64),
  /** Units of each LSTM (per direction). @default 64 */
  hiddenSize: positiveInteger.default(64),
  /** Number of stacked LSTM layers (per direction). @default 1 */
  layers: positiveInteger.default(1),
  /**
   * Add a backward stack (ELMo-style: the two directions are separate stacks that meet only at
   * the output, so each stays a valid language model). Features are `[forward, backward]`.
   * @default false
   */
  bidirectional: z.boolean().default(false),
  /**
   * Pooled representation: `mean` over all positions, or `last` state (forward at `T − 1`,
   * backward at 0). Padding positions are not masked: pool over whole sequences or trim them.
   * @default 'mean'
   */
  pooling: z.enum(['mean', 'last']).default('mean'),
  /** Seed of the weight initializers. @default 0 */
  seed: z.number().int().min(0).default(0),
});

/** What {@link createLstmEncoder} accepts (`vocabularySize` required, the rest optional). */
export type LstmEncoderOptions = z.input<typeof lstmEncoderOptionsSchema>;
/** {@link LstmEncoderOptions} with the defaults filled in. */
export type LstmEncoderSettings = z.output<typeof lstmEncoderOptionsSchema>;

/** The `type` of the LSTM encoder in configs and checkpoints. */
export const lstmEncoderType = 'lstm';

/** What {@link LstmEncoder.encodeLayers} returns: every layer's per-direction outputs, in input order. */
export type LstmLayerOutputs = {
  /** The token embeddings `[B, T, embeddingSize]` (ELMo's layer 0). */
  readonly embeddings: tf.Tensor3D;
  /** Output of each forward LSTM layer `[B, T, hiddenSize]`; position t has seen tokens 0..t. */
  readonly forward: tf.Tensor3D[];
  /**
   * Output of each backward LSTM layer `[B, T, hiddenSize]` (empty when unidirectional), in
   * input order; position t has seen tokens t..T−1.
   */
  readonly backward: tf.Tensor3D[];
};

/**
 * An LSTM / BiLSTM token encoder: embedding, stacked LSTMs, per-position features and a pooled
 * representation; {@link LstmEncoder.encodeLayers} gives each layer's outputs per direction (ELMo).
 *
 * Built by {@link createLstmEncoder}; rebuilt around a loaded model by {@link LstmEncoder.fromModel}.
 */
export class LstmEncoder extends LayersEncoder {
  /** The options in effect (defaults filled in). */
  readonly settings: LstmEncoderSettings;

  private constructor(settings: LstmEncoderSettings, model: tf.LayersModel) {
    const featureSize = settings.hiddenSize * (settings.bidirectional ? 2 : 1);
    super({
      type: lstmEncoderType,
      config: { type: lstmEncoderType, ...settings },
      inputSpec: { modality: 'tokens', shape: [null], dtype: 'int32' },
      outputSize: featureSize,
      featureSize,
      model,
    });
    this.settings = settings;
  }

  /** Builds a fresh, seeded encoder from options. Prefer {@link createLstmEncoder}. */
  static create(options: LstmEncoderOptions): LstmEncoder {
    const settings = validateEncoderOptions('createLstmEncoder', lstmEncoderOptionsSchema, options);
    return new LstmEncoder(settings, buildLstmModel(settings));
  }

  /**
   * Rebuilds an encoder around a model loaded with `tf.loadLayersModel` (call
   * `registerVisionLayers()` first) and the config from {@link LstmEncoder.getConfig}.
   *
   * @param model the loaded model.
   * @param config the saved encoder config (`type: 'lstm'`).
   * @returns the encoder, sharing `model`'s weights.
   * @example const encoder = LstmEncoder.fromModel(await tf.loadLayersModel(handler), config);
   */
  static fromModel(model: tf.LayersModel, config: EncoderConfigV1): LstmEncoder {
    const { type, ...options } = config;
    if (type !== lstmEncoderType) {
      throw new Error(
        `LstmEncoder.fromModel: config.type is '${type}', expected '${lstmEncoderType}'.`,
      );
    }
    const settings = validateEncoderOptions(
      'LstmEncoder.fromModel',
      lstmEncoderOptionsSchema,
      options,
    );
    const names = new Set(model.layers.map((layer) => layer.name));
    const expected = layerNames(settings);
    const missing = [expected.embedding, ...expected.forward, ...expected.backward].filter(
      (name) => !names.has(name),
    );
    if (missing.length > 0 || model.outputs.length !== 2) {
      throw new Error(
        `LstmEncoder.fromModel: the model does not match the config (missing layers: ${missing.join(', ') || 'none'}, ${model.outputs.length} outputs instead of 2); pass the model and config saved together.`,
      );
    }
    return new LstmEncoder(settings, model);
  }

  /** Pooled representation `[B, outputSize]` (see the `pooling` option). */
  override doEncode(input: tf.Tensor, options: EncodeOptionsV1): tf.Tensor2D {
    const [pooled, features] = this.run(input, options);
    features.dispose();
    return pooled as tf.Tensor2D;
  }

  /** Per-position features `[B, T, featureSize]`: the last layer, `[forward, backward]` when bidirectional. */
  doEncodeSequence(input: tf.Tensor, options: EncodeOptionsV1): tf.Tensor3D {
    const [pooled, features] = this.run(input, options);
    pooled.dispose();
    return features as tf.Tensor3D;
  }

  /**
   * Every layer's outputs per direction, for ELMo (Peters et al. 2018, "Deep contextualized word
   * representations"): the forward language model predicts token t + 1 from `forward.at(-1)[t]`,
   * the backward one predicts token t − 1 from `backward.at(-1)[t]`; ELMo's representation is a
   * learned mix of `[embeddings, concat(forward[i], backward[i])...]`. Differentiable.
   *
   * @param tokens token ids `[B, T]` int32.
   * @param options `training` (no dropout inside; kept for symmetry with `doEncode`).
   * @returns embeddings and per-layer outputs; the caller disposes them.
   * @example const { forward, backward } = encoder.encodeLayers(tokens, { training: true });
   */
  encodeLayers(tokens: tf.Tensor, options: EncodeOptionsV1): LstmLayerOutputs {
    this.validateTokens(tokens);
    return tf.tidy(() => {
      const names = layerNames(this.settings);
      const kwargs = { training: options.training };
      const apply = (name: string, x: tf.Tensor) =>
        this.model.getLayer(name).apply(x, kwargs) as tf.Tensor3D;
      const embeddings = apply(names.embedding, tokens);
      const forward: tf.Tensor3D[] = [];
      let x: tf.Tensor3D = embeddings;
      for (const name of names.forward) {
        x = apply(name, x);
        forward.push(x);
      }
      const backward: tf.Tensor3D[] = [];
      let reversed: tf.Tensor3D = tf.reverse(embeddings, 1);
      for (const name of names.backward) {
        reversed = apply(name, reversed);
        backward.push(tf.reverse(reversed, 1));
      }
      return { embeddings, forward, backward };
    });
  }

  private validateTokens(tokens: tf.Tensor): void {
    if (tokens.rank !== 2 || tokens.dtype !== 'int32') {
      throw new Error(
        `The 'lstm' encoder takes int32 token ids [B, T], got ${tokens.dtype} of shape ${JSON.stringify(tokens.shape)}; tokenize the text and cast ids with .cast('int32').`,
      );
    }
  }

  private run(input: tf.Tensor, options: EncodeOptionsV1): [tf.Tensor, tf.Tensor] {
    this.validateTokens(input);
    const [pooled, features] = this.model.apply(input, {
      training: options.training,
    }) as tf.Tensor[];
    return [pooled!, features!];
  }
}

function layerNames(settings: LstmEncoderSettings) {
  const indices = Array.from({ length: settings.layers }, (_, index) => index + 1);
  return {
    embedding: 'token_embedding',
    forward: indices.map((index) => `forward_lstm_${index}`),
    backward: settings.bidirectional ? indices.map((index) => `backward_lstm_${index}`) : [],
  };
}

function buildLstmModel(settings: LstmEncoderSettings): tf.LayersModel {
  const names = layerNames(settings);
  const input = tf.input({ shape: [null], dtype: 'int32', name: 'tokens' });
  const embedded = tf.layers
    .embedding({
      inputDim: settings.vocabularySize,
      outputDim: settings.embeddingSize,
      embeddingsInitializer: tf.initializers.randomUniform({
        minval: -0.05,
        maxval: 0.05,
        seed: deriveSeed(settings.seed, 0),
      }),
      name: names.embedding,
    })
    .apply(input) as tf.SymbolicTensor;
  const lstms: tf.layers.Layer[] = [];
  const stack = (x: tf.SymbolicTensor, layers: string[], offset: number): tf.SymbolicTensor =>
    layers.reduce((current, name, index) => {
      const lstm = new FusedLstm({
        units: settings.hiddenSize,
        seed: deriveSeed(settings.seed, offset + index),
        name,
      });
      lstms.push(lstm);
      return lstm.apply(current) as tf.SymbolicTensor;
    }, x);
  const forward = stack(embedded, names.forward, 1);
  let features = forward;
  if (settings.bidirectional) {
    const reversed = new TimeReverse({ name: 'reverse_input' }).apply(
      embedded,
    ) as tf.SymbolicTensor;
    const backward = new TimeReverse({ name: 'reverse_output' }).apply(
      stack(reversed, names.backward, 1 + settings.layers),
    ) as tf.SymbolicTensor;
    features = tf.layers
      .concatenate({ axis: -1, name: 'features' })
      .apply([forward, backward]) as tf.SymbolicTensor;
  }
  const pooled = (
    settings.pooling === 'mean'
      ? tf.layers.globalAveragePooling1d({ name: 'representation' })
      : new LastStatePooling({
          backwardSize: settings.bidirectional ? settings.hiddenSize : 0,
          name: 'representation',
        })
  ).apply(features) as tf.SymbolicTensor;
  const model = tf.model({ inputs: input, outputs: [pooled, features], name: 'lstm_encoder' });
  // Orthogonal recurrent kernels (Keras' default), seeded, without tfjs' slow QR initializer.
  lstms.forEach((lstm, index) => {
    const [kernel, recurrentKernel, bias] = lstm.getWeights();
    if (kernel === undefined || recurrentKernel === undefined || bias === undefined) {
      throw new Error(
        `createLstmEncoder: LSTM layer ${lstm.name} has no [kernel, recurrentKernel, bias] weights.`,
      );
    }
    const orthogonal = orthogonalRecurrentKernel(
      settings.hiddenSize,
      4,
      deriveSeed(settings.seed, 1000 + index),
    );
    lstm.setWeights([kernel, orthogonal, bias]);
    orthogonal.dispose();
  });
  return model;
}

/**
 * Creates an LSTM / BiLSTM token encoder (an {@link EncoderV1}): Hochreiter & Schmidhuber 1997,
 * "Long Short-Term Memory"; the bidirectional variant follows ELMo (Peters et al. 2018), with
 * separate forward and backward stacks.
 *
 * Token ids `[B, T]` → embedding → `layers` {@link FusedLstm}s per direction (input projection of
 * all positions in one 2-D matMul, hand-written backpropagation through time, orthogonal recurrent
 * kernel, forget-gate bias 1; ~1.8× faster than tf.layers.lstm on wasm). Per-position features
 * `[B, T, featureSize]` (`doEncodeSequence`) are the last layer's outputs, `[forward, backward]`
 * when bidirectional (featureSize = 2·hiddenSize). The pooled output (`doEncode`) is their `mean`
 * over positions (default) or the `last` states. {@link LstmEncoder.encodeLayers} exposes every
 * layer per direction for ELMo's two language models.
 *
 * @param options see {@link lstmEncoderOptionsSchema}; `vocabularySize` is required.
 * @returns the encoder; `getConfig()` rebuilds it, `LstmEncoder.fromModel` reloads it.
 * @example
 * const encoder = createLstmEncoder({ vocabularySize: 65, layers: 2, bidirectional: true });
 * const features = encoder.doEncodeSequence(tokens, { training: true }); // [B, T, 128]
 */
export function createLstmEncoder(options: LstmEncoderOptions): LstmEncoder {
  return LstmEncoder.create(options);
}
