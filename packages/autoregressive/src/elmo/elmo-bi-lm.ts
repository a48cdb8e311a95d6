import {
  deriveSeed,
  type EncodeOptionsV1,
  type EncoderConfigV1,
  FusedLstm,
  LayersEncoder,
  orthogonalRecurrentKernel,
  TimeReverse,
  TokenEmbedding,
} from '@selfsup/core';
import * as tf from '@tensorflow/tfjs';
import { type ElmoOptions, type ElmoSettings, resolveElmoOptions } from './elmo-options';
import { reversePaddedSequences, sequenceLengths } from './reverse-padded-sequences';
import { ScalarMix } from './scalar-mix';

/** The `type` of the ELMo encoder in configs and checkpoints. */
export const elmoEncoderType = 'elmo';

/** What {@link ElmoBiLm.encodeLayers} returns: every layer's outputs per direction, in input order. */
export type ElmoLayerOutputs = {
  /** The context-free token embeddings `[B, T, d]` (ELMo's layer 0). */
  readonly embeddings: tf.Tensor3D;
  /** Each forward LSTM layer's output `[B, T, d]`; position t has seen tokens 0..t only. */
  readonly forward: tf.Tensor3D[];
  /** Each backward LSTM layer's output `[B, T, d]`, in input order; position t has seen tokens t..L−1 only. */
  readonly backward: tf.Tensor3D[];
};

const names = {
  embedding: 'token_embedding',
  forward: (index: number) => `forward_lstm_${index + 1}`,
  backward: (index: number) => `backward_lstm_${index + 1}`,
  mix: 'scalar_mix',
  softmax: 'softmax',
};

/**
 * An ELMo-style bidirectional language model (Peters et al. 2018, "Deep contextualized word
 * representations") that is also an {@link EncoderV1} of per-token features.
 *
 * Built by {@link createElmo}. Its `model` holds the token embedding, the `L` forward and `L`
 * backward LSTM layers and the {@link ScalarMix}; `softmaxModel` holds the untied softmax (absent
 * when tied). `doEncodeSequence` gives ELMo's contextual vectors `γ Σ_j s_j h_j` `[B, T, 2d]`,
 * `doEncode` their mean over real (non-padding) positions.
 */
export class ElmoBiLm extends LayersEncoder {
  /** The options in effect (defaults filled in). */
  readonly settings: ElmoSettings;
  /** The untied output softmax `[d] → [V]`, or null when the softmax is tied to the embedding. */
  readonly softmaxModel: tf.LayersModel | null;

  private constructor(
    settings: ElmoSettings,
    model: tf.LayersModel,
    softmaxModel: tf.LayersModel | null,
  ) {
    super({
      type: elmoEncoderType,
      config: { type: elmoEncoderType, ...settings },
      inputSpec: { modality: 'tokens', shape: [null], dtype: 'int32' },
      outputSize: 2 * settings.size,
      featureSize: 2 * settings.size,
      model,
    });
    this.settings = settings;
    this.softmaxModel = softmaxModel;
  }

  /** Builds a fresh, seeded biLM. Prefer {@link createElmo}. */
  static create(options: ElmoOptions): ElmoBiLm {
    const settings = resolveElmoOptions('createElmo', options);
    const model = buildElmoModel(settings);
    const softmaxModel = settings.softmax === 'untied' ? buildSoftmaxModel(settings) : null;
    return new ElmoBiLm(settings, model, softmaxModel);
  }

