import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../../backend/init-backend';
import type { JsonObject } from '../../spec/json';
import type { ObjectiveV1 } from '../../spec/objective-v1';
import { pretrain } from '../pretrain';
import { collectTrainableParameters } from '../trainable-parameters';
import { buildWorkerBundle, type WorkerBundle } from './__fixtures__/build-worker-bundle';
import {
  createTinyGpt,
  tinyGptTestModel,
  tinyTokenBatches,
} from './__fixtures__/tiny-gpt-workload';
import {
  createTinySimclr,
  tinySimclrTestModel,
  twoViewBatches,
} from './__fixtures__/tiny-simclr-workload';
import type { DataParallelTrainingOptions } from './data-parallel-options';
import { createDataParallelTrainer } from './data-parallel-trainer';

const steps = 5;
const gptModel = tinyGptTestModel;
const simclrModel = tinySimclrTestModel;
// nanoGPT's optimizer (AdamW, β2 0.99, decay 0.1, clip 1) with a rate high enough to move in 5 steps.
const training: DataParallelTrainingOptions = {
  steps,
  learningRate: 1e-2,
  warmupSteps: 1,
  weightDecay: 0.1,
  beta2: 0.99,
  clipNorm: 1,
  seed: 5,
};
const gptBatches = (): tf.Tensor2D[] => tinyTokenBatches(steps, { batchSize: 4, blockSize: 8 });
const simclrBatches = () => twoViewBatches(steps, { batchSize: 8, inputSize: 6 });
const report = process.env.DATA_PARALLEL_REPORT === '1';

type Run = { losses: number[]; weights: Float32Array };
let bundle: WorkerBundle;
let gptReference: Run;
let simclrReference: Run;

function flatWeights(objective: ObjectiveV1<never>): Float32Array {
  const parts = collectTrainableParameters(objective).map(
    (parameter) => parameter.variable.dataSync() as Float32Array,
  );
  const values = new Float32Array(parts.reduce((total, part) => total + part.length, 0));
  let offset = 0;
  for (const part of parts) {
    values.set(part, offset);
    offset += part.length;
  }
  return values;
}

function relativeDifference(actual: number, expected: number): number {
  return Math.abs(actual - expected) / Math.max(Math.abs(expected), 1e-12);
}

function maxAbsoluteDifference(actual: Float32Array, expected: Float32Array): number {
  let worst = 0;
  for (let index = 0; index < expected.length; index++)
    worst = Math.max(worst, Math.abs((actual[index] as number) - (expected[index] as number)));
  return worst;
}

/** The single-process reference: core's pretrain() on the whole batch, same seed and options. */
async function trainInProcess<Batch>(
  objective: ObjectiveV1<Batch>,
  batches: Batch[],
): Promise<Run> {
  const result = await pretrain(objective, batches, { ...training, prefetch: 1 });
  const run = {
    losses: [...result.history],
    weights: flatWeights(objective as ObjectiveV1<never>),
  };
  objective.dispose();
  return run;
}

async function trainDataParallel(
  workers: number,
  module: 'tiny-gpt-workload' | 'tiny-simclr-workload',
  exportName: string,
  options: JsonObject,
  batches: unknown[],
  reference: Run,
): Promise<Run & { checksums: number[]; oddBatchError: unknown }> {
  const trainer = await createDataParallelTrainer({
    workers,
    workload: { module: bundle.moduleUrl(module), exportName, options },
    training,
    workerEntry: bundle.workerEntry,
    verifyEverySteps: 2, // the replicas' checksums are compared after steps 2 and 4 too
  });
  try {
    const losses: number[] = [];
    for (const batch of batches) losses.push((await trainer.trainStep(batch)).loss);
    expect(trainer.nextStep).toBe(steps);
    const odd = tinyTokenBatches(1, { batchSize: 3, blockSize: 8 });
    const oddBatchError = await trainer.trainStep(odd[0]).catch((error: unknown) => error);
    tf.dispose(odd);
    const weights = await trainer.readWeights();
    if (report) {
      const worst = Math.max(
        ...losses.map((loss, step) => relativeDifference(loss, reference.losses[step] as number)),
      );
      console.info(
        `${exportName}, ${workers} workers: loss rel diff ${worst.toExponential(2)}, weights abs diff ${maxAbsoluteDifference(weights, reference.weights).toExponential(2)}`,
      );
    }
    return { losses, weights, checksums: await trainer.checksums(), oddBatchError };
  } finally {
    tf.dispose(batches as tf.TensorContainer);
    await trainer.close();
  }
}

