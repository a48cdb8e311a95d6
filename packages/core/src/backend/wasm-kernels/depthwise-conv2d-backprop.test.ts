import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, it } from 'vitest';
import { initBackend } from '../init-backend';
import { expectNoLeak, expectWasmMatchesCpu, seededNormal } from './kernel-test-helpers';

describe('DepthwiseConv2dNativeBackpropInput/Filter on wasm', () => {
  beforeAll(async () => {
    await initBackend({ backend: 'wasm', quiet: true });
  });

  it.each([
    {
      name: 'multiplier 1, same, stride 1',
      input: [2, 5, 5, 3],
      filter: [3, 3, 3, 1],
      strides: 1,
      pad: 'same' as const,
    },
    {
      name: 'multiplier 2, valid, stride 2',
      input: [2, 7, 6, 2],
      filter: [3, 2, 2, 2],
      strides: 2,
      pad: 'valid' as const,
    },
    {
      name: 'multiplier 3, same, strides [1,2]',
      input: [1, 5, 6, 2],
      filter: [2, 3, 2, 3],
      strides: [1, 2] as [number, number],
      pad: 'same' as const,
    },
  ])('depthwise conv gradients match cpu: $name', async ({ name, input, filter, strides, pad }) => {
    await expectWasmMatchesCpu(name, () => {
      const x = seededNormal(input, 1);
      const w = seededNormal(filter, 2);
      const convolve = (a: tf.Tensor, b: tf.Tensor) =>
        tf.depthwiseConv2d(a as tf.Tensor4D, b as tf.Tensor4D, strides, pad);
      return [
        convolve(x, w),
        ...tf.grads((a: tf.Tensor, b: tf.Tensor) => convolve(a, b).square().sum())([x, w]),
      ];
    });
  });

  it('separable conv2d and fused depthwise conv gradients match cpu', async () => {
    await expectWasmMatchesCpu('separable', () =>
      tf.grads((x: tf.Tensor, depthwise: tf.Tensor, pointwise: tf.Tensor) =>
        tf
          .separableConv2d(
            x as tf.Tensor4D,
            depthwise as tf.Tensor4D,
            pointwise as tf.Tensor4D,
            1,
            'same',
          )
          .square()
          .sum(),
      )([
        seededNormal([2, 5, 5, 2], 3),
        seededNormal([3, 3, 2, 2], 4),
        seededNormal([1, 1, 4, 3], 5),
      ]),
    );
    await expectWasmMatchesCpu('fused depthwise', () =>
      tf.grads((x: tf.Tensor, w: tf.Tensor, bias: tf.Tensor) =>
        tf.fused
          .depthwiseConv2d({
            x: x as tf.Tensor4D,
            filter: w as tf.Tensor4D,
            strides: 1,
            pad: 'same',
            bias,
            activation: 'relu',
          })
          .square()
          .sum(),
      )([seededNormal([2, 4, 4, 2], 6), seededNormal([3, 3, 2, 1], 7), seededNormal([2], 8)]),
    );
  });

  it('leaks no tensors or backend data', async () => {
    await expectNoLeak(() =>
      tf.grads((x: tf.Tensor, w: tf.Tensor) =>
        tf.depthwiseConv2d(x as tf.Tensor4D, w as tf.Tensor4D, 1, 'same').sum(),
      )([seededNormal([1, 4, 4, 2], 9), seededNormal([3, 3, 2, 2], 10)]),
    );
  });
});
