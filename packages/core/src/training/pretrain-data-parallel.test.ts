import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { initBackend } from '../backend/init-backend';
import { readCheckpointManifest } from '../checkpoint/read-manifest';
import type { BatchSourceV1 } from '../spec/batch-source-v1';
import type { JsonObject } from '../spec/json';
import type { ObjectiveV1 } from '../spec/objective-v1';
import { expectNoTensorLeak } from '../test/expect-no-tensor-leak';
import {
  buildWorkerBundle,
  type WorkerBundle,
} from './data-parallel/__fixtures__/build-worker-bundle';
import {
  createTinyGpt,
  tinyGptTestModel,
  tinyTokenBatches,
} from './data-parallel/__fixtures__/tiny-gpt-workload';
import {
  createTinySimclr,
  type TwoViewBatch,
  tinySimclrTestModel,
  twoViewBatches,
} from './data-parallel/__fixtures__/tiny-simclr-workload';
import { objectiveVariables } from './data-parallel/weights-checksum';
import { pretrain } from './pretrain';
import type { PretrainOptions } from './pretrain-options';
import type { PretrainProgressEvent } from './pretrain-progress-event';
import type { PretrainResult } from './pretrain-result';
import { NonFiniteLossError, TrainingAbortedError } from './training-errors';

const steps = 6;
const gptModel = tinyGptTestModel;
const simclrModel = tinySimclrTestModel;
// nanoGPT's optimizer (AdamW, β2 0.99, decay 0.1, clip 1) with a rate high enough to move in 6 steps.
const training = {
  steps,
  learningRate: 1e-2,
  warmupSteps: 1,
  weightDecay: 0.1,
  beta2: 0.99,
  clipNorm: 1,
  seed: 5,
  prefetch: 1,
} satisfies PretrainOptions;
// Float rounding of the sum of two half-batch gradients, amplified by Adam's normalisation for
// near-zero gradients, stays far below one learning-rate step (the trainer's own tests).
const weightTolerance = 5e-3 * training.learningRate;

let bundle: WorkerBundle;
let directory: string;
let tokenData: Int32Array[];
let viewData: { first: Float32Array; second: Float32Array }[];

/** A resumable source over fixed batches: position p yields batch p (the seed is not used). */
function arraySource<Batch>(count: number, make: (index: number) => Batch): BatchSourceV1<Batch> {
  return {
    specificationVersion: 'v1',
    batches: ({ position }) => {
      let index = position;
      return {
        next: (): IteratorResult<Batch> =>
          index < count ? { done: false, value: make(index++) } : { done: true, value: undefined },
      };
    },
  };
}

const tokenSource = (): BatchSourceV1<tf.Tensor2D> =>
  arraySource(steps, (index) => tf.tensor2d(tokenData[index] as Int32Array, [4, 9], 'int32'));
const viewSource = (): BatchSourceV1<TwoViewBatch> =>
  arraySource(steps, (index) => ({
    first: tf.tensor2d(viewData[index]?.first as Float32Array, [8, 6]),
    second: tf.tensor2d(viewData[index]?.second as Float32Array, [8, 6]),
  }));

const gptWorkload = (options: JsonObject = gptModel) => ({
  module: bundle.moduleUrl('tiny-gpt-workload'),
  exportName: 'createTinyGpt',
  options,
});

/** Every weight of the objective (moving statistics too), flattened in a fixed order. */
function allWeights(objective: ObjectiveV1<never>): Float32Array {
  const parts = objectiveVariables(objective).map(
    (variable) => variable.dataSync() as Float32Array,
  );
  const values = new Float32Array(parts.reduce((total, part) => total + part.length, 0));
  let offset = 0;
  for (const part of parts) {
    values.set(part, offset);
    offset += part.length;
  }
  return values;
}

function maxAbsoluteDifference(
  actual: Float32Array,
  expected: Float32Array,
  label?: string,
): number {
  expect(actual.length).toBe(expected.length);
  let worst = 0;
  for (let index = 0; index < expected.length; index++)
    worst = Math.max(worst, Math.abs((actual[index] as number) - (expected[index] as number)));
  if (report && label !== undefined)
    console.info(`${label}: weights max absolute difference ${worst.toExponential(2)}`);
  return worst;
}

