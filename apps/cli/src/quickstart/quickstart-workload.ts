import { writeSync } from 'node:fs';
import {
  claimRunsFrom,
  createEncoder,
  type EncoderConfigV1,
  type LabelEfficiencyResult,
  labelEfficiency,
} from '@selfsup/core';
import * as tf from '@tensorflow/tfjs';
import {
  disposeQuickstartData,
  formatRunProgress,
  loadQuickstartData,
  type QuickstartStudySettings,
  quickstartStudy,
} from './quickstart-study';

/** What each worker thread of a shared quick-start study gets (structured-cloned). */
export type QuickstartShareOptions = QuickstartStudySettings & {
  /** The pretrained encoder's configuration (`encoder.getConfig()`). */
  readonly encoderConfig: EncoderConfigV1;
  /** Its weights, in `model.getWeights()` order. */
  readonly weights: readonly { readonly shape: number[]; readonly values: Float32Array }[];
  /** The next unclaimed run: one int32 in a `SharedArrayBuffer`, the same for every worker. */
  readonly counter: Int32Array;
  /** Write a line per finished run to stderr (file descriptor 2). */
  readonly progress: boolean;
};

/** The export name of {@link runQuickstartShare}. */
export const QUICKSTART_WORKLOAD_EXPORT = 'runQuickstartShare';

/**
 * Runs a worker thread's share of the quick start's label-efficiency study (built as
 * `dist/quickstart-workload.js`; the main thread calls it on every worker of a core
 * `DataParallelPool`): the same study as the main thread would run, with the runs taken first
 * come, first served from the shared counter.
 *
 * @param options the study settings, the pretrained encoder and the shared counter.
 * @returns this worker's rows (merge them with core's `mergeLabelEfficiencyResults`).
 */
export async function runQuickstartShare(
  options: QuickstartShareOptions,
): Promise<LabelEfficiencyResult> {
  const data = loadQuickstartData(options);
  try {
    const createPretrained = () => {
      const encoder = createEncoder(options.encoderConfig);
      const weights = options.weights.map(({ shape, values }) => tf.tensor(values, shape));
      encoder.model.setWeights(weights);
      tf.dispose(weights);
      return encoder;
    };
    return await labelEfficiency({
      ...quickstartStudy(options, data, createPretrained),
      selectRuns: claimRunsFrom(options.counter),
      ...(options.progress
        ? {
            // Straight to file descriptor 2: a worker's process.stderr reaches the terminal only
            // when the main thread gets to it, which can be the end of the study.
            onProgress: (progress) => writeSync(2, `${formatRunProgress(progress)}\n`),
          }
        : {}),
    });
  } finally {
    disposeQuickstartData(data);
  }
}
