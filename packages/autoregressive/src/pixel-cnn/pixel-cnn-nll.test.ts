import { initBackend } from '@selfsup/core';
import { expectNoTensorLeak } from '@selfsup/core/test';
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { createPixelCnn } from './pixel-cnn';
import { pixelCnnNll } from './pixel-cnn-nll';

describe('pixelCnnNll', () => {
  beforeAll(async () => {
    await initBackend({ backend: 'wasm', quiet: true });
  });

  it('is −Σ log p(xᵢ | x<ᵢ) per image from the logits, in nats and bits, whatever the batch size', async () => {
    const network = createPixelCnn({ height: 5, width: 4, channels: 4, blocks: 2, seed: 2 });
    const images = tf.tidy(() =>
      tf.randomUniform([7, 5, 4, 1], 0, 1, 'float32', 3).less(0.4).cast('float32'),
    ) as tf.Tensor4D;
    // Reference: log-probabilities of the observed pixels computed in float64 from the logits.
    const logits = network.doLogits(images, { training: false }).dataSync();
    const targets = images.dataSync();
    let total = 0;
    for (let i = 0; i < logits.length; i++) {
      const probability = 1 / (1 + Math.exp(-logits[i]!));
      total -= Math.log(targets[i] === 1 ? probability : 1 - probability);
    }
    const expected = total / 7;
    let result: Awaited<ReturnType<typeof pixelCnnNll>> | undefined;
    await expectNoTensorLeak(async () => {
      result = await pixelCnnNll(network, images, { batchSize: 3 });
    });
    expect(result!.natsPerImage).toBeCloseTo(expected, 3);
    expect(result!.natsPerPixel).toBeCloseTo(expected / 20, 5);
    expect(result!.bitsPerDim).toBeCloseTo(expected / 20 / Math.LN2, 5);
    expect(result!.images).toBe(7);
    expect((await pixelCnnNll(network, images)).natsPerImage).toBeCloseTo(expected, 3);
    await expect(pixelCnnNll(network, images, { batchSize: 0 })).rejects.toThrow(/batchSize/);
    await expect(pixelCnnNll(network, tf.zeros([2, 5, 4, 3]) as tf.Tensor4D)).rejects.toThrow(
      /\[N, H, W, 1\]/,
    );
    images.dispose();
    network.dispose();
  });
});
