import { initBackend } from '@selfsup/core';
import { expectNoTensorLeak } from '@selfsup/core/test';
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { binarizeImages } from './binarize-images';

describe('binarizeImages', () => {
  beforeAll(async () => {
    await initBackend({ backend: 'wasm', quiet: true });
  });

  it('draws each pixel as 1 with probability equal to its intensity, reproducibly per seed (0 included)', async () => {
    const levels = [0, 0.25, 0.5, 0.9, 1];
    const images = tf.tidy(() =>
      tf.tensor1d(levels).reshape([5, 1, 1, 1]).tile([1, 40, 50, 1]),
    ) as tf.Tensor4D;
    const binary = binarizeImages(images, 0);
    const values = binary.dataSync();
    expect(new Set(values)).toEqual(new Set([0, 1]));
    const means = binary.mean([1, 2, 3]).dataSync();
    levels.forEach((level, index) => {
      // 2,000 draws per level: the standard error is ≤ 0.011.
      expect(Math.abs(means[index]! - level)).toBeLessThan(0.04);
    });
    expect(binarizeImages(images, 0).dataSync()).toEqual(values);
    const other = binarizeImages(images, 1).dataSync();
    expect(other).not.toEqual(values);
    await expectNoTensorLeak(() => binarizeImages(images, 2).dispose());
    expect(() => binarizeImages(images.cast('int32'), 0)).toThrow(/float32 intensities/);
    expect(() => binarizeImages(images, 0.5)).toThrow(/integer/);
    tf.dispose([images, binary]);
  });
});