beforeAll(async () => {
  await initBackend({ backend: 'wasm', quiet: true });
  bundle = await buildWorkerBundle('trainer');
  gptReference = await trainInProcess(createTinyGpt(gptModel), gptBatches());
  const simclrData = simclrBatches();
  simclrReference = await trainInProcess(createTinySimclr(simclrModel), simclrData);
});

afterAll(async () => {
  await bundle?.remove();
});

describe('createDataParallelTrainer on the GPT workload', () => {
  it('learns: the reference loss falls over 5 steps', () => {
    expect(gptReference.losses).toHaveLength(steps);
    expect(gptReference.losses.at(-1) as number).toBeLessThan(gptReference.losses[0] as number);
  });

  it('with 1 worker (the fallback) reproduces pretrain() on the whole batch', async () => {
    const single = await trainDataParallel(
      1,
      'tiny-gpt-workload',
      'createTinyGpt',
      gptModel,
      gptBatches(),
      gptReference,
    );
    single.losses.forEach((loss, step) => {
      expect(relativeDifference(loss, gptReference.losses[step] as number)).toBeLessThan(1e-6);
    });
    expect(maxAbsoluteDifference(single.weights, gptReference.weights)).toBeLessThan(1e-6);
  });

  it('with 2 workers gives the same loss curve as one worker on the whole batch, and replicas stay identical', async () => {
    const pair = await trainDataParallel(
      2,
      'tiny-gpt-workload',
      'createTinyGpt',
      gptModel,
      gptBatches(),
      gptReference,
    );
    pair.losses.forEach((loss, step) => {
      expect(relativeDifference(loss, gptReference.losses[step] as number)).toBeLessThan(1e-5);
    });
    // Float rounding of the sum of two half-batch gradients, amplified by Adam's normalisation
    // for near-zero gradients, stays far below one learning-rate step (measured 5.7e-6 with lr 1e-2).
    expect(maxAbsoluteDifference(pair.weights, gptReference.weights)).toBeLessThan(
      5e-3 * (training.learningRate as number),
    );
    expect(new Set(pair.checksums).size).toBe(1);
    expect(pair.oddBatchError).toBeInstanceOf(RangeError);
    expect(String(pair.oddBatchError)).toMatch(
      /3 examples, which do not split evenly across 2 workers/,
    );
  });

  it('refuses replicas that start from different weights', async () => {
    await expect(
      createDataParallelTrainer({
        workers: 2,
        workload: {
          module: bundle.moduleUrl('tiny-gpt-workload'),
          exportName: 'createTinyGpt',
          options: { ...gptModel, seedByRank: true },
        },
        training,
        workerEntry: bundle.workerEntry,
      }),
    ).rejects.toThrow(/start from different weights/);
  });
});

describe('createDataParallelTrainer on the SimCLR workload (SyncBN + NT-Xent over gathered negatives)', () => {
  it('with 2 workers gives the same loss curve as one worker on the whole batch', async () => {
    expect(simclrReference.losses.at(-1) as number).toBeLessThan(
      simclrReference.losses[0] as number,
    );
    const pair = await trainDataParallel(
      2,
      'tiny-simclr-workload',
      'createTinySimclr',
      simclrModel,
      simclrBatches(),
      simclrReference,
    );
    pair.losses.forEach((loss, step) => {
      expect(relativeDifference(loss, simclrReference.losses[step] as number)).toBeLessThan(1e-5);
    });
    expect(maxAbsoluteDifference(pair.weights, simclrReference.weights)).toBeLessThan(
      5e-3 * (training.learningRate as number),
    );
    expect(new Set(pair.checksums).size).toBe(1);
  });
});
