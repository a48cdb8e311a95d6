import { mkdir, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import {
  type BackendInfo,
  cloneEncoder,
  createConvNetEncoder,
  createPretrainedRunner,
  createScratchRunner,
  type EncoderV1,
  initBackend,
  type LabelEfficiencyResult,
  labelEfficiency,
  pretrain,
} from '@selfsup/core';
import { imageBatchSource, imagesToTensor, loadMnist } from '@selfsup/data';
import { createRotationPrediction } from '@selfsup/pretext-tasks';
import * as tf from '@tensorflow/tfjs';

/** Options of {@link runQuickstart}. */
export type QuickstartOptions = {
  /** Pretraining steps. @default 200 */
  readonly steps: number;
  /** Unlabeled images per pretraining batch (each seen in 4 rotations). @default 64 */
  readonly batchSize: number;
  /** Peak AdamW learning rate of pretraining. @default 2e-3 */
  readonly learningRate: number;
  /** Label budgets. @default [100, 1000] */
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
  /** Where the checkpoint and results.json go. */
  readonly out: string;
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
    readonly finalPretextAccuracy: number;
  };
  readonly seconds: number;
};

/** The defaults of {@link runQuickstart}: a few minutes on 2 CPU cores. */
export const quickstartDefaults: Omit<QuickstartOptions, 'out'> = {
  steps: 200,
  batchSize: 64,
  learningRate: 2e-3,
  budgets: [100, 1000],
  seeds: [0, 1, 2],
  poolSize: 5000,
  testSize: 10000,
  epochs: 10,
  seed: 0,
};

/**
 * The README's main job: pretrain a ConvNet with rotation prediction (Gidaris et al. 2018) on
 * unlabeled MNIST, then run core's label-efficiency protocol — the pretrained encoder (linear probe
 * and full finetuning) against the same architecture from scratch, at each label budget over
 * several seeds, evaluated on the MNIST test split.
 *
 * @param options see {@link QuickstartOptions}.
 * @param log receives one line per event (progress, tables).
 * @returns the per-run rows, the mean ± std summary and timings; also written to `out/results.json`.
 */
export async function runQuickstart(
  options: QuickstartOptions,
  log: (line: string) => void,
): Promise<QuickstartResult> {
  const started = performance.now();
  const backend = await initBackend({
    ...(options.backend ? { backend: options.backend } : {}),
    onReport: (message) => log(message),
  });
  const train = loadMnist('train');
  const test = loadMnist('test');
  if (options.poolSize > train.count || options.testSize > test.count) {
    throw new RangeError(
      `poolSize must be ≤ ${train.count} and testSize ≤ ${test.count} (MNIST's splits), got ${options.poolSize} and ${options.testSize}.`,
    );
  }

  // 1. Pretrain on every training image, labels unused.
  const encoderOptions = { seed: options.seed };
  const objective = createRotationPrediction({
    encoder: createConvNetEncoder(encoderOptions),
    seed: options.seed,
  });
  log(
    `pretraining: rotation prediction, ConvNet encoder, ${options.steps} steps of ${options.batchSize} unlabeled MNIST images × 4 rotations`,
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
      onProgress: (event) => {
        if (event.step % 25 === 0 || event.step === options.steps - 1) {
          const accuracy = event.metrics.accuracy ?? Number.NaN;
          log(
            `  step ${event.step + 1}/${options.steps}  loss ${event.loss.toFixed(3)}  rotation accuracy ${(100 * accuracy).toFixed(1)}%`,
          );
        }
      },
    },
  );
  const pretrained: EncoderV1 = objective.encoder;

  // 2. Label efficiency: pretrained vs scratch under core's protocol.
  const poolIndices = Array.from({ length: options.poolSize }, (_, i) => i);
  const testIndices = Array.from({ length: options.testSize }, (_, i) => i);
  const pool = {
    inputs: imagesToTensor(train, poolIndices),
    labels: Int32Array.from(train.labels.subarray(0, options.poolSize)),
  };
  const testSet = {
    inputs: imagesToTensor(test, testIndices),
    labels: Int32Array.from(test.labels.subarray(0, options.testSize)),
  };
  log(
    `finetuning: budgets ${options.budgets.join(', ')} labels × seeds ${options.seeds.join(', ')}, evaluated on ${options.testSize} MNIST test images`,
  );
  try {
    const study = await labelEfficiency({
      train: pool,
      test: testSet,
      numClasses: 10,
      budgets: [...options.budgets],
      seeds: [...options.seeds],
      recipe: { epochs: options.epochs, batchSize: 32 },
      runners: [
        createPretrainedRunner(() => cloneEncoder(pretrained), { modes: ['linear-probe', 'full'] }),
        createScratchRunner((seed) => createConvNetEncoder({ seed }), { modes: ['full'] }),
      ],
      onProgress: ({ completed, total, row, seconds }) =>
        log(
          `  [${completed}/${total}] ${row.runner} ${row.mode}, ${row.labelCount} labels, seed ${row.seed}: accuracy ${(100 * row.accuracy).toFixed(1)}% (${seconds.toFixed(0)} s)`,
        ),
    });
    const result: QuickstartResult = {
      ...study,
      backend,
      pretraining: {
        steps: pretraining.step,
        seconds: pretraining.elapsedSeconds,
        finalLoss: pretraining.loss ?? Number.NaN,
        finalPretextAccuracy: pretraining.metrics.accuracy ?? Number.NaN,
      },
      seconds: (performance.now() - started) / 1000,
    };
    await writeJsonAtomically(join(options.out, 'results.json'), result);
    return result;
  } finally {
    tf.dispose([pool.inputs, testSet.inputs]);
    objective.dispose();
  }
}

async function writeJsonAtomically(path: string, value: unknown): Promise<void> {
  await mkdir(join(path, '..'), { recursive: true });
  const temporary = `${path}.${process.pid}.tmp`;
  await writeFile(temporary, `${JSON.stringify(value, null, 2)}\n`);
  await rename(temporary, path);
}
