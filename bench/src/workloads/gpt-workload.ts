import { SeededRandom } from '@selfsup/core';
import * as tf from '@tensorflow/tfjs';
import { gptStepFlops } from '../flops/gpt-step-flops';
import type { GptConfig } from '../workloads/workload-configs';
import type { TrainingStep, Workload } from './workload';
import { clipGradients, createAdamW, createLanguageModel } from './workload-adapters';

/** The configuration of the GPT workload. */
export type GptWorkloadConfig = {
  /** Model shape. */
  readonly model: GptConfig;
  /** Sequences per step. */
  readonly batchSize: number;
  /** AdamW learning rate. */
  readonly learningRate: number;
  /** AdamW weight decay (matrices only). */
  readonly weightDecay: number;
  /** AdamW β₁, β₂. */
  readonly betas: readonly [number, number];
  /** Global-norm gradient clip. */
  readonly clipNorm: number;
};

/**
 * Workload A: nanoGPT's CPU configuration (vocab 65, block 64, batch 12, 4 layers, 4 heads,
 * 128 dims, dropout 0, AdamW lr 1e-3, weight decay 0.1, betas 0.9/0.99, clip 1.0).
 */
export const gptBenchConfig: GptWorkloadConfig = {
  model: { vocabularySize: 65, blockSize: 64, layers: 4, heads: 4, dimensions: 128 },
  batchSize: 12,
  learningRate: 1e-3,
  weightDecay: 0.1,
  betas: [0.9, 0.99],
  clipNorm: 1.0,
};

/**
 * The workload's fixed batch: seeded random tokens and targets, int32 `[batchSize, blockSize]`
 * each (the loss must fall step after step on it).
 *
 * @param random the generator.
 * @param config the workload configuration.
 * @returns the two tensors (the caller disposes them).
 * @example const { tokens, targets } = randomTokenBatch(new SeededRandom(0), gptBenchConfig);
 */
export function randomTokenBatch(
  random: SeededRandom,
  config: GptWorkloadConfig = gptBenchConfig,
): { tokens: tf.Tensor2D; targets: tf.Tensor2D } {
  const { vocabularySize, blockSize } = config.model;
  const randomTokens = (): tf.Tensor2D => {
    const values = new Int32Array(config.batchSize * blockSize);
    for (let i = 0; i < values.length; i++) values[i] = random.nextInt(vocabularySize);
    return tf.tensor2d(values, [config.batchSize, blockSize], 'int32');
  };
  return { tokens: randomTokens(), targets: randomTokens() };
}

/**
 * Builds one live GPT training step on the current backend: model, AdamW and a fixed batch of
 * seeded random tokens (so the loss must fall step after step).
 *
 * @param seed seeds the weights and the tokens.
 * @param config the workload configuration.
 * @default config {@link gptBenchConfig}
 * @returns a {@link TrainingStep}.
 * @example const step = createGptStep(0); step.step(); step.dispose();
 */
export function createGptStep(
  seed: number,
  config: GptWorkloadConfig = gptBenchConfig,
): TrainingStep {
  const random = new SeededRandom(seed);
  const model = createLanguageModel(config.model, random);
  const optimizer = createAdamW({
    learningRate: config.learningRate,
    weightDecay: config.weightDecay,
    beta1: config.betas[0],
    beta2: config.betas[1],
  });
  const { tokens, targets } = randomTokenBatch(random, config);
  const variables = [...model.variables];
  return {
    parameterCount: model.parameterCount,
    step(): number {
      const loss = tf.tidy(() => {
        const { value, grads } = tf.variableGrads(() => model.loss(tokens, targets), variables);
        optimizer.applyGradients(clipGradients(grads, config.clipNorm), variables);
        return value;
      });
      const value = loss.dataSync()[0]!;
      loss.dispose();
      return value;
    },
    dispose(): void {
      model.dispose();
      optimizer.dispose();
      tokens.dispose();
      targets.dispose();
    },
  };
}

/**
 * The GPT step on one thread with twice the recipe's batch (24 sequences, else the recipe): the
 * one-thread row of `gpt-data-parallel-per-worker-batch`, which splits these 24 sequences across 2
 * workers (12 each, the per-worker batch of the recipe), so that row's speed-up compares the same
 * computation. The one-thread `gpt` row against the split `gpt-data-parallel` row is the same
 * comparison at batch 12, 6 sequences per worker.
 */
export const gptDoubleBatchConfig: GptWorkloadConfig = {
  ...gptBenchConfig,
  batchSize: 2 * gptBenchConfig.batchSize,
};

/** Workload A, the GPT training step, as the bench runs it. */
export const gptWorkload: Workload = {
  name: 'gpt',
  kind: 'training',
  description:
    'GPT step, nanoGPT CPU config: vocab 65, block 64, batch 12, 4L/4H/128d, AdamW, clip 1.0',
  unit: 'tokens',
  unitsPerStep: gptBenchConfig.batchSize * gptBenchConfig.model.blockSize,
  flopsPerStep: gptStepFlops(gptBenchConfig.model, gptBenchConfig.batchSize),
  referenceScript: 'gpt_step.py',
  createStep: (seed) => createGptStep(seed),
};

/** The GPT training step with batch 24 on one thread ({@link gptDoubleBatchConfig}). */
export const gptDoubleBatchWorkload: Workload = {
  name: 'gpt-batch-24',
  kind: 'training',
  description: `the gpt step with batch ${gptDoubleBatchConfig.batchSize} on one thread (the batch gpt-data-parallel-per-worker-batch splits across its workers)`,
  unit: 'tokens',
  unitsPerStep: gptDoubleBatchConfig.batchSize * gptDoubleBatchConfig.model.blockSize,
  flopsPerStep: gptStepFlops(gptDoubleBatchConfig.model, gptDoubleBatchConfig.batchSize),
  createStep: (seed) => createGptStep(seed, gptDoubleBatchConfig),
};
