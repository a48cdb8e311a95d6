import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { initBackend, loadEncoder, pretrain } from '@selfsup/core';
import { expectNoTensorLeak, expectTensorsClose } from '@selfsup/core/test';
import { imageBatchSource, imagesToTensor, loadMnist, selectImages } from '@selfsup/data';
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { binarizeImages } from './binarize-images';
import { PixelCnn, pixelCnnEncoderFactory } from './pixel-cnn';
import { pixelCnnNll } from './pixel-cnn-nll';
import { createPixelCnnObjective } from './pixel-cnn-objective';
import { registerPixelCnnLayers } from './register-pixel-cnn-layers';

const range = (start: number, count: number) => Array.from({ length: count }, (_, i) => start + i);
const mean = (values: readonly number[]) =>
  values.reduce((sum, value) => sum + value, 0) / values.length;

describe('createPixelCnnObjective', () => {
  beforeAll(async () => {
    await initBackend({ backend: 'wasm', quiet: true });
  });

  it('learns binarized MNIST with pretrain on wasm: the loss falls and the held-out NLL drops', async () => {
    const train = selectImages(loadMnist('train'), range(0, 512));
    const heldOut = binarizeImages(imagesToTensor(loadMnist('test'), range(0, 64)), 0);
    const objective = createPixelCnnObjective({
      pixelCnn: { channels: 8, blocks: 2, firstKernelSize: 5, seed: 1 },
    });
    const before = await pixelCnnNll(objective.network, heldOut);
    const natsPerImage: number[] = [];
    const result = await pretrain(objective, imageBatchSource(train, { batchSize: 16 }), {
      steps: 20,
      learningRate: 1e-2,
      seed: 2,
      onProgress: (event) => {
        natsPerImage.push(event.metrics.natsPerImage ?? Number.NaN);
      },
    });
    const after = await pixelCnnNll(objective.network, heldOut);
    // The loss is nats per pixel; its metric natsPerImage is the same times 784.
    expect(natsPerImage[0]).toBeCloseTo((result.history[0] ?? 0) * 784, 1);
    expect(mean(result.history.slice(-5))).toBeLessThan(0.6 * mean(result.history.slice(0, 5)));
    // Untrained: ≈ ln 2 per pixel (≈ 543 nats per image); 20 steps of 16 images already halve it.
    expect(after.natsPerImage).toBeLessThan(0.5 * before.natsPerImage);
    expect(after.bitsPerDim).toBeCloseTo(after.natsPerPixel / Math.LN2, 6);
    heldOut.dispose();
    objective.dispose();
  });

  it('leaks no tensor in its loss or a training step, binarizes per step, and checks its batches', async () => {
    const objective = createPixelCnnObjective({
      pixelCnn: { height: 6, width: 6, channels: 4, blocks: 2, firstKernelSize: 3, seed: 3 },
    });
    const images = tf.randomUniform([4, 6, 6, 1], 0, 1, 'float32', 4) as tf.Tensor4D;
    const loss = (seed: number) =>
      tf.tidy(() => objective.doLoss(images, { step: 0, seed, training: true }).loss.dataSync()[0]);
    expect(loss(1)).toBe(loss(1));
    expect(loss(1)).not.toBe(loss(2));
    await expectNoTensorLeak(() => {
      const outputs = tf.tidy(() => {
        const { loss: value, metrics } = objective.doLoss(
          { images },
          { step: 0, seed: 1, training: true },
        );
        return [value, ...Object.values(metrics ?? {})];
      });
      expect(outputs.every((tensor) => Number.isFinite(tensor.dataSync()[0]))).toBe(true);
      tf.dispose(outputs);
    });
    await expectNoTensorLeak(async () => {
      const batches = {
        *[Symbol.iterator]() {
          for (;;) yield images.clone();
        },
      };
      await pretrain(objective, batches, { steps: 2, seed: 1 });
    });
    expect(() =>
      tf.tidy(() =>
        objective.doLoss(tf.zeros([2, 5, 6, 1]) as tf.Tensor4D, {
          step: 0,
          seed: 1,
          training: true,
        }),
      ),
    ).toThrow(/\[B, 6, 6, 1\]/);
    const conditional = createPixelCnnObjective({
      pixelCnn: { height: 6, width: 6, channels: 4, blocks: 1, firstKernelSize: 3, classes: 2 },
      binarize: 'none',
    });
    expect(() => conditional.doLoss(images, { step: 0, seed: 1, training: true })).toThrow(
      /labels/,
    );
    const labels = tf.tensor1d([0, 1, 1, 0], 'int32');
    const binary = images.round() as tf.Tensor4D;
    await expectNoTensorLeak(() =>
      tf.tidy(() => {
        conditional.doLoss({ images: binary, labels }, { step: 0, seed: 1, training: true });
      }),
    );
    expect(conditional.getConfig()).toMatchObject({ method: 'pixel-cnn', binarize: 'none' });
    tf.dispose([images, labels, binary]);
    objective.dispose();
    conditional.dispose();
  });

  it('saves checkpoints with pretrain that loadEncoder turns back into the same PixelCNN', async () => {
    registerPixelCnnLayers();
    const directory = await mkdtemp(join(tmpdir(), 'selfsup-pixel-cnn-'));
    try {
      const objective = createPixelCnnObjective({
        pixelCnn: {
          height: 6,
          width: 6,
          channels: 4,
          blocks: 2,
          firstKernelSize: 3,
          outputBias: -1,
          seed: 5,
        },
      });
      const images = tf.randomUniform([4, 6, 6, 1], 0, 1, 'float32', 6) as tf.Tensor4D;
      const batches = {
        *[Symbol.iterator]() {
          for (;;) yield images.clone();
        },
      };
      await pretrain(objective, batches, { steps: 2, seed: 1, checkpoint: { directory } });
      const loaded = await loadEncoder(directory, { 'pixel-cnn': pixelCnnEncoderFactory });
      expect(loaded).toBeInstanceOf(PixelCnn);
      expect(loaded.getConfig()).toEqual(objective.network.getConfig());
      const binary = images.round();
      expectTensorsClose(
        (loaded as PixelCnn).doLogits(binary, { training: false }),
        objective.network.doLogits(binary, { training: false }),
        { label: 'reloaded logits' },
      );
      tf.dispose([images, binary]);
      loaded.dispose();
      objective.dispose();
    } finally {
      await rm(directory, { recursive: true, force: true });
    }
  });
});
