import {
  createTransformerEncoder,
  type EncodeOptionsV1,
  type LossResultV1,
  type ObjectiveV1,
  type StepContextV1,
  type TransformerEncoder,
  transformerEncoderType,
} from '@selfsup/core';
import * as tf from '@tensorflow/tfjs';
import { type GptOptions, type GptSettings, gptDefaults } from './gpt-options';
import { nextTokenCrossEntropy } from './next-token-loss';

/**
 * A batch for GPT: token windows `[B, T + 1]` (inputs are the first T ids, targets the last T),
 * or explicit `inputs` and `targets` `[B, T]` (e.g. `@selfsup/data`'s `tokenWindowSource`);
 * negative targets are ignored (padding after the end of a sequence).
 */
export type GptBatch =
  | tf.Tensor2D
  | { readonly inputs: tf.Tensor2D; readonly targets: tf.Tensor2D };

/** The GPT objective: an {@link ObjectiveV1} with its causal encoder and a tied language-model head. */
export type GptObjective = ObjectiveV1<GptBatch> & {
  /** The causal Transformer trunk; its pooled features (`'last'` position) transfer downstream. */
  readonly encoder: TransformerEncoder;
  /** The options in effect. */
  readonly settings: GptSettings;
  /**
   * Next-token logits with the tied head: `logits = LN(h) · Eᵀ` (E the token embeddings).
   *
   * @param tokens int32 `[B, T]`, `T ≤ blockSize`
   * @param options `training` turns dropout on
   * @returns float32 `[B, T, V]`
   */
  logits(tokens: tf.Tensor2D, options: EncodeOptionsV1): tf.Tensor3D;
  /**
   * Logits of features from the encoder (`doEncodeSequence` or `encodeIncremental`).
   *
   * @param features `[B, T, D]`
   * @returns `[B, T, V]`
   */
  logitsOfFeatures(features: tf.Tensor3D): tf.Tensor3D;
};

/** Names of biases and LayerNorm offsets (`block_0/qkv_bias`, `final_norm/beta`). */
const biasWeight = /(^|[/_])(bias|beta)(_\d+)?$/;

function checkPositiveInteger(name: string, value: number): void {
  if (!Number.isInteger(value) || value < 1) {
    throw new RangeError(`createGpt: ${name} must be a positive integer, got ${value}.`);
  }
}

function resolveEncoder(options: GptOptions): TransformerEncoder {
  if (options.encoder !== undefined) {
    const encoder = options.encoder;
    const shapeOptions = [
      'vocabularySize',
      'blockSize',
      'layers',
      'heads',
      'embeddingSize',
      'dropout',
      'seed',
    ] as const;
    const conflicting = shapeOptions.filter((name) => options[name] !== undefined);
    if (conflicting.length > 0) {
      throw new TypeError(
        `createGpt: give either an encoder or the model options, not both (got encoder and ${conflicting.join(', ')}); the encoder's own settings are used.`,
      );
    }
    if (encoder.type !== transformerEncoderType || !('settings' in encoder)) {
      throw new TypeError(
        `createGpt: encoder must be a Transformer encoder (type '${transformerEncoderType}'), got type '${encoder.type}'. ` +
          'Build one with createTransformerEncoder({ causal: true, ... }).',
      );
    }
    if (!encoder.settings.causal) {
      throw new Error(
        'createGpt: the encoder is bidirectional; GPT needs causal attention. Build it with createTransformerEncoder({ causal: true, ... }).',
      );
    }
    return encoder;
  }
  const { vocabularySize } = options;
  if (vocabularySize === undefined) {
    throw new TypeError(
      'createGpt: give vocabularySize (the tokenizer vocabulary size) or a causal Transformer encoder.',
    );
  }
  checkPositiveInteger('vocabularySize', vocabularySize);
  const blockSize = options.blockSize ?? gptDefaults.blockSize;
  checkPositiveInteger('blockSize', blockSize);
  return createTransformerEncoder({
    vocabularySize,
    maxLength: blockSize,
    embeddingSize: options.embeddingSize ?? gptDefaults.embeddingSize,
    layers: options.layers ?? gptDefaults.layers,
    heads: options.heads ?? gptDefaults.heads,
    dropout: options.dropout ?? gptDefaults.dropout,
    causal: true,
    seed: options.seed ?? gptDefaults.seed,
  });
}

/** Freezes every bias and LayerNorm offset of the model (nanoGPT's `bias=False`). */
function freezeBiases(model: tf.LayersModel): void {
  for (const layer of model.layers) {
    for (const weight of layer.trainableWeights) {
      if (biasWeight.test(weight.originalName) || biasWeight.test(weight.name)) {
        weight.trainable = false;
      }
    }
  }
}

function splitBatch(batch: GptBatch): { inputs: tf.Tensor2D; targets: tf.Tensor2D } {
  if (batch instanceof tf.Tensor) {
    if (batch.rank !== 2 || (batch.shape[1] ?? 0) < 2) {
      throw new Error(
        `GPT takes token windows [B, T + 1] with T ≥ 1, got shape ${JSON.stringify(batch.shape)}; or pass { inputs, targets }.`,
      );
    }
    const [rows, columns] = batch.shape as [number, number];
    return {
      inputs: tf.slice(batch, [0, 0], [rows, columns - 1]),
      targets: tf.slice(batch, [0, 1], [rows, columns - 1]),
    };
  }
  const { inputs, targets } = batch;
  if (
    !(inputs instanceof tf.Tensor) ||
    !(targets instanceof tf.Tensor) ||
    !tf.util.arraysEqual(inputs.shape, targets.shape)
  ) {
    throw new Error(
      `GPT takes inputs and targets of the same shape [B, T], got ${JSON.stringify(inputs?.shape)} and ${JSON.stringify(targets?.shape)}.`,
    );
  }
  return { inputs, targets };
}

