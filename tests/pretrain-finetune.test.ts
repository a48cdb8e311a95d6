import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  createConvNetEncoder,
  createPretrainedRunner,
  createScratchRunner,
  encode,
  initBackend,
  labelEfficiency,
  loadEncoder,
  pretrain,
} from '@selfsup/core';
import { expectTensorsClose } from '@selfsup/core/test';
import { imageBatchSource, imagesToTensor, loadMnist, selectImages } from '@selfsup/data';
import { createRotationPrediction } from '@selfsup/pretext-tasks';
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';

const range = (count: number) => Array.from({ length: count }, (_, i) => i);
const smallConvNet = (seed: number) =>
  createConvNetEncoder({ channels: [8, 16], outputSize: 64, seed });

describe('pretrain → checkpoint → finetune on MNIST', () => {
  beforeAll(async () => {
    await initBackend({ backend: 'wasm', quiet: true });
  });

  it('pretrains with checkpoints, reloads the encoder from disk and runs the label-efficiency protocol', async () => {
    const train = loadMnist('train');
    const test = loadMnist('test');
    // Pretrain on images the finetuning pool does not contain (labels unused).
    const unlabeled = selectImages(
      train,
      range(4096).map((i) => 10_000 + i),
    );
    const directory = mkdtempSync(join(tmpdir(), 'selfsup-flow-'));
    const objective = createRotationPrediction({ encoder: smallConvNet(1), headHiddenUnits: 64 });
    const result = await pretrain(objective, imageBatchSource(unlabeled, { batchSize: 32 }), {
      steps: 100,
      learningRate: 3e-3,
      seed: 1,
      checkpoint: { directory, everySteps: 50 },
    });
    // Rotation prediction is learnable far above its 25% chance.
    expect(result.metrics.accuracy).toBeGreaterThan(0.7);

    // The checkpoint on disk holds exactly the trained encoder (BatchNorm statistics included).
    const loaded = await loadEncoder(directory);
    const probe = imagesToTensor(test, range(16));
    const inMemory = encode(objective.encoder, probe);
    const fromDisk = encode(loaded, probe);
    expectTensorsClose(fromDisk, inMemory, { relativeNorm: 1e-6, rtol: 1e-6, atol: 1e-6 });
    tf.dispose([probe, inMemory, fromDisk]);
    loaded.dispose();
    objective.dispose();

    const pool = {
      inputs: imagesToTensor(train, range(2000)),
      labels: Int32Array.from(train.labels.subarray(0, 2000)),
    };
    const heldOut = {
      inputs: imagesToTensor(test, range(1000)),
      labels: Int32Array.from(test.labels.subarray(0, 1000)),
    };
    const study = await labelEfficiency({
      train: pool,
      test: heldOut,
      numClasses: 10,
      budgets: [100],
      seeds: [0, 1, 2],
      recipe: { epochs: 8, batchSize: 32 },
      runners: [
        // Each run loads a fresh copy of the pretrained encoder from the checkpoint on disk.
        createPretrainedRunner(() => loadEncoder(directory), { modes: ['linear-probe', 'full'] }),
        createScratchRunner((seed) => smallConvNet(100 + seed)),
      ],
    });
    tf.dispose([pool.inputs, heldOut.inputs]);

    expect(study.rows).toHaveLength(9);
    for (const row of study.rows) {
      expect(row.labelCount).toBe(100);
      // Ten classes: chance is 10%.
      expect(row.accuracy).toBeGreaterThan(0.3);
    }
    for (const entry of study.summary.filter((item) => item.metric === 'accuracy')) {
      const runs = study.rows.filter(
        (row) => row.runner === entry.runner && row.mode === entry.mode,
      );
      const mean = runs.reduce((sum, row) => sum + row.accuracy, 0) / runs.length;
      expect(entry.n).toBe(3);
      expect(entry.mean).toBeCloseTo(mean, 10);
    }
  });
});
