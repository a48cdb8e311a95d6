import { createConvNetEncoder, initBackend, pretrain } from '@selfsup/core';
import { expectNoTensorLeak } from '@selfsup/core/test';
import { imageBatchSource, loadMnist, selectImages } from '@selfsup/data';
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { createSimclr } from './simclr';

const smallEncoder = () => createConvNetEncoder({ channels: [8, 16], outputSize: 32, seed: 1 });

/**
 * Crops, jitter and blur without the default's affine step: the harder default views pay off over
 * hundreds of steps (the package README), too slowly for a 50-step test of the objective.
 */
const shortRunViews = {
  crop: { scale: [0.4, 1] },
  colorJitter: { brightness: 0.4, contrast: 0.4, probability: 0.8 },
  blur: { sigma: [0.1, 1], probability: 0.5 },
} as const;

describe('createSimclr', () => {
  beforeAll(async () => {
    await initBackend({ backend: 'wasm', quiet: true });
  });

  it('learns to find the other view of each MNIST digit among the batch (loss falls, accuracy rises)', async () => {
    const digits = selectImages(
      loadMnist('train'),
      Array.from({ length: 2048 }, (_, i) => i),
    );
    const objective = createSimclr({ encoder: smallEncoder(), views: shortRunViews });
    const accuracies: number[] = [];
    const result = await pretrain(objective, imageBatchSource(digits, { batchSize: 32 }), {
      steps: 50,
      learningRate: 3e-3,
      seed: 2,
      onProgress: (event) => {
        accuracies.push(event.metrics.accuracy ?? Number.NaN);
      },
    });
    const mean = (values: number[]) =>
      values.reduce((sum, value) => sum + value, 0) / values.length;
    // Chance is 1/63; within 50 small steps the positive already ranks first far more often.
    expect(mean(accuracies.slice(-10))).toBeGreaterThan(mean(accuracies.slice(0, 5)) + 0.05);
    expect(mean(result.history.slice(-10))).toBeLessThan(mean(result.history.slice(0, 5)) - 0.3);
    objective.dispose();
  });

  it('leaks no tensor in its loss and refuses a batch without negatives', async () => {
    const objective = createSimclr({ encoder: smallEncoder() });
    const images = tf.randomUniform([4, 28, 28, 1], 0, 1, 'float32', 4) as tf.Tensor4D;
    await expectNoTensorLeak(() => {
      const outputs = tf.tidy(() => {
        const { loss, metrics } = objective.doLoss(
          { images },
          { step: 0, seed: 1, training: true },
        );
        return [loss, ...Object.values(metrics ?? {})];
      });
      expect(Number.isFinite(outputs[0]!.dataSync()[0]!)).toBe(true);
      tf.dispose(outputs);
    });
    const single = tf.zeros([1, 28, 28, 1]) as tf.Tensor4D;
    expect(() =>
      tf.tidy(() => objective.doLoss(single, { step: 0, seed: 1, training: true }).loss),
    ).toThrow(/at least 2 images/);
    tf.dispose([images, single]);
    objective.dispose();
  });
});