const report = process.env.DATA_PARALLEL_REPORT === '1';

function expectCurvesClose(
  actual: readonly number[],
  expected: readonly number[],
  label: string,
): void {
  expect(actual).toHaveLength(expected.length);
  if (report) {
    const worst = Math.max(
      ...actual.map(
        (loss, index) =>
          Math.abs(loss - (expected[index] as number)) / Math.abs(expected[index] as number),
      ),
    );
    console.info(`${label}: loss max relative difference ${worst.toExponential(2)}`);
  }
  actual.forEach((loss, index) => {
    const reference = expected[index] as number;
    expect(Math.abs(loss - reference) / Math.abs(reference)).toBeLessThan(1e-5);
  });
}

type Run = { result: PretrainResult; weights: Float32Array; events: PretrainProgressEvent[] };

async function train<Batch>(
  objective: ObjectiveV1<Batch>,
  data: BatchSourceV1<Batch>,
  options: PretrainOptions,
): Promise<Run> {
  const events: PretrainProgressEvent[] = [];
  try {
    const result = await pretrain(objective, data, {
      ...training,
      ...options,
      onProgress: (event) => {
        events.push(event);
      },
    });
    return { result, weights: allWeights(objective as ObjectiveV1<never>), events };
  } finally {
    objective.dispose();
  }
}

let gptReference: Run;
let gptPair: Run;

beforeAll(async () => {
  await initBackend({ backend: 'wasm', quiet: true });
  bundle = await buildWorkerBundle('pretrain');
  directory = await mkdtemp(join(tmpdir(), 'selfsup-pretrain-workers-'));
  const tokens = tinyTokenBatches(steps, { batchSize: 4, blockSize: 8 });
  tokenData = tokens.map((batch) => batch.dataSync() as Int32Array);
  tf.dispose(tokens);
  const views = twoViewBatches(steps, { batchSize: 8, inputSize: 6 });
  viewData = views.map((batch) => ({
    first: batch.first.dataSync() as Float32Array,
    second: batch.second.dataSync() as Float32Array,
  }));
  tf.dispose(views);
  gptReference = await train(createTinyGpt(gptModel), tokenSource(), {});
  gptPair = await train(createTinyGpt(gptModel), tokenSource(), {
    workers: 2,
    workload: gptWorkload(),
    workerEntry: bundle.workerEntry,
  });
});

afterAll(async () => {
  await bundle?.remove();
  if (directory !== undefined) await rm(directory, { recursive: true, force: true });
});

