import { initBackend } from '@selfsup/core';
import { expectNoTensorLeak, expectTensorsClose } from '@selfsup/core/test';
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  fastTanh,
  gatedActivation,
  horizontalStackConv2d,
  verticalStackConv2d,
} from './causal-convolutions';

/**
 * The masked k×k (or 1×k) kernel: the given taps (rows above the centre, then the centre row for
 * mask B; or columns left of the centre, then the centre for mask B), zeros after them.
 */
function maskedKernel(kernel: tf.Tensor4D, size: number, axis: 0 | 1): tf.Tensor4D {
  const padding: [number, number][] = [
    [0, 0],
    [0, 0],
    [0, 0],
    [0, 0],
  ];
  padding[axis] = [0, size - (kernel.shape[axis] as number)];
  return tf.pad(kernel, padding) as tf.Tensor4D;
}

describe('Gated PixelCNN stack convolutions', () => {
  beforeAll(async () => {
    await initBackend({ backend: 'wasm', quiet: true });
  });

  it('the vertical stack equals a masked k×k convolution (mask A and mask B)', () => {
    const x = tf.randomNormal([2, 6, 7, 3], 0, 1, 'float32', 1) as tf.Tensor4D;
    for (const size of [3, 5]) {
      const half = (size - 1) / 2;
      // Centre row included (mask B): rows r − k/2 … r. Excluded (mask A): rows r − k/2 … r − 1.
      const kernelB = tf.randomNormal([half + 1, size, 3, 4], 0, 1, 'float32', 2) as tf.Tensor4D;
      const expectedB = tf.conv2d(x, maskedKernel(kernelB, size, 0), 1, 'same');
      expectTensorsClose(verticalStackConv2d(x, kernelB, true), expectedB, {
        label: `B k=${size}`,
      });
      const kernelA = tf.randomNormal([half, size, 3, 4], 0, 1, 'float32', 3) as tf.Tensor4D;
      const expectedA = tf.conv2d(x, maskedKernel(kernelA, size, 0), 1, 'same');
      expectTensorsClose(verticalStackConv2d(x, kernelA, false), expectedA, {
        label: `A k=${size}`,
      });
    }
  });

  it('the horizontal stack equals a masked 1×k convolution (mask A and mask B)', () => {
    const x = tf.randomNormal([2, 5, 6, 3], 0, 1, 'float32', 4) as tf.Tensor4D;
    const size = 5;
    const kernelB = tf.randomNormal([1, 3, 3, 2], 0, 1, 'float32', 5) as tf.Tensor4D;
    const expectedB = tf.conv2d(x, maskedKernel(kernelB, size, 1), 1, 'same');
    expectTensorsClose(horizontalStackConv2d(x, kernelB, true), expectedB, { label: 'B' });
    const kernelA = tf.randomNormal([1, 2, 3, 2], 0, 1, 'float32', 6) as tf.Tensor4D;
    const expectedA = tf.conv2d(x, maskedKernel(kernelA, size, 1), 1, 'same');
    expectTensorsClose(horizontalStackConv2d(x, kernelA, false), expectedA, { label: 'A' });
  });

  it('refuses kernels that do not match the mask', () => {
    const x = tf.zeros([1, 4, 4, 1]) as tf.Tensor4D;
    expect(() => verticalStackConv2d(x, tf.zeros([3, 3, 1, 1]) as tf.Tensor4D, true)).toThrow(
      /\(k \+ 1\) \/ 2, k, Cin, Cout/,
    );
    expect(() => horizontalStackConv2d(x, tf.zeros([2, 2, 1, 1]) as tf.Tensor4D, true)).toThrow(
      /\[1, columns, Cin, Cout\]/,
    );
    expect(() => gatedActivation(tf.zeros([2, 3]) as tf.Tensor2D)).toThrow(/\[N, 2C\]/);
  });

  it('computes tanh(a)·σ(b) on the two halves, with gradients, and leaks nothing', async () => {
    const features = tf.randomNormal([5, 8], 0, 2, 'float32', 7) as tf.Tensor2D;
    const [value, gate] = tf.split(features, 2, 1);
    expectTensorsClose(gatedActivation(features), tf.tanh(value!).mul(tf.sigmoid(gate!)), {
      label: 'gated',
    });
    expectTensorsClose(fastTanh(features), tf.tanh(features), { label: 'tanh' });
    const gradient = tf.grad((input: tf.Tensor) => gatedActivation(input as tf.Tensor2D).sum())(
      features,
    );
    const reference = tf.grad((input: tf.Tensor) => {
      const [a, b] = tf.split(input, 2, 1);
      return tf.tanh(a!).mul(tf.sigmoid(b!)).sum();
    })(features);
    expectTensorsClose(gradient, reference, { label: 'gradient' });
    const kernel = tf.randomNormal([2, 3, 3, 4], 0, 1, 'float32', 8) as tf.Tensor4D;
    const x = tf.randomNormal([1, 4, 5, 3], 0, 1, 'float32', 9) as tf.Tensor4D;
    const horizontalKernel = kernel.slice([0], [1]) as tf.Tensor4D;
    await expectNoTensorLeak(() => {
      tf.dispose([
        gatedActivation(features),
        verticalStackConv2d(x, kernel, true),
        horizontalStackConv2d(x, horizontalKernel, true),
        tf.grads((input: tf.Tensor, weights: tf.Tensor) =>
          verticalStackConv2d(input as tf.Tensor4D, weights as tf.Tensor4D, true).sum(),
        )([x, kernel]),
      ]);
    });
  });
});
