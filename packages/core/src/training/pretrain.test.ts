import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../backend/init-backend';
import { loadCheckpoint } from '../checkpoint/load-checkpoint';
import type { ObjectiveV1 } from '../spec/objective-v1';
import { expectTensorsClose } from '../test/compare-tensors';
import { expectNoTensorLeak } from '../test/expect-no-tensor-leak';
import { createTinyObjective, tinyBatchSource } from '../test/tiny-objective';
import { pretrain } from './pretrain';
import type { PretrainProgressEvent } from './pretrain-progress-event';
import { NonFiniteLossError, TrainingAbortedError } from './training-errors';

function allWeights(objective: ObjectiveV1<tf.Tensor>): Float32Array[] {
  const models = [objective.encoder.model, ...Object.values(objective.heads)];
  return models.flatMap((model) =>
    model.weights.map((weight) => Float32Array.from(weight.read().dataSync())),
  );
}

let root: string;

describe('pretrain', () => {
  beforeAll(async () => {
    await initBackend({ backend: 'wasm' });
    root = await mkdtemp(join(tmpdir(), 'selfsup-pretrain-'));
  });
  afterAll(async () => {
    await rm(root, { recursive: true, force: true });
  });

  it('lowers the loss, reports progress every step, and keeps the tensor count flat', async () => {
    const objective = createTinyObjective({ seed: 2 });
    const events: PretrainProgressEvent[] = [];
    const counts: number[] = [];
    let result: Awaited<ReturnType<typeof pretrain>> | undefined;
    const source = tinyBatchSource();
    await expectNoTensorLeak(async () => {
      result = await pretrain(objective, source, {
        steps: 30,
        learningRate: 0.05,
        warmupSteps: 3,
        seed: 1,
        onProgress: (event) => {
          events.push(event);
          counts.push(tf.memory().numTensors);
        },
      });
    });
    expect(result?.step).toBe(30);
    expect(result?.history).toHaveLength(30);
    const first = result?.history[0] ?? 0;
    expect(result?.loss).toBeLessThan(first * 0.5);
    expect(events.map((event) => event.step)).toEqual(Array.from({ length: 30 }, (_, i) => i));
    const last = events.at(-1);
    expect(last?.totalSteps).toBe(30);
    expect(last?.metrics.meanAbsoluteError).toBeGreaterThan(0);
    expect(last?.examplesPerSecond).toBeGreaterThan(0);
    expect(last?.etaSeconds).toBe(0);
    expect(events[0]?.learningRate).toBeCloseTo(0.05 / 3, 10);
    expect(events[2]?.learningRate).toBeCloseTo(0.05, 10);
    expect(last?.learningRate).toBeCloseTo(0, 10);
    expect(events[0]?.gradientNorm).toBeGreaterThan(0);
    // Prefetch reads at most `prefetch` (2) batches ahead, and disposes them at the end.
    expect(source.created()).toBeLessThanOrEqual(30 + 2);
    // After the first steps (prefetch filled, optimizer slots created) the count never moves.
    expect(new Set(counts.slice(2)).size).toBe(1);
    objective.dispose();
  });

  it('accumulating 2 micro-batches equals one batch twice as large', async () => {
    const accumulated = createTinyObjective({ seed: 3 });
    const large = createTinyObjective({ seed: 3 });
    const common = {
      steps: 1,
      optimizer: 'sgd',
      momentum: 0,
      learningRate: 0.5,
      schedule: 'constant',
      seed: 4,
    } as const;
    const small = await pretrain(accumulated, tinyBatchSource({ batchSize: 4 }), {
      ...common,
      accumulationSteps: 2,
    });
    const big = await pretrain(large, tinyBatchSource({ batchSize: 8 }), common);
    expect(small.loss).toBeCloseTo(big.loss ?? 0, 6);
    const a = allWeights(accumulated);
    const b = allWeights(large);
    a.forEach((values, index) => {
      const expected = b[index] ?? new Float32Array();
      values.forEach((value, element) => {
        expect(Math.abs(value - (expected[element] ?? 0))).toBeLessThan(1e-6);
      });
    });
    // And the update is real: the weights moved.
    const initial = createTinyObjective({ seed: 3 });
    expect(Array.from(allWeights(initial)[0] ?? [])).not.toEqual(Array.from(a[0] ?? []));
    for (const objective of [accumulated, large, initial]) objective.dispose();
  });

  it('abort at step k then resume ends with exactly the weights of an uninterrupted run', async () => {
    const options = {
      steps: 7,
      learningRate: 0.02,
      warmupSteps: 2,
      seed: 11,
      accumulationSteps: 2,
      clipNorm: 0.5,
    } as const;
    const uninterrupted = createTinyObjective({ seed: 5 });
    await pretrain(uninterrupted, tinyBatchSource(), options);

    const directory = join(root, 'resume');
    const controller = new AbortController();
    const interrupted = createTinyObjective({ seed: 5 });
    const error = await pretrain(interrupted, tinyBatchSource(), {
      ...options,
      checkpoint: { directory, everySteps: 2, keepLast: 1 },
      signal: controller.signal,
      onProgress: (event) => {
        if (event.step === 2) controller.abort();
      },
    }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(TrainingAbortedError);
    const aborted = error as TrainingAbortedError;
    expect(aborted.name).toBe('AbortError');
    expect(aborted.step).toBe(3);
    expect(aborted.checkpoint).toBe(join(directory, 'step-00000003'));
    expect(aborted.message).toContain(aborted.checkpoint);
    expect(await readdir(directory)).toEqual(['step-00000003']); // keepLast: 1 pruned step 2
    interrupted.dispose();

    const resumed = createTinyObjective({ seed: 99 }); // other initial weights: all must come from the checkpoint
    const result = await pretrain(resumed, tinyBatchSource(), {
      ...options,
      checkpoint: { directory },
      resume: true,
    });
    expect(result.resumedFrom).toBe(join(directory, 'step-00000003'));
    expect(result.stepsRun).toBe(4);
    expect(result.step).toBe(7);
    const expected = allWeights(uninterrupted);
    allWeights(resumed).forEach((values, index) => {
      expect(Array.from(values)).toEqual(Array.from(expected[index] ?? []));
    });
    expect(resumed.stepsSeen()).toBe(uninterrupted.stepsSeen());
    expect(result.checkpoint).toBe(join(directory, 'step-00000007'));
    uninterrupted.dispose();
    resumed.dispose();
  });

  it('stops on a NaN loss with the step and the last good checkpoint, which stays loadable and finite', async () => {
    const directory = join(root, 'nan');
    const objective = createTinyObjective({ nanAtStep: 3 });
    const before = allWeights(objective);
    const error = await pretrain(objective, tinyBatchSource(), {
      steps: 10,
      checkpoint: { directory, everySteps: 2 },
    }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(NonFiniteLossError);
    expect((error as Error).message).toMatch(/Non-finite loss \(NaN\) at step 3/);
    expect((error as Error).message).toContain(join(directory, 'step-00000002'));
    // No update was applied at the failing step: the weights stay finite.
    for (const values of allWeights(objective)) expect(values.every(Number.isFinite)).toBe(true);
    expect(allWeights(objective)[0]).not.toEqual(before[0]);
    const checkpoint = await loadCheckpoint(directory);
    expect(checkpoint.manifest.step).toBe(2);
    for (const weight of checkpoint.encoder.weights)
      expect(weight.read().dataSync().every(Number.isFinite)).toBe(true);
    checkpoint.dispose();
    objective.dispose();
  });

  it('stops on an absurd learning rate and never writes a checkpoint with non-finite weights', async () => {
    const directory = join(root, 'absurd');
    const objective = createTinyObjective();
    const error = await pretrain(objective, tinyBatchSource(), {
      steps: 20,
      optimizer: 'sgd',
      learningRate: 1e30,
      schedule: 'constant',
      checkpoint: { directory, everySteps: 1, keepLast: 20 },
    }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(NonFiniteLossError);
    expect((error as Error).message).toMatch(/at step \d+/);
    for (const name of await readdir(directory)) {
      const checkpoint = await loadCheckpoint(join(directory, name));
      for (const model of [checkpoint.encoder, ...Object.values(checkpoint.heads)]) {
        for (const weight of model.weights)
          expect(weight.read().dataSync().every(Number.isFinite)).toBe(true);
      }
      checkpoint.dispose();
    }
    objective.dispose();
  });

  it('trains on a plain iterable (epochs from its length) but refuses to resume it', async () => {
    const objective = createTinyObjective();
    const batches = Array.from(
      { length: 3 },
      (_, i) => tf.fill([4, 4], i * 0.1 + 0.1) as tf.Tensor2D,
    );
    const result = await pretrain(objective, batches, { epochs: 1, schedule: 'constant' });
    expect(result.step).toBe(3);
    expect(batches.every((batch) => batch.isDisposed)).toBe(true);
    await expect(
      pretrain(objective, [tf.zeros([2, 4])], { steps: 1, resume: join(root, 'resume') }),
    ).rejects.toThrow(/resume needs data that is a BatchSourceV1/);
    async function* short(): AsyncGenerator<tf.Tensor> {
      yield tf.ones([2, 4]);
      yield tf.ones([2, 4]);
    }
    const exhausted = await pretrain(objective, short(), { steps: 5 });
    expect(exhausted.stoppedBy).toBe('data-exhausted');
    expect(exhausted.step).toBe(2);
    objective.dispose();
  });

  it('reports tokens per second for encoders of tokens', async () => {
    const base = createTinyObjective();
    const tokenEncoder = Object.assign(
      Object.create(Object.getPrototypeOf(base.encoder) as object) as typeof base.encoder,
      base.encoder,
      {
        inputSpec: { modality: 'tokens', shape: [4], dtype: 'int32' },
      },
    );
    const objective: ObjectiveV1<tf.Tensor> = {
      ...base,
      encoder: tokenEncoder,
      doLoss: (batch, context) => base.doLoss(batch.cast('float32'), context),
    };
    const batches = Array.from({ length: 3 }, () => tf.ones([2, 4], 'int32'));
    const events: PretrainProgressEvent[] = [];
    await pretrain(objective, batches, {
      steps: 3,
      onProgress: (event) => void events.push(event),
    });
    const last = events.at(-1);
    // 8 tokens per batch of 2 examples.
    expect(last?.tokensPerSecond).toBeCloseTo((last?.examplesPerSecond ?? 0) * 4, 6);
    base.dispose();
  });

  it('refuses a fresh run in a directory that holds another run, and a non-scalar loss', async () => {
    const objective = createTinyObjective();
    const directory = join(root, 'occupied');
    await pretrain(objective, tinyBatchSource(), { steps: 1, checkpoint: { directory } });
    await expect(
      pretrain(objective, tinyBatchSource(), { steps: 2, checkpoint: { directory } }),
    ).rejects.toThrow(/already holds checkpoints of a run .*Pass resume: true/);
    const vectorLoss: ObjectiveV1<tf.Tensor> = {
      ...objective,
      doLoss: (batch) => ({ loss: batch.mean(1) as tf.Scalar }),
    };
    await expect(pretrain(vectorLoss, tinyBatchSource(), { steps: 1 })).rejects.toThrow(
      /returned a loss of shape \[8\]; it must be a scalar/,
    );
    objective.dispose();
  });

  it('gives the same weights on wasm as on cpu after a few steps', async () => {
    const run = async (backend: string): Promise<Float32Array[]> => {
      await tf.setBackend(backend);
      const objective = createTinyObjective({ seed: 12 });
      await pretrain(objective, tinyBatchSource(), { steps: 3, learningRate: 0.01, clipNorm: 1 });
      const weights = allWeights(objective);
      objective.dispose();
      return weights;
    };
    const reference = await run('cpu');
    const actual = await run('wasm');
    actual.forEach((values, index) => {
      expectTensorsClose(values, reference[index] ?? [], { label: `weight ${index}` });
    });
  });

  it('rejects bad options with a message that names them', async () => {
    const objective = createTinyObjective();
    await expect(pretrain(objective, tinyBatchSource(), { steps: 0 })).rejects.toThrow(
      /Invalid pretrain\(\) options: steps/,
    );
    await expect(
      pretrain(objective, tinyBatchSource(), { steps: 2, resume: true }),
    ).rejects.toThrow(/checkpoint.directory/);
    await expect(pretrain(objective, tinyBatchSource(), {})).rejects.toThrow(
      /give the run length as `steps`/,
    );
    await expect(pretrain(objective, (async function* () {})(), { epochs: 1 })).rejects.toThrow(
      /`epochs` needs data that says its size/,
    );
    await expect(
      pretrain(objective, tinyBatchSource(), { steps: 2, resume: join(root, 'missing') }),
    ).rejects.toThrow(/does not exist/);
    objective.dispose();
  });
});