describe('pretrain({ workers: 2 }) on the GPT workload', () => {
  it('gives the same loss curve, events and trained objective as one worker', () => {
    expect(gptReference.result.workers).toBe(1);
    expect(gptReference.result.history.at(-1) as number).toBeLessThan(
      gptReference.result.history[0] as number,
    );
    expect(gptPair.result).toMatchObject({ workers: 2, step: steps, stepsRun: steps });
    expectCurvesClose(gptPair.result.history, gptReference.result.history, 'GPT, 2 workers vs 1');
    // The caller's objective holds the replicas' trained weights.
    expect(
      maxAbsoluteDifference(gptPair.weights, gptReference.weights, 'GPT, 2 workers vs 1'),
    ).toBeLessThan(weightTolerance);
    expect(
      gptPair.events.map((event) => [event.step, event.totalSteps, event.learningRate]),
    ).toEqual(
      gptReference.events.map((event) => [event.step, event.totalSteps, event.learningRate]),
    );
    gptPair.events.forEach((event, index) => {
      const reference = gptReference.events[index] as PretrainProgressEvent;
      expect(Math.abs(event.gradientNorm - reference.gradientNorm)).toBeLessThan(
        1e-5 * reference.gradientNorm,
      );
      expect(event.tokensPerSecond).toBeGreaterThan(0);
      expect(event.examplesPerSecond).toBeGreaterThan(0);
    });
  });

  it('leaves no tensor alive on the main thread', async () => {
    const objective = createTinyGpt(gptModel);
    try {
      await expectNoTensorLeak(() =>
        pretrain(objective, tokenSource(), {
          ...training,
          steps: 2,
          workers: 2,
          workload: gptWorkload(),
          workerEntry: bundle.workerEntry,
        }),
      );
    } finally {
      objective.dispose();
    }
  });

  it('records the worker count, and a resume without one continues with it exactly (optimizer state included)', async () => {
    const root = join(directory, 'gpt-two');
    const controller = new AbortController();
    const objective = createTinyGpt(gptModel);
    const aborted = await pretrain(objective, tokenSource(), {
      ...training,
      workers: 2,
      workload: gptWorkload(),
      workerEntry: bundle.workerEntry,
      checkpoint: { directory: root, everySteps: 3 },
      signal: controller.signal,
      onProgress: (event) => {
        if (event.step === 2) controller.abort();
      },
    }).catch((error: unknown) => error);
    objective.dispose();
    expect(aborted).toBeInstanceOf(TrainingAbortedError);
    const saved = (aborted as TrainingAbortedError).result;
    expect(saved).toMatchObject({ step: 3, workers: 2 });
    const manifest = await readCheckpointManifest(saved.checkpoint as string, 'tiny-gpt');
    expect(manifest.training?.workers).toBe(2);
    expect(manifest.optimizer).not.toBeNull();

    // Resume: no `workers`, so the recorded 2 are used; a different model's weights to start
    // from prove that the checkpoint, not the fresh objective, sets the state.
    const resumed = await train(createTinyGpt({ ...gptModel, seed: 9 }), tokenSource(), {
      workload: gptWorkload(),
      workerEntry: bundle.workerEntry,
      checkpoint: { directory: root, everySteps: 3 },
      resume: true,
    });
    expect(resumed.result).toMatchObject({ workers: 2, step: steps, stepsRun: 3 });
    // The same replicas doing the same sums in the same order: bit-identical to the uninterrupted run.
    expect([...saved.history, ...resumed.result.history]).toEqual([...gptPair.result.history]);
    expect(maxAbsoluteDifference(resumed.weights, gptPair.weights)).toBe(0);
    const final = await readCheckpointManifest(resumed.result.checkpoint as string, 'tiny-gpt');
    expect(final).toMatchObject({ step: steps, training: { workers: 2 } });
  });

  it('re-shards: resuming a 2-worker checkpoint with workers: 1 continues the same curve', async () => {
    const checkpoint = join(directory, 'gpt-two', 'step-00000003');
    const single = await train(createTinyGpt(gptModel), tokenSource(), {
      workers: 1,
      resume: checkpoint,
    });
    expect(single.result).toMatchObject({ workers: 1, step: steps, stepsRun: 3 });
    expectCurvesClose(
      single.result.history,
      gptPair.result.history.slice(3),
      'GPT, resumed on 1 worker after 2 vs 2 throughout',
    );
    expect(
      maxAbsoluteDifference(
        single.weights,
        gptPair.weights,
        'GPT, resumed on 1 worker after 2 vs 2 throughout',
      ),
    ).toBeLessThan(weightTolerance);
  });

  it('refuses to resume a 2-worker run without a workload, naming the count and the fix', async () => {
    const objective = createTinyGpt(gptModel);
    try {
      await expect(
        pretrain(objective, tokenSource(), {
          ...training,
          resume: join(directory, 'gpt-two', 'step-00000003'),
        }),
      ).rejects.toThrow(/trained with 2 workers.*Pass workload.*or workers: 1/);
    } finally {
      objective.dispose();
    }
  });
});

describe('pretrain({ workers: 2 }) on the SimCLR workload (SyncBN + NT-Xent over gathered negatives)', () => {
  it('gives the same loss curve and weights (BatchNorm moving statistics included) as one worker', async () => {
    const reference = await train(createTinySimclr(simclrModel), viewSource(), {});
    const pair = await train(createTinySimclr(simclrModel), viewSource(), {
      workers: 2,
      workload: {
        module: bundle.moduleUrl('tiny-simclr-workload'),
        exportName: 'createTinySimclr',
        options: simclrModel,
      },
      workerEntry: bundle.workerEntry,
    });
    expect(reference.result.history.at(-1) as number).toBeLessThan(
      reference.result.history[0] as number,
    );
    expect(pair.result.workers).toBe(2);
    expectCurvesClose(pair.result.history, reference.result.history, 'SimCLR, 2 workers vs 1');
    expect(
      maxAbsoluteDifference(pair.weights, reference.weights, 'SimCLR, 2 workers vs 1'),
    ).toBeLessThan(weightTolerance);
  });
});