  /**
   * Rebuilds a biLM around models loaded with `tf.loadLayersModel` (call `registerElmoLayers()`
   * first) and the config from {@link ElmoBiLm.getConfig}.
   *
   * @param model the loaded encoder model.
   * @param config the saved config (`type: 'elmo'`).
   * @param softmaxModel the loaded softmax head (the objective's `heads.softmax`), when untied.
   * @returns the biLM, sharing the models' weights.
   * @example const elmo = ElmoBiLm.fromModel(await tf.loadLayersModel(handler), config);
   */
  static fromModel(
    model: tf.LayersModel,
    config: EncoderConfigV1,
    softmaxModel: tf.LayersModel | null = null,
  ): ElmoBiLm {
    const { type, ...options } = config;
    if (type !== elmoEncoderType) {
      throw new Error(
        `ElmoBiLm.fromModel: config.type is '${type}', expected '${elmoEncoderType}'.`,
      );
    }
    const settings = resolveElmoOptions('ElmoBiLm.fromModel', options as unknown as ElmoOptions);
    const present = new Set(model.layers.map((layer) => layer.name));
    const expected = [names.embedding, names.mix];
    for (let index = 0; index < settings.layers; index++) {
      expected.push(names.forward(index), names.backward(index));
    }
    const missing = expected.filter((name) => !present.has(name));
    if (missing.length > 0) {
      throw new Error(
        `ElmoBiLm.fromModel: the model lacks layers ${missing.join(', ')}; pass the model and config saved together.`,
      );
    }
    if ((settings.softmax === 'untied') !== (softmaxModel !== null)) {
      throw new Error(
        `ElmoBiLm.fromModel: the config's softmax is '${settings.softmax}' but ${softmaxModel === null ? 'no' : 'a'} softmax model was passed; pass heads.softmax exactly when the softmax is untied.`,
      );
    }
    return new ElmoBiLm(settings, model, softmaxModel);
  }

  /** The token embedding layer (layer 0, the static baseline's table). */
  get tokenEmbedding(): TokenEmbedding {
    return this.model.getLayer(names.embedding) as TokenEmbedding;
  }

  /** The scalar mix layer (its weights `s` and `γ` are learned downstream). */
  get scalarMix(): ScalarMix {
    return this.model.getLayer(names.mix) as ScalarMix;
  }

  /**
   * Freezes (`false`) or unfreezes the biLM (embedding and LSTMs), leaving the scalar mix
   * trainable: the paper's downstream recipe trains `s` and `γ` with the task while the biLM stays
   * fixed (`finetune(elmo, data, { mode: 'full' })` after `setBiLmTrainable(false)`).
   *
   * @param trainable whether the embedding and the LSTM layers get gradients.
   * @example elmo.setBiLmTrainable(false); // only the mixing weights and γ train
   */
  setBiLmTrainable(trainable: boolean): void {
    for (const layer of this.model.layers) {
      if (layer.name !== names.mix && layer.weights.length > 0) layer.trainable = trainable;
    }
  }

  /**
   * Every layer's outputs per direction. The backward stack reads each row reversed within its
   * real length (padding stays out of it). Differentiable.
   *
   * @param tokens token ids `[B, T]` int32 (right-padded when `paddingId` is set).
   * @param options `training` (kept for symmetry; the layers have no dropout).
   * @returns the embeddings and each layer's forward and backward outputs; the caller disposes them.
   * @example const { forward, backward } = elmo.encodeLayers(tokens, { training: false });
   */
  encodeLayers(tokens: tf.Tensor, options: EncodeOptionsV1): ElmoLayerOutputs {
    this.validateTokens(tokens);
    return tf.tidy(() => {
      const kwargs = { training: options.training };
      const apply = (name: string, x: tf.Tensor) =>
        this.model.getLayer(name).apply(x, kwargs) as tf.Tensor3D;
      const embeddings = apply(names.embedding, tokens);
      const { paddingId, layers, residual } = this.settings;
      const lengths = paddingId === null ? null : sequenceLengths(tokens as tf.Tensor2D, paddingId);
      const reverse = (x: tf.Tensor3D): tf.Tensor3D =>
        lengths === null ? tf.reverse(x, 1) : reversePaddedSequences(x, lengths);
      const stack = (input: tf.Tensor3D, name: (index: number) => string): tf.Tensor3D[] => {
        const outputs: tf.Tensor3D[] = [];
        let x = input;
        for (let index = 0; index < layers; index++) {
          const output = apply(name(index), x);
          x = residual && index > 0 ? tf.add(output, x) : output;
          outputs.push(x);
        }
        return outputs;
      };
      const forward = stack(embeddings, names.forward);
      const backward = stack(reverse(embeddings), names.backward).map(reverse);
      return { embeddings, forward, backward };
    });
  }