/**
 * Creates a GPT objective (Radford, Narasimhan, Salimans & Sutskever 2018, "Improving Language
 * Understanding by Generative Pre-Training"; GPT-2's pre-LN blocks, Radford et al. 2019): a causal
 * Transformer predicts every next token, trained with the mean next-token cross-entropy.
 *
 * The output projection is tied to the input token embeddings (Press & Wolf 2017, as GPT-1/2 and
 * nanoGPT): `logits = LN(h) · Eᵀ`, so the objective has no head of its own (`heads` is empty) and
 * a checkpoint is just the encoder. The metric `accuracy` is top-1 next-token accuracy.
 *
 * Defaults are nanoGPT's CPU character recipe (Karpathy 2022): 4 layers, 4 heads, 128 dims, block
 * 64, dropout 0, no biases (`bias: false` freezes the encoder's zero biases and LayerNorm offsets);
 * weights normal(0, 0.02), residual projections normal(0, 0.02/√(2·layers)) (GPT-2, core's
 * encoder). Train it with `pretrain()` and nanoGPT's optimizer: AdamW lr 1e-3 (β 0.9/0.99, weight
 * decay 0.1 on matrices, which is `pretrain`'s default grouping), 100 warmup steps, cosine to 1e-4,
 * clip 1.0. Generate with `generate`/`streamGenerate`; score with `perplexity`. For downstream
 * tasks (e.g. spam classification) finetune `objective.encoder`: an `EncoderV1` whose pooled
 * feature is the last position's (the only one that sees the whole sequence).
 *
 * @param options the model (or a causal `encoder`) and `bias`; see {@link GptOptions}
 * @returns the objective (method `'gpt'`); `dispose()` frees the encoder
 * @example
 * const gpt = createGpt({ vocabularySize: 83 });
 * await pretrain(gpt, tokenWindowSource(trainIds, { blockSize: 64, batchSize: 12 }), {
 *   steps: 2000, learningRate: 1e-3, minimumLearningRate: 1e-4, warmupSteps: 100,
 *   weightDecay: 0.1, beta2: 0.99, clipNorm: 1,
 * });
 * const { ids } = await generate(gpt, promptIds, { maxTokens: 200, temperature: 0.8, seed: 1 });
 */
export function createGpt(options: GptOptions): GptObjective {
  const encoder = resolveEncoder(options);
  const bias = options.bias ?? gptDefaults.bias;
  if (!bias) freezeBiases(encoder.model);
  const { settings: encoderSettings } = encoder;
  const settings: GptSettings = {
    vocabularySize: encoderSettings.vocabularySize,
    blockSize: encoderSettings.maxLength,
    layers: encoderSettings.layers,
    heads: encoderSettings.heads,
    embeddingSize: encoderSettings.embeddingSize,
    dropout: encoderSettings.dropout,
    bias,
    seed: encoderSettings.seed,
  };
  const { embeddingSize, vocabularySize } = settings;

  const logitsOfFeatures = (features: tf.Tensor3D): tf.Tensor3D =>
    tf.tidy(() => {
      const [batch, length] = features.shape;
      const rows = tf.reshape(features, [batch * length, embeddingSize]) as tf.Tensor2D;
      const logits = tf.matMul(rows, encoder.getTokenEmbeddings(), false, true);
      return tf.reshape(logits, [batch, length, vocabularySize]) as tf.Tensor3D;
    });

  return {
    specificationVersion: 'v1',
    method: 'gpt',
    encoder,
    heads: {},
    settings,
    getConfig: () => ({ method: 'gpt', ...settings }),
    logitsOfFeatures,
    logits(tokens: tf.Tensor2D, encodeOptions: EncodeOptionsV1): tf.Tensor3D {
      return tf.tidy(() => logitsOfFeatures(encoder.doEncodeSequence(tokens, encodeOptions)));
    },
    doLoss(batch: GptBatch, context: StepContextV1): LossResultV1 {
      return tf.tidy(() => {
        const { inputs, targets } = splitBatch(batch);
        if (inputs.dtype !== 'int32' || targets.dtype !== 'int32') {
          throw new Error(
            `GPT takes int32 token ids, got inputs ${inputs.dtype} and targets ${targets.dtype}; cast them with .cast('int32').`,
          );
        }
        const features = encoder.doEncodeSequence(inputs, { training: context.training });
        const [rows, length] = inputs.shape;
        const flatFeatures = tf.reshape(features, [rows * length, embeddingSize]) as tf.Tensor2D;
        const logits = tf.matMul(
          flatFeatures,
          encoder.getTokenEmbeddings(),
          false,
          true,
        ) as tf.Tensor2D;
        const { loss, accuracy } = nextTokenCrossEntropy(
          logits,
          tf.reshape(targets, [-1]) as tf.Tensor1D,
        );
        return { loss, metrics: { accuracy } };
      });
    },
    dispose() {
      encoder.dispose();
    },
  };
}