describe('pretrain({ workers }) errors', () => {
  it('stops on a NaN loss like one worker: same step and message, last good checkpoint, last good weights', async () => {
    const stopAt = async (options: PretrainOptions) => {
      const objective = createTinyGpt({ ...gptModel, nanAtStep: 2 });
      try {
        const error = await pretrain(objective, tokenSource(), { ...training, ...options }).catch(
          (caught: unknown) => caught,
        );
        return { error, weights: allWeights(objective as ObjectiveV1<never>) };
      } finally {
        objective.dispose();
      }
    };
    const single = await stopAt({
      checkpoint: { directory: join(directory, 'nan-one'), everySteps: 1 },
    });
    const pair = await stopAt({
      workers: 2,
      workload: gptWorkload({ ...gptModel, nanAtStep: 2 }),
      workerEntry: bundle.workerEntry,
      checkpoint: { directory: join(directory, 'nan-two'), everySteps: 1 },
    });
    for (const { error } of [single, pair]) {
      expect(error).toBeInstanceOf(NonFiniteLossError);
      expect(error).toMatchObject({ step: 2, what: 'loss (NaN)' });
    }
    expect((pair.error as NonFiniteLossError).lastCheckpoint).toBe(
      join(directory, 'nan-two', 'step-00000002'),
    );
    expect(pair.weights.every(Number.isFinite)).toBe(true);
    expect(maxAbsoluteDifference(pair.weights, single.weights)).toBeLessThan(weightTolerance);
  });

  it('refuses more than one worker without a workload, or with accumulation', async () => {
    const objective = createTinyGpt(gptModel);
    try {
      await expect(pretrain(objective, tokenSource(), { ...training, workers: 2 })).rejects.toThrow(
        /workload: more than one worker needs workload: \{ module, exportName, options \}/,
      );
      await expect(
        pretrain(objective, tokenSource(), {
          ...training,
          workers: 2,
          workload: gptWorkload(),
          accumulationSteps: 2,
        }),
      ).rejects.toThrow(/accumulationSteps: data-parallel training does not accumulate/);
      await expect(
        pretrain(objective, tokenSource(), { ...training, workers: 1.5 }),
      ).rejects.toThrow(/workers/);
    } finally {
      objective.dispose();
    }
  });

  it('says what is missing when SharedArrayBuffer is not available', async () => {
    const objective = createTinyGpt(gptModel);
    vi.stubGlobal('SharedArrayBuffer', undefined);
    try {
      await expect(
        pretrain(objective, tokenSource(), {
          ...training,
          workers: 2,
          workload: gptWorkload(),
        }),
      ).rejects.toThrow(
        /workers: 2 all-reduces gradients through SharedArrayBuffer.*Use workers: 1/,
      );
    } finally {
      vi.unstubAllGlobals();
      objective.dispose();
    }
  });

  it('names a batch that does not split across the workers, and a workload that builds another model', async () => {
    const odd = arraySource(2, () => tf.tensor2d(new Int32Array(27), [3, 9], 'int32'));
    const first = createTinyGpt(gptModel);
    try {
      await expectNoTensorLeak(() =>
        expect(
          pretrain(first, odd, {
            ...training,
            workers: 2,
            workload: gptWorkload(),
            workerEntry: bundle.workerEntry,
          }),
        ).rejects.toThrow(/3 examples, which do not split evenly across 2 workers/),
      );
    } finally {
      first.dispose();
    }
    const wider = createTinyGpt({ ...gptModel, embeddingSize: 8 });
    try {
      await expect(
        pretrain(wider, tokenSource(), {
          ...training,
          workers: 2,
          workload: gptWorkload(),
          workerEntry: bundle.workerEntry,
        }),
      ).rejects.toThrow(/build different models/);
    } finally {
      wider.dispose();
    }
  });
});
