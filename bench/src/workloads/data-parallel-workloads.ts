import { fileURLToPath, pathToFileURL } from 'node:url';
import {
  createDataParallelTrainer,
  type DataParallelTrainingOptions,
  SeededRandom,
} from '@selfsup/core';
import * as tf from '@tensorflow/tfjs';
import { gptStepFlops } from '../flops/gpt-step-flops';
import { simclrStepFlops } from '../flops/simclr-step-flops';
import { gptBenchConfig, gptDoubleBatchConfig, randomTokenBatch } from './gpt-workload';
import { randomViews, simclrBenchConfig } from './simclr-workload';
import type { Workload, WorkloadStep } from './workload';

/**
 * Worker threads of the data-parallel workloads: this machine class has 2 cores, and the suite's
 * rows must compare across runs, so the count is fixed rather than taken from the host.
 */
export const dataParallelWorkers = 2;

/**
 * Where the replicas' module is: `replicas.js` beside the built CLI (`dist/`); from the sources
 * (vitest), `SELFSUP_BENCH_REPLICAS` names a bundle built for the test.
 */
export function replicasModule(): string {
  const fromEnvironment = process.env.SELFSUP_BENCH_REPLICAS;
  if (fromEnvironment !== undefined && fromEnvironment !== '')
    return pathToFileURL(fromEnvironment).href;
  const here = fileURLToPath(import.meta.url);
  if (here.endsWith('.ts')) {
    throw new Error(
      'The data-parallel workloads need the built replicas (dist/replicas.js): run them from the built bench (pnpm bench), or set SELFSUP_BENCH_REPLICAS to a bundle of src/replicas/index.ts.',
    );
  }
  return new URL('./replicas.js', import.meta.url).href;
}

/** What a data-parallel step trains: the replica export, its fixed batch and the update rule. */
type DataParallelStepSpec = {
  readonly exportName: 'createGptReplica' | 'createSimclrReplica';
  readonly workers: number;
  readonly seed: number;
  readonly batch: tf.TensorContainer;
  readonly training: DataParallelTrainingOptions;
};

/**
 * Starts `workers` replicas (core's `createDataParallelTrainer`) on one fixed batch: each step
 * splits it evenly, all-reduces the gradients and applies the same update on every worker.
 *
 * @param spec the replica, the batch (owned: disposed with the step) and the training options.
 * @returns a live step whose `step()` resolves to the whole batch's loss.
 * @example const step = await createDataParallelStep({ exportName: 'createGptReplica', workers: 2, seed: 0, batch, training });
 */
export async function createDataParallelStep(spec: DataParallelStepSpec): Promise<WorkloadStep> {
  let trainer: Awaited<ReturnType<typeof createDataParallelTrainer>>;
  try {
    trainer = await createDataParallelTrainer({
      workers: spec.workers,
      workload: {
        module: replicasModule(),
        exportName: spec.exportName,
        options: { seed: spec.seed },
      },
      training: spec.training,
    });
  } catch (error) {
    tf.dispose(spec.batch);
    throw error;
  }
  return {
    parameterCount: trainer.parameterCount,
    step: async () => (await trainer.trainStep(spec.batch)).loss,
    async dispose() {
      tf.dispose(spec.batch);
      await trainer.close();
    },
  };
}

/**
 * The GPT workload's model and a fixed batch on `workers` replicas (AdamW as in `gpt`, constant
 * rate). The batch is the recipe's (split across the workers) unless `batchSize` says otherwise.
 */
export function createGptDataParallelStep(
  seed: number,
  workers = dataParallelWorkers,
  batchSize = gptBenchConfig.batchSize,
): Promise<WorkloadStep> {
  const config = { ...gptBenchConfig, batchSize };
  return createDataParallelStep({
    exportName: 'createGptReplica',
    workers,
    seed,
    batch: randomTokenBatch(new SeededRandom(seed + 1), config),
    training: {
      steps: 1_000_000,
      schedule: 'constant',
      optimizer: 'adamw',
      learningRate: config.learningRate,
      weightDecay: config.weightDecay,
      beta1: config.betas[0],
      beta2: config.betas[1],
      clipNorm: config.clipNorm,
      seed,
    },
  });
}

