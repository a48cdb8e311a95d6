import { SeededRandom } from '@selfsup/core';
import { bertSequenceSource, createBert, createBertEncoder } from '@selfsup/masked-prediction';
import type * as tf from '@tensorflow/tfjs';
import { bertStepFlops } from '../flops/bert-step-flops';
import { createObjectiveStep, type ObjectiveStepOptimizer } from './objective-step';
import type { TrainingStep, Workload } from './workload';

/** The configuration of the BERT MLM workload. */
export type BertWorkloadConfig = ObjectiveStepOptimizer & {
  /** Vocabulary V (ids 0–4 are [PAD] [UNK] [CLS] [SEP] [MASK], as the WordPiece tokenizer's). */
  readonly vocabularySize: number;
  /** Tokens per sequence T, [CLS] and [SEP] included. */
  readonly sequenceLength: number;
  /** Sequences per step B. */
  readonly batchSize: number;
  /** Transformer blocks. */
  readonly layers: number;
  /** Model width C. */
  readonly dimensions: number;
  /** Attention heads. */
  readonly heads: number;
  /** Dropout of the encoder. */
  readonly dropout: number;
};

/**
 * The BERT workload (issue 10): BERT-mini-sized MLM, 4 layers × 128 dims, 4 heads, MLP 512,
 * sequence 128, batch 16; vocabulary 6,000 (the BERT full run's WordPiece size), 15% of the 126
 * text tokens predicted (19 per sequence, 80/10/10), dropout 0 (as the GPT workload: the loss on
 * the fixed batch must fall); AdamW lr 1e-3, weight decay 0.01, betas 0.9/0.999, clip 1.0.
 */
export const bertBenchConfig: BertWorkloadConfig = {
  vocabularySize: 6000,
  sequenceLength: 128,
  batchSize: 16,
  layers: 4,
  dimensions: 128,
  heads: 4,
  dropout: 0,
  learningRate: 1e-3,
  weightDecay: 0.01,
  betas: [0.9, 0.999],
  clipNorm: 1,
};

/** The special ids of the bench's token stream (the WordPiece tokenizer's layout). */
const specialTokens = { padding: 0, unknown: 1, classification: 2, separator: 3, mask: 4 };

/**
 * Predicted positions per sequence: BERT selects round(15% of the maskable tokens), at least one
 * (core's `maskTokens`); [CLS] and [SEP] are never selected.
 *
 * @param sequenceLength T, [CLS] and [SEP] included.
 * @returns M.
 * @example bertPredictionsPerSequence(128) // 19
 */
export function bertPredictionsPerSequence(sequenceLength: number): number {
  return Math.max(1, Math.round(0.15 * (sequenceLength - 2)));
}

/**
 * Builds one live BERT MLM step on the current backend: `createBertEncoder` + `createBert` of
 * `@selfsup/masked-prediction`, and one fixed batch drawn by its `bertSequenceSource` from a
 * seeded stream of uniform random non-special ids (4 × the batch's tokens). The masking seed is
 * fixed, so the same positions are predicted every step and the loss falls.
 *
 * @param seed seeds the weights, the token stream and the mask.
 * @param config the workload configuration.
 * @default config {@link bertBenchConfig}
 * @returns a {@link TrainingStep}.
 * @example const step = createBertStep(0); step.step(); step.dispose();
 */
export function createBertStep(
  seed: number,
  config: BertWorkloadConfig = bertBenchConfig,
): TrainingStep {
  const random = new SeededRandom(seed);
  const ids = new Int32Array(4 * config.batchSize * config.sequenceLength);
  for (let i = 0; i < ids.length; i++) ids[i] = 5 + random.nextInt(config.vocabularySize - 5);
  const source = bertSequenceSource(ids, {
    sequenceLength: config.sequenceLength,
    batchSize: config.batchSize,
    specialTokens,
  });
  const batches = source.batches({ position: 0, seed }) as Iterator<tf.Tensor2D>;
  const first = batches.next();
  if (first.done === true) throw new Error('bertSequenceSource yielded no batch.');
  const batch = first.value;
  const encoder = createBertEncoder({
    vocabularySize: config.vocabularySize,
    paddingId: specialTokens.padding,
    maxLength: config.sequenceLength,
    embeddingSize: config.dimensions,
    layers: config.layers,
    heads: config.heads,
    dropout: config.dropout,
    seed,
  });
  const bert = createBert({ encoder, specialTokens, seed: seed + 1 });
  return createObjectiveStep(bert, batch, config, seed);
}

/** The BERT MLM training step, as the bench runs it. */
export const bertWorkload: Workload = {
  name: 'bert',
  kind: 'training',
  description:
    'BERT-mini MLM step: 4L/4H/128d, sequence 128, batch 16, vocab 6,000, 15% masked, AdamW, clip 1.0',
  unit: 'tokens',
  unitsPerStep: bertBenchConfig.batchSize * bertBenchConfig.sequenceLength,
  flopsPerStep: bertStepFlops({
    ...bertBenchConfig,
    predictionsPerSequence: bertPredictionsPerSequence(bertBenchConfig.sequenceLength),
  }),
  createStep: (seed) => createBertStep(seed),
};
