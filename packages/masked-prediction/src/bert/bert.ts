import {
  type LossResultV1,
  maskTokens,
  type ObjectiveV1,
  type SpecialTokenIdsV1,
  type StepContextV1,
  type TokenMaskingOptions,
  type TransformerEncoder,
} from '@selfsup/core';
import * as tf from '@tensorflow/tfjs';
import { createMaskedLanguageModelHead } from './masked-language-model-head';
import { maskedLanguageModelLoss } from './masked-language-model-loss';
import {
  type BertMaskedLanguageModel,
  maskedTokenLogits,
  selectedPositions,
} from './masked-token-logits';

/** The method name BERT's objective records in checkpoints. */
export const bertMethod = 'bert-mlm';

/** The name of the MLM head in {@link BertObjective.heads} and in checkpoints. */
export const bertHeadName = 'maskedLanguageModel';

/** Options of {@link createBert}. */
export type BertOptions = {
  /** A bidirectional Transformer encoder (see `createBertEncoder`); its pooled output transfers. */
  readonly encoder: TransformerEncoder;
  /**
   * The tokenizer's special tokens (`tokenizer.specialTokens`): `mask` is required; every special
   * id (padding, [CLS], [SEP], [UNK], [MASK], end of text) is never selected nor drawn as a random
   * replacement.
   */
  readonly specialTokens: SpecialTokenIdsV1;
  /** Fraction of the maskable tokens of each sequence that are predicted. @default 0.15 (BERT) */
  readonly selectProbability?: number;
  /** Of the selected tokens, the fraction replaced by [MASK]. @default 0.8 (BERT) */
  readonly maskTokenProbability?: number;
  /** Of the selected tokens, the fraction replaced by a random token (the rest stay unchanged). @default 0.1 (BERT) */
  readonly randomTokenProbability?: number;
  /** At most this many predictions per sequence (BERT's `max_predictions_per_seq`). @default no limit */
  readonly maxPredictions?: number;
  /** Seed of the head's initialisation. @default 0 */
  readonly seed?: number;
};

/** A batch of token sequences `[B, T]` int32 (starting with [CLS], padded), alone or as `{ inputs }`. */
export type BertBatch = tf.Tensor2D | { readonly inputs: tf.Tensor2D };

/** BERT's objective: an `ObjectiveV1` that is also a masked language model (for `fillMask`). */
export type BertObjective = ObjectiveV1<BertBatch> &
  BertMaskedLanguageModel & {
    /** The token-masking options in effect (for `maskTokens`). */
    readonly maskingOptions: TokenMaskingOptions;
  };

/**
 * BERT's masked language model (Devlin et al. 2019, "BERT: Pre-training of Deep Bidirectional
 * Transformers for Language Understanding"), as an `ObjectiveV1` for `pretrain()`.
 *
 * Each step corrupts the batch with core's `maskTokens` and the step seed: 15% of the maskable
 * tokens of each sequence are selected (exactly round(0.15 · n), at least one), and of those 80%
 * become [MASK], 10% a random non-special token, 10% stay unchanged; special tokens are never
 * selected. The bidirectional encoder reads the corrupted sequence; the features of the selected
 * positions only are gathered and go through the MLM head (dense + GELU + LayerNorm, then the
 * decoder tied to the encoder's token embeddings plus an output bias, as BERT), and the loss is
 * the mean cross-entropy against the original tokens. The metric `accuracy` is the top-1 accuracy
 * on the selected tokens. BERT's next-sentence task is left out (RoBERTa showed it does not help).
 *
 * Defaults are the paper's (15%, 80/10/10; its optimizer was Adam lr 1e-4 with warmup and linear
 * decay, batch 256 × 512 tokens, which is far beyond this machine: small models here train with
 * AdamW lr ~1e-3 and warmup).
 *
 * @param options encoder, special tokens, masking probabilities and head seed; see {@link BertOptions}
 * @returns the objective, with `head` and `maskingOptions`
 * @example
 * const tokenizer = trainWordPieceTokenizer(texts, { vocabularySize: 4000 });
 * const encoder = createBertEncoder({ vocabularySize: 4000, paddingId: tokenizer.specialTokens.padding! });
 * const bert = createBert({ encoder, specialTokens: tokenizer.specialTokens });
 * await pretrain(bert, bertSequenceSource(ids, { sequenceLength: 128, batchSize: 16, specialTokens: tokenizer.specialTokens }), { steps: 1000 });
 */
