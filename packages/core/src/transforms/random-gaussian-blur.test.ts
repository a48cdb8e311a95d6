import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../backend/init-backend';
import { expectTensorsClose } from '../test/compare-tensors';
import { expectNoTensorLeak } from '../test/expect-no-tensor-leak';
import { blurKernelSize, gaussianBlur, randomGaussianBlur } from './random-gaussian-blur';

beforeAll(async () => {
  await initBackend({ backend: 'wasm' });
});

/** A direct 2-D Gaussian convolution of one channel, with reflected borders: the reference. */
function referenceBlur(
  values: Float32Array,
  size: number,
  sigma: number,
  kernelSize: number,
): Float64Array {
  const half = (kernelSize - 1) / 2;
  const weights = Array.from({ length: kernelSize }, (_, index) =>
    Math.exp(-((index - half) ** 2) / (2 * sigma * sigma)),
  );
  const total = weights.reduce((sum, weight) => sum + weight, 0);
  const reflect = (index: number): number =>
    index < 0 ? -index : index >= size ? 2 * size - 2 - index : index;
  const result = new Float64Array(size * size);
  for (let row = 0; row < size; row++) {
    for (let column = 0; column < size; column++) {
      let sum = 0;
      for (let i = 0; i < kernelSize; i++) {
        for (let j = 0; j < kernelSize; j++) {
          sum +=
            (weights[i]! *
              weights[j]! *
              values[reflect(row + i - half) * size + reflect(column + j - half)]!) /
            (total * total);
        }
      }
      result[row * size + column] = sum;
    }
  }
  return result;
}

describe('gaussianBlur', () => {
  it('matches a direct 2-D convolution with reflected borders, with each example its own sigma', () => {
    const size = 9;
    const images = tf.randomUniform([3, size, size, 2], 0, 1, 'float32', 7) as tf.Tensor4D;
    const sigmas = [0.7, 0, 1.5];
    const blurred = gaussianBlur(images, sigmas, 5);
    for (const [example, sigma] of sigmas.entries()) {
      for (const channel of [0, 1]) {
        const input = images.slice([example, 0, 0, channel], [1, size, size, 1]);
        const output = blurred.slice([example, 0, 0, channel], [1, size, size, 1]);
        const inputValues = input.dataSync() as Float32Array;
        const expected = sigma === 0 ? inputValues : referenceBlur(inputValues, size, sigma, 5);
        expectTensorsClose(output.dataSync(), expected, {
          label: `example ${example} channel ${channel}`,
        });
        tf.dispose([input, output]);
      }
    }
    // sigma 0 is exactly the identity.
    const untouched = blurred.slice([1], [1]);
    const original = images.slice([1], [1]);
    expect(Array.from(untouched.dataSync())).toEqual(Array.from(original.dataSync()));
    tf.dispose([images, blurred, untouched, original]);
  });

  it('preserves the mean (exactly on a constant image) and lowers the variance', () => {
    const constant = tf.fill([2, 8, 8, 1], 0.3) as tf.Tensor4D;
    const blurredConstant = gaussianBlur(constant, [1, 2]);
    expectTensorsClose(blurredConstant, constant, { atol: 1e-6, rtol: 1e-6 });
    const images = tf.randomUniform([2, 16, 16, 1], 0, 1, 'float32', 8) as tf.Tensor4D;
    const blurred = gaussianBlur(images, [1.5, 1.5], 5);
    const before = tf.moments(images);
    const after = tf.moments(blurred);
    expect(Math.abs(after.mean.dataSync()[0]! - before.mean.dataSync()[0]!)).toBeLessThan(0.01);
    expect(after.variance.dataSync()[0]!).toBeLessThan(0.5 * before.variance.dataSync()[0]!);
    tf.dispose([
      constant,
      blurredConstant,
      images,
      blurred,
      before.mean,
      before.variance,
      after.mean,
      after.variance,
    ]);
  });

  it('sizes the kernel at about 10% of the side, odd, and rejects kernels that do not fit', () => {
    expect(blurKernelSize(224, 224)).toBe(23);
    expect(blurKernelSize(28, 28)).toBe(3);
    expect(blurKernelSize(32, 32)).toBe(3);
    const images = tf.zeros([1, 4, 4, 1]) as tf.Tensor4D;
    expect(() => gaussianBlur(images, [1], 4)).toThrow(/odd/);
    expect(() => gaussianBlur(images, [1], 9)).toThrow(/odd and smaller/);
    expect(() => gaussianBlur(images, [-1], 3)).toThrow(/sigma/);
    images.dispose();
  });
});

describe('randomGaussianBlur', () => {
  it('blurs each example with probability p, reproducibly, keeping values in [0, 1]', () => {
    const images = tf.randomUniform([12, 10, 10, 1], 0, 1, 'float32', 4) as tf.Tensor4D;
    const first = randomGaussianBlur(images, 3, { probability: 0.5 });
    const again = randomGaussianBlur(images, 3, { probability: 0.5 });
    const other = randomGaussianBlur(images, 4, { probability: 0.5 });
    expect(Array.from(again.dataSync())).toEqual(Array.from(first.dataSync()));
    expect(Array.from(other.dataSync())).not.toEqual(Array.from(first.dataSync()));
    const changed = tf.any(tf.notEqual(first, images), [1, 2, 3]).dataSync();
    const changedCount = Array.from(changed).filter(Boolean).length;
    expect(changedCount).toBeGreaterThan(0);
    expect(changedCount).toBeLessThan(12);
    expect(tf.min(first).dataSync()[0]).toBeGreaterThanOrEqual(0);
    expect(tf.max(first).dataSync()[0]).toBeLessThanOrEqual(1);
    tf.dispose([images, first, again, other]);
  });

  it('leaks no tensor', async () => {
    const images = tf.randomUniform([3, 8, 8, 2], 0, 1, 'float32', 1) as tf.Tensor4D;
    await expectNoTensorLeak(() => {
      randomGaussianBlur(images, 1, { probability: 1 }).dispose();
      gaussianBlur(images, [0, 0, 0]).dispose();
    });
    images.dispose();
  });
});
