import { createConvNetEncoder, initBackend, pretrain } from '@selfsup/core';
import { expectNoTensorLeak } from '@selfsup/core/test';
import { imageBatchSource, loadMnist, selectImages } from '@selfsup/data';
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { createRotationPrediction } from './rotation-prediction';

const smallEncoder = () => createConvNetEncoder({ channels: [8, 16], outputSize: 32, seed: 1 });

describe('createRotationPrediction', () => {
  beforeAll(async () => {
    await initBackend({ backend: 'wasm', quiet: true });
  });

  it('learns to tell the rotation of MNIST digits far above chance', async () => {
    const digits = selectImages(
      loadMnist('train'),
      Array.from({ length: 2048 }, (_, i) => i),
    );
    const objective = createRotationPrediction({ encoder: smallEncoder(), headHiddenUnits: 32 });
    const accuracies: number[] = [];
    const result = await pretrain(objective, imageBatchSource(digits, { batchSize: 32 }), {
      steps: 60,
      learningRate: 3e-3,
      seed: 1,
      onProgress: (event) => {
        accuracies.push(event.metrics.accuracy ?? Number.NaN);
      },
    });
    const last = accuracies.slice(-10).reduce((sum, value) => sum + value, 0) / 10;
    // Chance is 25%.
    expect(last).toBeGreaterThan(0.6);
    expect(result.history.at(-1)!).toBeLessThan(result.history[0]!);
    objective.dispose();
  });

  it('scores all four rotations of each image and leaks no tensor', async () => {
    const objective = createRotationPrediction({ encoder: smallEncoder() });
    const images = tf.randomUniform([3, 28, 28, 1], 0, 1, 'float32', 4) as tf.Tensor4D;
    // The loop calls doLoss inside tf.tidy; only the loss and metrics may escape it.
    await expectNoTensorLeak(() => {
      const outputs = tf.tidy(() => {
        const { loss, metrics } = objective.doLoss(images, { step: 0, seed: 1, training: true });
        return [loss, ...Object.values(metrics ?? {})];
      });
      expect(outputs[0]!.shape).toEqual([]);
      expect(Number.isFinite(outputs[0]!.dataSync()[0]!)).toBe(true);
      expect(outputs).toHaveLength(2);
      tf.dispose(outputs);
    });
    const one = createRotationPrediction({ encoder: smallEncoder(), rotations: 'one' });
    await expectNoTensorLeak(() => {
      const outputs = tf.tidy(() => {
        const { loss, metrics } = one.doLoss({ images }, { step: 0, seed: 1, training: true });
        return [loss, ...Object.values(metrics ?? {})];
      });
      tf.dispose(outputs);
    });
    images.dispose();
    objective.dispose();
    one.dispose();
  });

  it('refuses a non-image or non-square encoder with the reason', () => {
    expect(() =>
      createRotationPrediction({
        encoder: createConvNetEncoder({ inputShape: [28, 20, 1], channels: [4] }),
      }),
    ).toThrow(/square images/);
  });
});
