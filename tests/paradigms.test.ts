import {
  createClusteringRunner,
  createFixMatchRunner,
  createPcaProbeRunner,
  createPseudoLabelRunner,
  createSupervisedRunner,
} from '@selfsup/baselines';
import {
  cloneEncoder,
  createConvNetEncoder,
  createPretrainedRunner,
  createScratchRunner,
  initBackend,
  labelEfficiency,
  pretrain,
} from '@selfsup/core';
import { imageBatchSource, imagesToTensor, loadMnist, selectImages } from '@selfsup/data';
import { createRotationPrediction } from '@selfsup/pretext-tasks';
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';

const range = (start: number, end: number) =>
  Array.from({ length: end - start }, (_, i) => start + i);
const smallConvNet = (seed: number) =>
  createConvNetEncoder({ channels: [8, 16], outputSize: 32, seed });

describe('the four paradigms side by side (tiny version of the issue-8 grid)', () => {
  beforeAll(async () => {
    await initBackend({ backend: 'wasm', quiet: true });
  });

  it('self-supervised, supervised, unsupervised and semi-supervised runners share one protocol', async () => {
    const train = loadMnist('train');
    const test = loadMnist('test');
    // Self-supervised: rotation prediction on images outside the labeled pool.
    const objective = createRotationPrediction({ encoder: smallConvNet(1), headHiddenUnits: 32 });
    await pretrain(
      objective,
      imageBatchSource(selectImages(train, range(20_000, 22_048)), { batchSize: 32 }),
      { steps: 40, learningRate: 3e-3, seed: 1 },
    );
    const pool = {
      inputs: imagesToTensor(train, range(0, 1000)),
      labels: Int32Array.from(train.labels.subarray(0, 1000)),
    };
    const held = {
      inputs: imagesToTensor(test, range(0, 300)),
      labels: Int32Array.from(test.labels.subarray(0, 300)),
    };
    const semi = { createEncoder: smallConvNet, steps: 20 };
    const tensorsBefore = tf.memory().numTensors;
    const study = await labelEfficiency({
      train: pool,
      test: held,
      numClasses: 10,
      budgets: [20],
      seeds: [0, 1, 2],
      recipe: { epochs: 5 },
      minimumSteps: 20,
      runners: [
        createPretrainedRunner(() => cloneEncoder(objective.encoder), {
          name: 'rotation',
          modes: ['linear-probe'],
        }),
        createScratchRunner(smallConvNet),
        createSupervisedRunner({ createEncoder: smallConvNet }),
        createPcaProbeRunner({ components: 20, fitLimit: 1000 }),
        createClusteringRunner({ algorithm: 'k-means', components: 20, fitLimit: 1000 }),
        createPseudoLabelRunner(semi),
        createFixMatchRunner(semi),
      ],
    });
    expect(tf.memory().numTensors).toBe(tensorsBefore);
    const runners = [
      'rotation',
      'scratch',
      'supervised',
      'pca',
      'k-means',
      'pseudo-label',
      'fixmatch',
    ];
    for (const runner of runners) {
      const rows = study.rows.filter((row) => row.runner === runner);
      expect(rows, runner).toHaveLength(3);
      const mean = rows.reduce((sum, row) => sum + row.accuracy, 0) / rows.length;
      // 20 labels, 10 classes: chance is 10%; every paradigm must learn something.
      expect(mean, runner).toBeGreaterThan(0.2);
    }
    expect(
      study.summary
        .filter((entry) => entry.metric === 'accuracy')
        .map((entry) => entry.runner)
        .sort(),
    ).toEqual([...runners].sort());
    tf.dispose([pool.inputs, held.inputs]);
    objective.dispose();
  });
});