  /**
   * The layers ELMo mixes, `[B, T, 2d]` each: `[x, x]` for the token layer (duplicated to the
   * biLSTM width as in the paper), then `[forward_j, backward_j]` for each LSTM layer j.
   *
   * @param tokens token ids `[B, T]` int32.
   * @param options `training`.
   * @returns `L + 1` tensors; the caller disposes them.
   * @example const [token, first, second] = elmo.representationLayers(tokens, { training: false });
   */
  representationLayers(tokens: tf.Tensor, options: EncodeOptionsV1): tf.Tensor3D[] {
    return tf.tidy(() => {
      const { embeddings, forward, backward } = this.encodeLayers(tokens, options);
      return [
        tf.concat([embeddings, embeddings], -1),
        ...forward.map((layer, index) => tf.concat([layer, backward[index]!], -1)),
      ] as tf.Tensor3D[];
    });
  }

  /** ELMo's contextual vectors `γ Σ_j s_j h_j` `[B, T, 2d]` (the scalar mix of {@link ElmoBiLm.representationLayers}). */
  doEncodeSequence(input: tf.Tensor, options: EncodeOptionsV1): tf.Tensor3D {
    return tf.tidy(
      () =>
        this.scalarMix.apply(this.representationLayers(input, options), {
          training: options.training,
        }) as tf.Tensor3D,
    );
  }

  /** The mean of {@link ElmoBiLm.doEncodeSequence} over real (non-padding) positions `[B, 2d]`. */
  override doEncode(input: tf.Tensor, options: EncodeOptionsV1): tf.Tensor2D {
    return tf.tidy(() =>
      maskedMean(this.doEncodeSequence(input, options), input, this.settings.paddingId),
    );
  }

  /**
   * The shared softmax's logits for states `[N, d]` of either direction: `h · Eᵀ` when tied, the
   * untied dense layer otherwise.
   *
   * @param states top-layer states `[N, d]` (2-D: the gradient of a broadcasting 3-D product throws).
   * @returns logits `[N, V]`.
   * @example const logits = elmo.softmaxLogits(tf.zeros([4, 64]) as tf.Tensor2D);
   */
  softmaxLogits(states: tf.Tensor2D): tf.Tensor2D {
    return tf.tidy(() =>
      this.softmaxModel === null
        ? tf.matMul(states, this.tokenEmbedding.getEmbeddings(), false, true)
        : (this.softmaxModel.apply(states) as tf.Tensor2D),
    );
  }

  /** Frees the weights of the encoder and of the untied softmax. */
  override dispose(): void {
    this.softmaxModel?.dispose();
    super.dispose();
  }

  private validateTokens(tokens: tf.Tensor): void {
    if (tokens.rank !== 2 || tokens.dtype !== 'int32') {
      throw new Error(
        `The 'elmo' encoder takes int32 token ids [B, T], got ${tokens.dtype} of shape ${JSON.stringify(tokens.shape)}; tokenize the text and cast ids with .cast('int32').`,
      );
    }
    if ((tokens.shape[1] ?? 0) < 1)
      throw new Error('The elmo encoder got empty sequences (T = 0).');
  }
}

/**
 * The mean of `features` `[B, T, D]` over the positions whose token is not `paddingId` (all
 * positions when it is null); rows without a real token give zeros.
 *
 * @param features `[B, T, D]`.
 * @param tokens the token ids `[B, T]` the features come from.
 * @param paddingId the padding id, or null.
 * @returns `[B, D]`.
 * @example const pooled = maskedMean(features, tokens, 0);
 */
export function maskedMean(
  features: tf.Tensor3D,
  tokens: tf.Tensor,
  paddingId: number | null,
): tf.Tensor2D {
  return tf.tidy(() => {
    if (paddingId === null) return tf.mean(features, 1) as tf.Tensor2D;
    const mask = tf.expandDims(tf.cast(tf.notEqual(tokens, paddingId), 'float32'), 2);
    const count = tf.maximum(tf.sum(mask, 1), 1);
    return tf.div(tf.sum(tf.mul(features, mask), 1), count) as tf.Tensor2D;
  });
}

