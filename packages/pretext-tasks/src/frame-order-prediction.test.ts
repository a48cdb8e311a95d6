import { createConvNetEncoder, initBackend, pretrain } from '@selfsup/core';
import { expectNoTensorLeak } from '@selfsup/core/test';
import { movingMnistSource } from '@selfsup/data';
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { createFrameOrderPrediction } from './frame-order-prediction';

const smallEncoder = () =>
  createConvNetEncoder({ inputShape: [40, 40, 1], channels: [8, 16], outputSize: 32, seed: 1 });

describe('createFrameOrderPrediction', () => {
  beforeAll(async () => {
    await initBackend({ backend: 'wasm', quiet: true });
  });

  it('learns to order Moving MNIST frames above chance', async () => {
    const objective = createFrameOrderPrediction({ encoder: smallEncoder(), headHiddenUnits: 64 });
    const accuracies: number[] = [];
    const result = await pretrain(
      objective,
      movingMnistSource({ batchSize: 32, frames: 6, size: 40 }),
      {
        steps: 120,
        learningRate: 3e-3,
        seed: 1,
        onProgress: (event) => {
          accuracies.push(event.metrics.accuracy ?? Number.NaN);
        },
      },
    );
    const last = accuracies.slice(-20).reduce((sum, value) => sum + value, 0) / 20;
    // Chance is 1/3 (three classes); measured ≈ 0.55 after 120 steps, ≈ 0.6 after 200.
    expect(last).toBeGreaterThan(0.45);
    expect(result.history.at(-1)!).toBeLessThan(result.history[0]!);
    objective.dispose();
  });

  it('leaks no tensor and checks its input', async () => {
    const objective = createFrameOrderPrediction({
      encoder: smallEncoder(),
      tupleLength: 4,
      task: 'binary',
    });
    const clips = tf.randomUniform([2, 5, 40, 40, 1], 0, 1, 'float32', 4) as tf.Tensor5D;
    await expectNoTensorLeak(() => {
      const outputs = tf.tidy(() => {
        const { loss, metrics } = objective.doLoss(
          { frames: clips },
          { step: 0, seed: 1, training: true },
        );
        return [loss, ...Object.values(metrics ?? {})];
      });
      expect(Number.isFinite(outputs[0]!.dataSync()[0]!)).toBe(true);
      tf.dispose(outputs);
    });
    const images = tf.zeros([2, 40, 40, 1]) as unknown as tf.Tensor5D;
    expect(() => objective.doLoss(images, { step: 0, seed: 1, training: true })).toThrow(
      /clips \[B, F, H, W, C\]/,
    );
    tf.dispose([clips, images]);
    objective.dispose();
  });
});
