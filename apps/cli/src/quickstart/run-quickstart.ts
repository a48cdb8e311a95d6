import { existsSync } from 'node:fs';
import { mkdir, rename, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { labelEfficiencyChart, lossCurveChart } from '@selfsup/charts';
import { writeChart } from '@selfsup/charts/node';
import { createSimclr } from '@selfsup/contrastive';
import {
  type BackendInfo,
  cloneEncoder,
  createConvNetEncoder,
  DataParallelPool,
  type EncoderV1,
  initBackend,
  type LabelEfficiencyResult,
  labelEfficiency,
  mergeLabelEfficiencyResults,
  pretrain,
} from '@selfsup/core';
import { imageBatchSource, loadMnist } from '@selfsup/data';
import { UsageError } from '../io/cli-errors';
import { prepareOutputDirectory } from '../io/output-directory';
import { cliWorkloadReference } from '../pretrain/workload-reference';
import {
  disposeQuickstartData,
  formatRunProgress,
  loadQuickstartData,
  quickstartStudy,
} from './quickstart-study';
import { QUICKSTART_WORKLOAD_EXPORT, type QuickstartShareOptions } from './quickstart-workload';

/** Options of {@link runQuickstart}. */
export type QuickstartOptions = {
  /** Pretraining steps. */
  readonly steps: number;
  /** Unlabeled images per pretraining batch (each seen in two augmented views). */
  readonly batchSize: number;
  /** Peak AdamW learning rate of pretraining. */
  readonly learningRate: number;
  /** NT-Xent temperature. */
  readonly temperature: number;
  /**
   * Worker threads. Pretraining is data-parallel across them (core's `pretrain({ workers })`:
   * SyncBN and NT-Xent negatives gathered from every worker, so they train the whole batch's
   * objective; `batchSize` must be a multiple of it); then they share the finetuning runs, each
   * taking the next run when free (core's `claimRunsFrom`), which gives the rows one thread gives.
   * 1 does everything on the main thread. @default 2
   */
  readonly workers: number;
  /** Label budgets. @default [10, 100, 1000] */
  readonly budgets: readonly number[];
  /** Seeds of the label-efficiency study (≥ 3). @default [0, 1, 2] */
  readonly seeds: readonly number[];
  /** Labeled pool that budgets are drawn from (first images of MNIST train). @default 5000 */
  readonly poolSize: number;
  /** Test images evaluated (first images of MNIST test; 10,000 is the whole split). @default 10000 */
  readonly testSize: number;
  /** Finetuning epochs (early stopping on a validation split may stop sooner). @default 10 */
  readonly epochs: number;
  /** The run seed. @default 0 */
  readonly seed: number;
  /** Where the checkpoint, results.json and the charts go; an existing non-empty one needs `force`. */
  readonly out: string;
  /** Replace an existing, non-empty `out`. @default false */
  readonly force?: boolean;
  /** Backend to force (else the fastest available). */
  readonly backend?: BackendInfo['backend'];
};

/** What {@link runQuickstart} returns. */
export type QuickstartResult = LabelEfficiencyResult & {
  readonly backend: BackendInfo;
  readonly pretraining: {
    readonly steps: number;
    readonly seconds: number;
    readonly finalLoss: number;
    readonly finalContrastiveAccuracy: number;
  };
  /** The charts written (SVG and PNG of the label-efficiency and loss curves). */
  readonly charts: readonly string[];
  readonly seconds: number;
};

/**
 * The defaults of {@link runQuickstart}: 8–9 minutes on 2 idle CPU cores (2026-11-30: 276–301 s of
 * pretraining, then the 27 finetuning runs shared by the 2 worker threads; 485–529 s in all). The
 * pretraining recipe is `selfsup pretrain simclr`'s (batch 128, AdamW 1e-3, τ 0.5, 2 workers,
 * `mnistViewPreset`), the one the paradigm grid ran for 1,200 steps; the quick start runs half as many.
 */
export const quickstartDefaults: Omit<QuickstartOptions, 'out'> = {
  steps: 600,
  batchSize: 128,
  learningRate: 1e-3,
  temperature: 0.5,
  workers: 2,
  budgets: [10, 100, 1000],
  seeds: [0, 1, 2],
  poolSize: 5000,
  testSize: 10000,
  epochs: 10,
  seed: 0,
};

/**
 * The README's main job: pretrain a ConvNet with SimCLR (Chen et al. 2020) on unlabeled MNIST,
 * then run core's label-efficiency protocol (shared by the worker threads when `workers` > 1) —
 * the pretrained encoder (linear probe and full finetuning) against the same architecture from
 * scratch, at each label budget over several seeds, evaluated on the MNIST test split — and write
 * the label-efficiency chart.
 *
 * @param options see {@link QuickstartOptions}.
 * @param progress receives one line per event (pretraining steps, finished runs); without it the
 *   run is quiet (worker threads too).
 * @returns the per-run rows, the mean ± std summary and timings; also written to `out/results.json`.
 */
export async function runQuickstart(
  options: QuickstartOptions,
  progress?: (line: string) => void,
): Promise<QuickstartResult> {
  const started = performance.now();
  const log = progress ?? (() => {});
  if (!Number.isInteger(options.workers) || options.workers < 1) {
    throw new UsageError(`--workers takes a positive integer, got ${options.workers}.`);
  }
  if (options.batchSize % options.workers !== 0) {
    throw new UsageError(
      `--batch-size ${options.batchSize} does not split evenly across ${options.workers} workers: ` +
        `use a batch size that is a multiple of ${options.workers} (e.g. ${options.workers * Math.max(1, Math.round(options.batchSize / options.workers))}), or --workers 1.`,
    );
  }
  const train = loadMnist('train');
  const test = loadMnist('test');
  if (options.poolSize > train.count || options.testSize > test.count) {
    throw new UsageError(
      `--pool-size must be ≤ ${train.count} and --test-size ≤ ${test.count} (MNIST's splits), got ${options.poolSize} and ${options.testSize}.`,
    );
  }
  await prepareOutputDirectory(options.out, options.force === true);
  const backend = await initBackend({
    ...(options.backend ? { backend: options.backend } : {}),
    onReport: (message) => log(message),
  });

  // 1. Pretrain on every training image, labels unused.
  const encoderOptions = { seed: options.seed };
  const objective = createSimclr({
    encoder: createConvNetEncoder(encoderOptions),
    temperature: options.temperature,
    seed: options.seed,
  });
  log(
    `pretraining: SimCLR, ConvNet encoder, ${options.steps} steps of ${options.batchSize} unlabeled MNIST images × 2 views` +
      (options.workers > 1 ? ` on ${options.workers} workers` : ''),
  );
  const pretraining = await pretrain(
    objective,
    imageBatchSource(train, { batchSize: options.batchSize }),
    {
      steps: options.steps,
      learningRate: options.learningRate,
      warmupSteps: Math.min(20, Math.floor(options.steps / 10)),
      seed: options.seed,
      checkpoint: { directory: join(options.out, 'pretrain'), everySteps: 100 },
      dataset: { id: 'mnist', split: 'train' },
      ...(options.workers > 1
        ? {
            workers: options.workers,
            // Each worker builds `selfsup pretrain simclr`'s objective (SyncBN, gathered negatives).
            workload: cliWorkloadReference({
              method: 'simclr',
              encoder: 'conv-net',
              encoderOptions,
              inputShape: [28, 28, 1],
              seed: options.seed,
              methodOptions: { temperature: options.temperature },
              runDirectory: resolve(options.out),
            }),
          }
        : {}),
      onProgress: (event) => {
        if (event.step % 25 === 0 || event.step === options.steps - 1) {
          const accuracy = event.metrics.accuracy ?? Number.NaN;
          log(
            `  step ${event.step + 1}/${options.steps}  loss ${event.loss.toFixed(3)}  contrastive accuracy ${(100 * accuracy).toFixed(1)}%  ETA ${event.etaSeconds.toFixed(0)} s`,
          );
        }
      },
    },
  );
  const pretrained: EncoderV1 = objective.encoder;

  // 2. Label efficiency: pretrained vs scratch under core's protocol, the runs shared among the
  // worker threads (first come, first served) or on the main thread.
  log(
    `finetuning: budgets ${options.budgets.join(', ')} labels × seeds ${options.seeds.join(', ')}, evaluated on ${options.testSize} MNIST test images` +
      (options.workers > 1 ? ` on ${options.workers} workers` : ''),
  );
  try {
    const study =
      options.workers > 1
        ? await shareStudy(options, pretrained, progress !== undefined)
        : await studyOnMainThread(options, pretrained, log);
    const charts = await writeQuickstartCharts(options.out, study, pretraining.history);
    const result: QuickstartResult = {
      ...study,
      backend,
      pretraining: {
        steps: pretraining.step,
        seconds: pretraining.elapsedSeconds,
        finalLoss: pretraining.loss ?? Number.NaN,
        finalContrastiveAccuracy: pretraining.metrics.accuracy ?? Number.NaN,
      },
      charts,
      seconds: (performance.now() - started) / 1000,
    };
    await writeJsonAtomically(join(options.out, 'results.json'), result);
    return result;
  } finally {
    objective.dispose();
  }
}

async function studyOnMainThread(
  options: QuickstartOptions,
  pretrained: EncoderV1,
  log: (line: string) => void,
): Promise<LabelEfficiencyResult> {
  const data = loadQuickstartData(options);
  try {
    return await labelEfficiency({
      ...quickstartStudy(options, data, () => cloneEncoder(pretrained)),
      onProgress: (progress) => log(formatRunProgress(progress)),
    });
  } finally {
    disposeQuickstartData(data);
  }
}

/** The study shared among `options.workers` worker threads (each runs the runs it claims first). */
async function shareStudy(
  options: QuickstartOptions,
  pretrained: EncoderV1,
  progress: boolean,
): Promise<LabelEfficiencyResult> {
  const module = new URL('./quickstart-workload.js', import.meta.url);
  if (module.protocol !== 'file:' || !existsSync(fileURLToPath(module))) {
    throw new Error(
      `--workers: the worker threads run the study from ${module.href}, which does not exist. ` +
        'Run the built CLI (dist/selfsup.js, built with `pnpm --filter @selfsup/cli build`), or use --workers 1.',
    );
  }
  const share: QuickstartShareOptions = {
    budgets: options.budgets,
    seeds: options.seeds,
    epochs: options.epochs,
    poolSize: options.poolSize,
    testSize: options.testSize,
    encoderConfig: pretrained.getConfig(),
    weights: pretrained.model.getWeights().map((weight) => ({
      shape: [...weight.shape],
      values: weight.dataSync() as Float32Array,
    })),
    counter: new Int32Array(new SharedArrayBuffer(Int32Array.BYTES_PER_ELEMENT)),
    // Worker threads write their lines to the process's stderr themselves.
    progress,
  };
  const pool = await DataParallelPool.start({ workers: options.workers });
  try {
    const parts = await pool.call<LabelEfficiencyResult>(
      module.href,
      QUICKSTART_WORKLOAD_EXPORT,
      share,
    );
    return mergeLabelEfficiencyResults(parts);
  } finally {
    await pool.close();
  }
}

async function writeQuickstartCharts(
  out: string,
  study: LabelEfficiencyResult,
  losses: readonly number[],
): Promise<string[]> {
  const efficiency = labelEfficiencyChart(study.summary, {
    title: 'MNIST test accuracy: SimCLR-pretrained vs scratch',
  });
  const loss = lossCurveChart(
    losses.map((value, step) => ({ step: step + 1, loss: value })),
    { title: 'SimCLR pretraining loss (NT-Xent)' },
  );
  const written: string[] = [];
  for (const [name, spec] of [
    ['label-efficiency', efficiency],
    ['pretraining-loss', loss],
  ] as const) {
    for (const extension of ['svg', 'png']) {
      const path = join(out, `${name}.${extension}`);
      await writeChart(path, spec);
      written.push(path);
    }
  }
  return written;
}

async function writeJsonAtomically(path: string, value: unknown): Promise<void> {
  await mkdir(join(path, '..'), { recursive: true });
  const temporary = `${path}.${process.pid}.tmp`;
  await writeFile(temporary, `${JSON.stringify(value, null, 2)}\n`);
  await rename(temporary, path);
}