export function createBert(options: BertOptions): BertObjective {
  const { encoder, specialTokens, seed = 0 } = options;
  const settings = encoder.settings;
  if (settings === undefined || typeof encoder.getTokenEmbeddings !== 'function') {
    throw new Error(
      'createBert needs a Transformer encoder (createBertEncoder or createTransformerEncoder), for its token embeddings.',
    );
  }
  if (settings.causal) {
    throw new Error(
      'createBert needs a bidirectional encoder, got a causal one: build it with createBertEncoder (causal: false).',
    );
  }
  if (specialTokens.mask === undefined) {
    throw new Error(
      'createBert: specialTokens has no mask id. Masked language modelling needs a [MASK] token: use a WordPiece tokenizer from @selfsup/data.',
    );
  }
  const specialIds = Object.values(specialTokens).filter((id): id is number => id !== undefined);
  for (const id of specialIds) {
    if (!(Number.isInteger(id) && id >= 0 && id < settings.vocabularySize)) {
      throw new RangeError(
        `createBert: special token id ${id} is outside the encoder's vocabulary [0, ${settings.vocabularySize}): ` +
          "build the encoder with the tokenizer's vocabularySize.",
      );
    }
  }
  const maskingOptions: TokenMaskingOptions = {
    vocabularySize: settings.vocabularySize,
    maskId: specialTokens.mask,
    protectedIds: [...new Set(specialIds)],
    selectProbability: options.selectProbability ?? 0.15,
    maskTokenProbability: options.maskTokenProbability ?? 0.8,
    randomTokenProbability: options.randomTokenProbability ?? 0.1,
    ...(options.maxPredictions === undefined ? {} : { maxPredictions: options.maxPredictions }),
  };
  const { model: headModel, layer: head } = createMaskedLanguageModelHead({
    embeddingSize: settings.embeddingSize,
    vocabularySize: settings.vocabularySize,
    seed,
  });
  const model: BertMaskedLanguageModel = { encoder, head };
  return {
    specificationVersion: 'v1',
    method: bertMethod,
    encoder,
    head,
    heads: { [bertHeadName]: headModel },
    maskingOptions,
    getConfig: () => ({
      method: bertMethod,
      maskId: maskingOptions.maskId,
      protectedIds: [...(maskingOptions.protectedIds ?? [])],
      selectProbability: maskingOptions.selectProbability ?? 0.15,
      maskTokenProbability: maskingOptions.maskTokenProbability ?? 0.8,
      randomTokenProbability: maskingOptions.randomTokenProbability ?? 0.1,
      maxPredictions: maskingOptions.maxPredictions ?? null,
      seed,
    }),
    doLoss(batch: BertBatch, context: StepContextV1): LossResultV1 {
      const ids = batch instanceof tf.Tensor ? batch : batch.inputs;
      return tf.tidy(() => {
        const { inputs, labels, weights } = maskTokens(ids, context.seed, maskingOptions);
        const positions = selectedPositions(weights);
        if (positions.length === 0) {
          throw new Error(
            'BERT: this batch has no maskable token (only padding and special tokens); check the batch source.',
          );
        }
        const logits = maskedTokenLogits(model, inputs, positions, context.training);
        const targets = tf.gather(labels.reshape([-1]), tf.tensor1d(positions, 'int32'));
        const { loss, accuracy } = maskedLanguageModelLoss(logits, targets as tf.Tensor1D);
        return { loss, metrics: { accuracy } };
      });
    },
    dispose() {
      headModel.dispose();
      encoder.dispose();
    },
  };
}