function buildElmoModel(settings: ElmoSettings): tf.LayersModel {
  const { size, layers, residual, seed } = settings;
  const input = tf.input({ shape: [null], dtype: 'int32', name: 'tokens' });
  const embedding = new TokenEmbedding({
    vocabularySize: settings.vocabularySize,
    embeddingSize: size,
    // Tied to the softmax, the table is also an output layer: GPT-2's 0.02 scale suits both.
    seed: deriveSeed(seed, 0),
    name: names.embedding,
  });
  const embedded = embedding.apply(input) as tf.SymbolicTensor;
  const lstms: FusedLstm[] = [];
  const stack = (
    x: tf.SymbolicTensor,
    name: (index: number) => string,
    direction: number,
  ): tf.SymbolicTensor[] => {
    const outputs: tf.SymbolicTensor[] = [];
    let current = x;
    for (let index = 0; index < layers; index++) {
      const lstm = new FusedLstm({
        units: size,
        seed: deriveSeed(seed, 1 + direction, index),
        name: name(index),
      });
      lstms.push(lstm);
      const output = lstm.apply(current) as tf.SymbolicTensor;
      current =
        residual && index > 0
          ? (tf.layers
              .add({ name: `${name(index)}_residual` })
              .apply([output, current]) as tf.SymbolicTensor)
          : output;
      outputs.push(current);
    }
    return outputs;
  };
  const forward = stack(embedded, names.forward, 0);
  const reversed = new TimeReverse({ name: 'reverse_input' }).apply(embedded) as tf.SymbolicTensor;
  const backward = stack(reversed, names.backward, 1).map(
    (output, index) =>
      new TimeReverse({ name: `reverse_output_${index + 1}` }).apply(output) as tf.SymbolicTensor,
  );
  const representations = [
    tf.layers.concatenate({ axis: -1, name: 'token_layer' }).apply([embedded, embedded]),
    ...forward.map((output, index) =>
      tf.layers
        .concatenate({ axis: -1, name: `bilstm_layer_${index + 1}` })
        .apply([output, backward[index]!]),
    ),
  ] as tf.SymbolicTensor[];
  const features = new ScalarMix({ layerCount: layers + 1, name: names.mix }).apply(
    representations,
  ) as tf.SymbolicTensor;
  const pooled = tf.layers
    .globalAveragePooling1d({ name: 'representation' })
    .apply(features) as tf.SymbolicTensor;
  const model = tf.model({ inputs: input, outputs: [pooled, features], name: 'elmo_bilm' });
  // Orthogonal recurrent kernels (Keras' default), seeded, without tfjs' slow QR initializer.
  lstms.forEach((lstm, index) => {
    const [kernel, , bias] = lstm.getWeights();
    if (kernel === undefined || bias === undefined) {
      throw new Error(
        `createElmo: LSTM layer ${lstm.name} has no [kernel, recurrentKernel, bias].`,
      );
    }
    const orthogonal = orthogonalRecurrentKernel(size, 4, deriveSeed(seed, 1000 + index));
    lstm.setWeights([kernel, orthogonal, bias]);
    orthogonal.dispose();
  });
  return model;
}

function buildSoftmaxModel(settings: ElmoSettings): tf.LayersModel {
  return tf.sequential({
    name: 'elmo_softmax',
    layers: [
      tf.layers.dense({
        inputShape: [settings.size],
        units: settings.vocabularySize,
        kernelInitializer: tf.initializers.glorotUniform({ seed: deriveSeed(settings.seed, 3) }),
        name: names.softmax,
      }),
    ],
  });
}

/**
 * Creates an ELMo-style biLM (Peters et al. 2018, "Deep contextualized word representations"):
 * a context-free token embedding, `L` forward and `L` backward LSTM layers (separate stacks that
 * meet only at the output, so each stays a language model), and a softmax shared by both
 * directions, tied to the embedding (default) or untied. It is an {@link EncoderV1}
 * (`type: 'elmo'`) whose per-token features are ELMo's scalar mix.
 *
 * Paper defaults and ours: L = 2 (same), residual connection between the LSTM layers (same),
 * d = 512 projected from 4,096 cells with a character-CNN input (ours: d = 64, word-piece
 * embeddings, no projection, so it trains in minutes on wasm), dropout (none here). The LSTMs are
 * core's {@link FusedLstm} (hand-written backpropagation through time, fast on wasm) with seeded
 * orthogonal recurrent kernels. Train it with {@link createElmoObjective}.
 *
 * @param options see {@link ElmoOptions}; `vocabularySize` is required.
 * @returns the biLM; `getConfig()` and `ElmoBiLm.fromModel` rebuild it.
 * @example
 * const elmo = createElmo({ vocabularySize: tokenizer.vocabularySize, paddingId: 0 });
 * const vectors = elmo.doEncodeSequence(tokens, { training: false }); // [B, T, 128]
 */
export function createElmo(options: ElmoOptions): ElmoBiLm {
  return ElmoBiLm.create(options);
}
