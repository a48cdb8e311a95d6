import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  collectTrainableParameters,
  createConvNetEncoder,
  createImageViews,
  createMlpEncoder,
  initBackend,
  mnistViewPreset,
  pretrain,
  TrainingAbortedError,
} from '@selfsup/core';
import { expectNoTensorLeak, expectTensorsClose } from '@selfsup/core/test';
import {
  type ImageDataset,
  imageBatchSource,
  imagesToTensor,
  loadMnist,
  selectImages,
} from '@selfsup/data';
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMoco, type MocoObjective } from './moco';

const tinyEncoder = (seed = 1) => createConvNetEncoder({ channels: [4], outputSize: 8, seed });

/** Every weight by model and name, as plain arrays. */
function snapshot(models: Record<string, tf.LayersModel>): Map<string, Float32Array> {
  const values = new Map<string, Float32Array>();
  for (const [label, model] of Object.entries(models))
    for (const weight of model.weights)
      values.set(`${label}/${weight.originalName}`, Float32Array.from(weight.read().dataSync()));
  return values;
}

const modelsOf = (objective: MocoObjective): Record<string, tf.LayersModel> => ({
  encoder: objective.encoder.model,
  ...objective.heads,
});

let mnist: ImageDataset;
let root: string;

describe('createMoco', () => {
  beforeAll(async () => {
    await initBackend({ backend: 'wasm', quiet: true });
    mnist = loadMnist('train');
    root = await mkdtemp(join(tmpdir(), 'selfsup-moco-'));
  });
  afterAll(async () => {
    await rm(root, { recursive: true, force: true });
  });

  it('moves the key networks by exactly the EMA rule, and keeps them out of the optimizer', async () => {
    const digits = selectImages(
      mnist,
      Array.from({ length: 64 }, (_, i) => i),
    );
    const objective = createMoco({ encoder: tinyEncoder(), momentum: 0.9, queueSize: 32 });
    const keyNames = new Set(
      [
        ...objective.keyEncoder.model.weights,
        ...(objective.heads.keyProjection?.weights ?? []),
      ].map((weight) => (weight.read() as tf.Variable).name),
    );
    const trained = collectTrainableParameters(objective);
    expect(trained.length).toBeGreaterThan(0);
    expect(trained.filter((parameter) => keyNames.has(parameter.variable.name))).toEqual([]);
    // The key networks start as copies of the query networks.
    const start = snapshot(modelsOf(objective));
    for (const [name, values] of start) {
      if (name.startsWith('keyEncoder/') && !name.includes('moving'))
        expect(Array.from(values)).toEqual(
          Array.from(start.get(name.replace('keyEncoder/', 'encoder/'))!),
        );
    }
    // One step that changes the query networks, then check θ_k ← 0.9·θ_k + 0.1·θ_q on every weight.
    await pretrain(objective, imageBatchSource(digits, { batchSize: 8 }), {
      steps: 2,
      learningRate: 0.05,
      seed: 3,
    });
    const before = snapshot(modelsOf(objective));
    await pretrain(objective, imageBatchSource(digits, { batchSize: 8 }), {
      steps: 1,
      learningRate: 0.05,
      seed: 4,
    });
    const after = snapshot(modelsOf(objective));
    const pairs: [string, string][] = [
      ...objective.encoder.model.trainableWeights.map((weight): [string, string] => [
        `keyEncoder/${weight.originalName}`,
        `encoder/${weight.originalName}`,
      ]),
      ...(objective.heads.projection?.trainableWeights ?? []).map((weight): [string, string] => [
        `keyProjection/${weight.originalName}`,
        `projection/${weight.originalName}`,
      ]),
    ];
    expect(pairs.length).toBe(9); // encoder: conv kernel, γ, β, dense kernel, bias; head: 2 × (kernel, bias)
    for (const [key, query] of pairs) {
      const old = before.get(key)!;
      const online = after.get(query)!;
      expect(Array.from(online)).not.toEqual(Array.from(before.get(query)!)); // the query moved
      const expected = old.map((value, i) => 0.9 * value + 0.1 * online[i]!);
      expectTensorsClose(after.get(key)!, expected, { label: key, rtol: 1e-5, atol: 1e-7 });
    }
    objective.dispose();
  });

  it('enqueues exactly the L2-normalised keys of the key networks after each step', async () => {
    const objective = createMoco({
      encoder: tinyEncoder(),
      queueSize: 12,
      batchNormGroups: 1,
    });
    const images = imagesToTensor(mnist, [0, 1, 2, 3, 4, 5, 6, 7]);
    const context = { step: 0, seed: 17, training: true };
    const expected = tf.tidy(() => {
      const [, keyViews] = createImageViews(mnistViewPreset).twoViews(images, context.seed);
      const features = objective.keyEncoder.doEncode(keyViews, { training: true });
      const keys = objective.heads.keyProjection!.apply(features) as tf.Tensor2D;
      return tf.div(keys, tf.norm(keys, 2, 1, true)) as tf.Tensor2D;
    });
    const initial = objective.queue.keys.arraySync();
    await expectNoTensorLeak(() => {
      tf.dispose(tf.tidy(() => Object.values(objective.doLoss(images, context).metrics ?? {})));
      objective.doAfterStep?.(context);
    });
    const rows = objective.queue.keys.arraySync();
    expectTensorsClose(rows.slice(0, 8).flat(), expected.arraySync().flat(), {
      label: 'queued keys',
      rtol: 1e-4,
      atol: 1e-6,
    });
    expect(rows.slice(8)).toEqual(initial.slice(8));
    expect(objective.queue.pointer).toBe(8);
    // The next batch wraps: rows 8–11 then 0–3.
    const next = { step: 1, seed: 18, training: true };
    tf.dispose(tf.tidy(() => [objective.doLoss(images, next).loss]));
    objective.doAfterStep?.(next);
    expect(objective.queue.pointer).toBe(4);
    expect(objective.queue.keys.arraySync().slice(4, 8)).toEqual(rows.slice(4, 8));
    tf.dispose([images, expected]);
    objective.dispose();
  });

  it('resumes from a checkpoint to the exact queue, key networks and weights of an uninterrupted run', async () => {
    const digits = selectImages(
      mnist,
      Array.from({ length: 64 }, (_, i) => i),
    );
    const source = () => imageBatchSource(digits, { batchSize: 8 });
    const options = { steps: 6, learningRate: 0.01, seed: 5 } as const;
    // 6 batches of 8 into a queue of 20: the queue wraps twice, not on a batch boundary.
    const build = (seed: number) =>
      createMoco({ encoder: tinyEncoder(seed), queueSize: 20, batchNormGroups: 2, seed });
    const uninterrupted = build(1);
    await pretrain(uninterrupted, source(), options);

    const directory = join(root, 'resume');
    const controller = new AbortController();
    const interrupted = build(1);
    const error = await pretrain(interrupted, source(), {
      ...options,
      checkpoint: { directory, everySteps: 3 },
      signal: controller.signal,
      onProgress: (event) => {
        if (event.step === 2) controller.abort();
      },
    }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(TrainingAbortedError);
    interrupted.dispose();

    const resumed = build(9); // other initial weights and queue: everything must come from the checkpoint
    const result = await pretrain(resumed, source(), {
      ...options,
      checkpoint: { directory },
      resume: true,
    });
    expect(result.resumedFrom).toBe(join(directory, 'step-00000003'));
    expect(result.step).toBe(6);
    const expected = snapshot(modelsOf(uninterrupted));
    const actual = snapshot(modelsOf(resumed));
    expect([...actual.keys()]).toEqual([...expected.keys()]);
    for (const [name, values] of actual)
      expect(Array.from(values), name).toEqual(Array.from(expected.get(name)!));
    expect(resumed.queue.pointer).toBe(uninterrupted.queue.pointer);
    expect(resumed.queue.pointer).toBe((6 * 8) % 20);
    expect(resumed.queue.keys.arraySync()).toEqual(uninterrupted.queue.keys.arraySync());
    uninterrupted.dispose();
    resumed.dispose();
  });

  it('leaks no tensor per training step and refuses bad batches and encoders', async () => {
    const digits = selectImages(
      mnist,
      Array.from({ length: 32 }, (_, i) => i),
    );
    const objective = createMoco({ encoder: tinyEncoder(), queueSize: 16 });
    await expectNoTensorLeak(() =>
      pretrain(objective, imageBatchSource(digits, { batchSize: 8 }), { steps: 3, seed: 1 }),
    );
    const single = tf.zeros([1, 28, 28, 1]) as tf.Tensor4D;
    const large = tf.zeros([17, 28, 28, 1]) as tf.Tensor4D;
    const context = { step: 0, seed: 1, training: true };
    expect(() => tf.tidy(() => objective.doLoss(single, context).loss)).toThrow(
      /at least 2 images/,
    );
    expect(() => tf.tidy(() => objective.doLoss(large, context).loss)).toThrow(/raise queueSize/);
    tf.dispose([single, large]);
    objective.dispose();
    const vectors = createMlpEncoder({ inputShape: [4], hiddenSizes: [4] });
    expect(() => createMoco({ encoder: vectors })).toThrow(/needs an image encoder/);
    vectors.dispose();
    const encoder = tinyEncoder();
    expect(() => createMoco({ encoder, momentum: 1.5 })).toThrow(/momentum must be in \[0, 1\]/);
    expect(() => createMoco({ encoder, keyEncoder: encoder })).toThrow(/separate copy/);
    encoder.dispose();
  });
});
