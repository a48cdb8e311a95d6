import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../backend/init-backend';
import { expectNoTensorLeak } from '../test/expect-no-tensor-leak';
import { gaussianNoise } from './gaussian-noise';

beforeAll(async () => {
  await initBackend({ backend: 'wasm' });
});

describe('gaussianNoise', () => {
  it('adds zero-mean noise of the given std, seeded, inside [0, 1]', () => {
    const images = tf.fill([8, 16, 16, 1], 0.5) as tf.Tensor4D;
    const noisy = gaussianNoise(images, 4, { std: 0.05 });
    const again = gaussianNoise(images, 4, { std: 0.05 });
    const other = gaussianNoise(images, 5, { std: 0.05 });
    const { mean, variance } = tf.moments(tf.sub(noisy, images));
    expect(Math.abs(mean.dataSync()[0]!)).toBeLessThan(0.005);
    expect(Math.sqrt(variance.dataSync()[0]!)).toBeGreaterThan(0.045);
    expect(Math.sqrt(variance.dataSync()[0]!)).toBeLessThan(0.055);
    expect(Array.from(again.dataSync())).toEqual(Array.from(noisy.dataSync()));
    expect(Array.from(other.dataSync())).not.toEqual(Array.from(noisy.dataSync()));
    const strong = gaussianNoise(images, 4, { std: 1 });
    expect(tf.min(strong).dataSync()[0]).toBe(0);
    expect(tf.max(strong).dataSync()[0]).toBe(1);
    expect(() => gaussianNoise(images, 4, { std: -1 })).toThrow(/std/);
    tf.dispose([images, noisy, again, other, mean, variance, strong]);
  });

  it('leaks no tensor', async () => {
    const images = tf.fill([2, 4, 4, 1], 0.5) as tf.Tensor4D;
    await expectNoTensorLeak(() => gaussianNoise(images, 1).dispose());
    images.dispose();
  });
});
