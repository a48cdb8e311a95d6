import {
  createConvNetEncoder,
  createPretrainedRunner,
  createScratchRunner,
  type EncoderV1,
  type LabelEfficiencyOptions,
  type LabelEfficiencyProgress,
  type LabeledData,
} from '@selfsup/core';
import { imagesToTensor, loadMnist } from '@selfsup/data';
import * as tf from '@tensorflow/tfjs';

/** The label-efficiency settings of a quick start (a subset of its options). */
export type QuickstartStudySettings = {
  readonly budgets: readonly number[];
  readonly seeds: readonly number[];
  readonly epochs: number;
  readonly poolSize: number;
  readonly testSize: number;
};

/** The quick start's labeled pool (first MNIST training images) and test split (first test images). */
export type QuickstartData = { readonly pool: LabeledData; readonly test: LabeledData };

/**
 * Loads the quick start's pool and test split as tensors (dispose them with {@link disposeQuickstartData}).
 *
 * @param settings pool and test sizes.
 * @returns the pool (first `poolSize` MNIST training images) and test split (first `testSize` test images).
 */
export function loadQuickstartData(settings: QuickstartStudySettings): QuickstartData {
  const train = loadMnist('train');
  const test = loadMnist('test');
  const first = (count: number) => Array.from({ length: count }, (_, index) => index);
  return {
    pool: {
      inputs: imagesToTensor(train, first(settings.poolSize)),
      labels: Int32Array.from(train.labels.subarray(0, settings.poolSize)),
    },
    test: {
      inputs: imagesToTensor(test, first(settings.testSize)),
      labels: Int32Array.from(test.labels.subarray(0, settings.testSize)),
    },
  };
}

/** Disposes what {@link loadQuickstartData} made. */
export function disposeQuickstartData(data: QuickstartData): void {
  tf.dispose([data.pool.inputs, data.test.inputs]);
}

/**
 * The quick start's study: the pretrained encoder (linear probe and full finetuning of a fresh copy
 * per run) against the same ConvNet from scratch, at each budget and seed, 10 epochs of batch 32
 * (core's protocol: at least 200 steps, early stopping on 20% of the labels from 5 per class).
 * The same on the main thread and on every worker thread, so a shared study is the same study.
 *
 * @param settings budgets, seeds, epochs.
 * @param data pool and test split.
 * @param createPretrained a fresh copy of the pretrained encoder.
 * @returns `labelEfficiency`'s options (add `onProgress` and `selectRuns`).
 */
export function quickstartStudy(
  settings: QuickstartStudySettings,
  data: QuickstartData,
  createPretrained: () => EncoderV1,
): LabelEfficiencyOptions {
  return {
    train: data.pool,
    test: data.test,
    numClasses: 10,
    budgets: [...settings.budgets],
    seeds: [...settings.seeds],
    recipe: { epochs: settings.epochs, batchSize: 32 },
    runners: [
      createPretrainedRunner(createPretrained, { modes: ['linear-probe', 'full'] }),
      createScratchRunner((seed) => createConvNetEncoder({ seed }), { modes: ['full'] }),
    ],
  };
}

/**
 * One progress line for a finished run, numbered by its place in the study (runs finish out of
 * order when worker threads share the study).
 *
 * @param progress what `labelEfficiency` reported.
 * @returns e.g. `  [4/27] pretrained linear-probe, 10 labels, seed 1: accuracy 57.4% (6 s)`.
 */
export function formatRunProgress({ total, row, seconds }: LabelEfficiencyProgress): string {
  return `  [${row.run + 1}/${total}] ${row.runner} ${row.mode}, ${row.labelCount} labels, seed ${row.seed}: accuracy ${(100 * row.accuracy).toFixed(1)}% (${seconds.toFixed(0)} s)`;
}
