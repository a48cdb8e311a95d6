import {
  type BackendInfo,
  type EvaluationReport,
  evaluate,
  type FinetuneMode,
  finetune,
  initBackend,
} from '@selfsup/core';
import * as tf from '@tensorflow/tfjs';
import type { CommandOutput } from '../io/command-output';
import { loadLabeledSplits, sampleLabels } from './labeled-splits';
import { datasetOfManifest, openCheckpoint } from './open-checkpoint';

/** Options of {@link runDownstream}. */
export type DownstreamOptions = {
  readonly checkpoint: string;
  readonly mode: FinetuneMode;
  /** Labels drawn from the pool (stratified), or `'all'`. */
  readonly labels: number | 'all';
  /** Dataset id or folder; default: what the checkpoint was pretrained on. */
  readonly data: string | undefined;
  /** Labeled pool: the first N training examples. */
  readonly poolSize: number | undefined;
  /** The first N test examples. */
  readonly testSize: number | undefined;
  readonly epochs: number;
  readonly seed: number;
  readonly backend: BackendInfo['backend'] | undefined;
};

/** What `selfsup finetune` and `selfsup evaluate` return. */
export type DownstreamResult = {
  readonly checkpoint: string;
  readonly method: string;
  readonly step: number;
  readonly data: string;
  readonly mode: FinetuneMode;
  readonly labelCount: number;
  readonly testCount: number;
  readonly epochsTrained: number;
  readonly report: EvaluationReport;
  readonly classNames: readonly string[];
};

/**
 * Finetunes a checkpoint's encoder on a stratified subset of labels (`linear-probe`, `full` or
 * `knn`) and evaluates it on the test split: what `selfsup finetune` and `selfsup evaluate` do.
 *
 * @param options checkpoint, mode, label budget, data and sizes.
 * @param output where logs go.
 * @returns the evaluation report and what was run.
 * @example const result = await runDownstream({ checkpoint: 'runs/simclr', mode: 'knn', labels: 'all', ... }, output);
 */
export async function runDownstream(
  options: DownstreamOptions,
  output: CommandOutput,
): Promise<DownstreamResult> {
  await initBackend({
    ...(options.backend === undefined ? {} : { backend: options.backend }),
    onReport: (message) => output.log(message),
  });
  const { manifest, directory, encoder } = await openCheckpoint(options.checkpoint);
  const data = options.data ?? datasetOfManifest(manifest) ?? 'mnist';
  const splits = await loadLabeledSplits(
    data,
    encoder,
    { poolSize: options.poolSize, testSize: options.testSize },
    manifest.dataset,
  );
  try {
    const indices = sampleLabels(
      splits.pool.labels,
      options.labels,
      splits.numClasses,
      options.seed,
    );
    const subset = {
      inputs: tf.tidy(() => tf.gather(splits.pool.inputs, tf.tensor1d(indices, 'int32'))),
      labels: Int32Array.from(indices, (index) => splits.pool.labels[index] ?? 0),
    };
    output.log(
      `${options.mode}: ${manifest.method} encoder (step ${manifest.step}) on ${indices.length} labels of ${data}, tested on ${splits.test.labels.length}`,
    );
    const model = await finetune(encoder, subset, {
      mode: options.mode,
      numClasses: splits.numClasses,
      epochs: options.epochs,
      seed: options.seed,
      onProgress: (progress) =>
        output.log(
          `  epoch ${progress.epoch}/${progress.epochs}  loss ${progress.trainLoss.toFixed(4)}`,
        ),
    });
    try {
      const report = await evaluate(model, splits.test);
      return {
        checkpoint: directory,
        method: manifest.method,
        step: manifest.step,
        data,
        mode: options.mode,
        labelCount: indices.length,
        testCount: splits.test.labels.length,
        epochsTrained: model.history.epochs.length,
        report,
        classNames: splits.classNames,
      };
    } finally {
      model.dispose();
      subset.inputs.dispose();
    }
  } finally {
    splits.dispose();
    encoder.dispose();
  }
}
