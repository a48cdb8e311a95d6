import { createSimclr } from '@selfsup/contrastive';
import {
  cloneEncoder,
  createConvNetEncoder,
  createPretrainedRunner,
  createScratchRunner,
  deriveSeed,
  type EncoderV1,
  type LabelEfficiencyProgress,
  type LabelEfficiencyResult,
  labelEfficiency,
  type PretrainProgressEvent,
  pretrain,
} from '@selfsup/core';
import { type ImageDataset, imageBatchSource, imagesToTensor } from '@selfsup/data/browser';

/** The demo's small ConvNet (channels 8, 16; 32-d output), the same for pretrained and scratch. */
export function createDemoConvNet(seed: number): EncoderV1 {
  return createConvNetEncoder({ channels: [8, 16], outputSize: 32, seed });
}

/**
 * Pretrains the demo ConvNet with SimCLR (Chen et al. 2020) on unlabeled digits and returns a
 * copy of the encoder (the projection head is thrown away, as in the paper).
 *
 * @param train Unlabeled digits (labels never read).
 * @param steps Optimizer steps (batch 32, AdamW, lr 3e-3, cosine).
 * @param onStep Called after every step.
 * @returns The pretrained encoder; the caller disposes it.
 * @example
 * const encoder = await pretrainDemoEncoder(train, 60);
 */
export async function pretrainDemoEncoder(
  train: ImageDataset,
  steps: number,
  onStep?: (event: PretrainProgressEvent) => void | Promise<void>,
): Promise<EncoderV1> {
  const objective = createSimclr({ encoder: createDemoConvNet(deriveSeed(0, 1)), seed: 2 });
  try {
    await pretrain(objective, imageBatchSource(train, { batchSize: 32 }), {
      steps,
      learningRate: 3e-3,
      prefetch: 1,
      ...(onStep === undefined ? {} : { onProgress: onStep }),
    });
    return cloneEncoder(objective.encoder);
  } finally {
    objective.dispose();
  }
}

/** Options of {@link compareLabelEfficiency}. */
export type CompareLabelEfficiencyOptions = {
  /** The pretrained encoder (copied for every run, never changed). */
  readonly pretrained: EncoderV1;
  /** The labeled pool budgets are drawn from. */
  readonly train: ImageDataset;
  /** The test digits every run is scored on. */
  readonly test: ImageDataset;
  /** Label budgets. */
  readonly budgets: readonly number[];
  /** Called after each run. */
  readonly onProgress?: (progress: LabelEfficiencyProgress) => void;
};

/**
 * Core's `labelEfficiency` protocol in the browser: for each label budget and 3 seeds, a
 * stratified labeled subset trains (a) a linear probe and a full finetune of the pretrained encoder and (b) the
 * same ConvNet from scratch (mode 'full'); both are scored on all test digits. The recipe is
 * small for a browser tab: 15 epochs of batch 16, at least 40 steps, early stopping patience 3.
 *
 * @param options The encoder, data, budgets and progress callback.
 * @returns Every run and the mean ± std summary (`labelEfficiencyChart` takes the summary).
 * @example
 * const { summary } = await compareLabelEfficiency({ pretrained, train, test, budgets: [10, 50] });
 */
export async function compareLabelEfficiency(
  options: CompareLabelEfficiencyOptions,
): Promise<LabelEfficiencyResult> {
  const { pretrained, train, test, budgets, onProgress } = options;
  const trainInputs = imagesToTensor(train);
  const testInputs = imagesToTensor(test);
  try {
    return await labelEfficiency({
      train: { inputs: trainInputs, labels: Int32Array.from(train.labels) },
      test: { inputs: testInputs, labels: Int32Array.from(test.labels) },
      runners: [
        createPretrainedRunner(() => cloneEncoder(pretrained), {
          name: 'SimCLR pretrained',
          modes: ['linear-probe', 'full'],
        }),
        createScratchRunner((seed) => createDemoConvNet(seed), {
          name: 'scratch',
          overrides: { learningRate: 3e-3 },
        }),
      ],
      budgets: [...budgets],
      seeds: [0, 1, 2],
      numClasses: 10,
      recipe: { epochs: 15, batchSize: 16, earlyStopping: { patience: 3 } },
      minimumSteps: 40,
      ...(onProgress === undefined ? {} : { onProgress }),
    });
  } finally {
    trainInputs.dispose();
    testInputs.dispose();
  }
}
