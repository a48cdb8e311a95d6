import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../backend/init-backend';
import { expectNoTensorLeak } from '../test/expect-no-tensor-leak';
import { flipHorizontally, randomHorizontalFlip } from './random-horizontal-flip';

beforeAll(async () => {
  await initBackend({ backend: 'wasm' });
});

describe('flipHorizontally', () => {
  it('mirrors exactly the chosen examples along the width', () => {
    const images = tf.tensor4d([1, 2, 3, 4, 5, 6, 1, 2, 3, 4, 5, 6], [2, 2, 3, 1]);
    const flipped = flipHorizontally(images, [true, false]);
    expect(Array.from(flipped.dataSync())).toEqual([3, 2, 1, 6, 5, 4, 1, 2, 3, 4, 5, 6]);
    const twice = flipHorizontally(flipped, [true, false]);
    expect(Array.from(twice.dataSync())).toEqual(Array.from(images.dataSync()));
    tf.dispose([images, flipped, twice]);
  });

  it('is differentiable', () => {
    const images = tf.tensor4d([1, 2, 3, 4], [1, 1, 4, 1]);
    const weights = tf.tensor4d([1, 0, 0, 0], [1, 1, 4, 1]);
    const gradient = tf.grad((x: tf.Tensor) =>
      tf.sum(tf.mul(flipHorizontally(x as tf.Tensor4D, [true]), weights)),
    )(images);
    // The first output pixel is the last input pixel.
    expect(Array.from(gradient.dataSync())).toEqual([0, 0, 0, 1]);
    tf.dispose([images, weights, gradient]);
  });
});

describe('randomHorizontalFlip', () => {
  it('flips about half of the examples, the same ones for the same seed', () => {
    const row = [0, 0.25, 0.5, 1];
    const images = tf.tensor4d(Array.from({ length: 200 }, () => row).flat(), [200, 1, 4, 1]);
    const flippedCount = (seed: number): { count: number; values: number[] } => {
      const views = randomHorizontalFlip(images, seed);
      const values = Array.from(views.dataSync());
      views.dispose();
      let count = 0;
      for (let example = 0; example < 200; example++) {
        const first = values[example * 4];
        if (first === 1) count += 1;
        else expect(first).toBe(0);
      }
      return { count, values };
    };
    const first = flippedCount(5);
    expect(first.count).toBeGreaterThan(70);
    expect(first.count).toBeLessThan(130);
    expect(flippedCount(5).values).toEqual(first.values);
    expect(flippedCount(6).values).not.toEqual(first.values);
    const never = randomHorizontalFlip(images, 5, { probability: 0 });
    expect(Array.from(never.dataSync())).toEqual(Array.from(images.dataSync()));
    expect(() => randomHorizontalFlip(images, 5, { probability: 2 })).toThrow(/probability/);
    tf.dispose([images, never]);
  });

  it('leaks no tensor', async () => {
    const images = tf.randomUniform([6, 3, 3, 1], 0, 1, 'float32', 1) as tf.Tensor4D;
    await expectNoTensorLeak(() => {
      randomHorizontalFlip(images, 1).dispose();
      flipHorizontally(images, [true, true, true, true, true, true]).dispose();
      flipHorizontally(images, [false, false, false, false, false, false]).dispose();
    });
    images.dispose();
  });
});