/** The SimCLR workload's network and fixed views on `workers` replicas (SyncBN, gathered negatives, Adam). */
export function createSimclrDataParallelStep(
  seed: number,
  workers = dataParallelWorkers,
): Promise<WorkloadStep> {
  const config = simclrBenchConfig;
  return createDataParallelStep({
    exportName: 'createSimclrReplica',
    workers,
    seed,
    batch: randomViews(new SeededRandom(seed + 1), config),
    training: {
      steps: 1_000_000,
      schedule: 'constant',
      optimizer: 'adam',
      learningRate: config.learningRate,
      seed,
    },
  });
}

/** The GPT training step on {@link dataParallelWorkers} worker threads (one wasm instance each). */
export const gptDataParallelWorkload: Workload = {
  name: 'gpt-data-parallel',
  kind: 'training',
  description: `the gpt step on ${dataParallelWorkers} worker threads (batch split evenly, gradients all-reduced through a SharedArrayBuffer)`,
  workers: dataParallelWorkers,
  parallelizes: 'gpt',
  unit: 'tokens',
  unitsPerStep: gptBenchConfig.batchSize * gptBenchConfig.model.blockSize,
  flopsPerStep: gptStepFlops(gptBenchConfig.model, gptBenchConfig.batchSize),
  referenceScript: 'gpt_step.py',
  createStep: (seed) => createGptDataParallelStep(seed),
};

/**
 * The GPT step scaled the way data-parallel training is usually run (PyTorch DDP, nanoGPT's
 * `torchrun`): the recipe's batch of 12 on each of the {@link dataParallelWorkers} workers, so a
 * step trains the 24 sequences of the one-thread `gpt-batch-24` row, split. `gpt-data-parallel`
 * splits the recipe's batch of 12 instead, 6 sequences per worker, and there a half batch still
 * costs about two thirds of a whole one (kernel dispatch, weight-side work and the optimizer do
 * not shrink with the batch). Its speed-up is against `gpt-batch-24`: the same computation (2
 * workers give 1 worker's loss curve on the 24 sequences, tested) on one thread.
 */
export const gptDataParallelPerWorkerBatchWorkload: Workload = {
  name: 'gpt-data-parallel-per-worker-batch',
  kind: 'training',
  description: `the gpt-batch-24 step on ${dataParallelWorkers} worker threads, batch ${gptBenchConfig.batchSize} on each (gradients all-reduced)`,
  workers: dataParallelWorkers,
  parallelizes: 'gpt-batch-24',
  unit: 'tokens',
  unitsPerStep: gptDoubleBatchConfig.batchSize * gptDoubleBatchConfig.model.blockSize,
  flopsPerStep: gptStepFlops(gptDoubleBatchConfig.model, gptDoubleBatchConfig.batchSize),
  createStep: (seed) =>
    createGptDataParallelStep(seed, dataParallelWorkers, gptDoubleBatchConfig.batchSize),
};

/** The SimCLR conv step on {@link dataParallelWorkers} worker threads, with SyncBN and gathered negatives. */
export const simclrDataParallelWorkload: Workload = {
  name: 'simclr-data-parallel',
  kind: 'training',
  description: `the simclr step on ${dataParallelWorkers} worker threads (SyncBN, NT-Xent negatives gathered from every worker)`,
  workers: dataParallelWorkers,
  parallelizes: 'simclr',
  unit: 'images',
  unitsPerStep: 2 * simclrBenchConfig.images,
  flopsPerStep: simclrStepFlops(simclrBenchConfig.network, 2 * simclrBenchConfig.images),
  referenceScript: 'simclr_step.py',
  createStep: (seed) => createSimclrDataParallelStep(seed),
};
