import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { expectTensorsClose } from '../../test/compare-tensors';
import { initBackend } from '../init-backend';
import { expectNoLeak, expectWasmMatchesCpu, seededNormal } from './kernel-test-helpers';

type Padding =
  | 'same'
  | 'valid'
  | [[number, number], [number, number], [number, number], [number, number]];

const cases: Array<{
  name: string;
  input: number[];
  filter: number[];
  strides: number | [number, number];
  pad: Padding;
}> = [
  { name: '3×3 same stride 1', input: [2, 5, 5, 2], filter: [3, 3, 2, 3], strides: 1, pad: 'same' },
  { name: '3×3 same stride 2', input: [2, 7, 6, 2], filter: [3, 3, 2, 3], strides: 2, pad: 'same' },
  {
    name: '3×2 valid strides [2,1]',
    input: [2, 7, 6, 2],
    filter: [3, 2, 2, 3],
    strides: [2, 1],
    pad: 'valid',
  },
  {
    name: 'explicit padding stride 2',
    input: [1, 7, 6, 2],
    filter: [3, 3, 2, 2],
    strides: 2,
    pad: [
      [0, 0],
      [1, 2],
      [2, 0],
      [0, 0],
    ],
  },
  {
    name: 'explicit padding stride 1',
    input: [1, 5, 6, 3],
    filter: [2, 3, 3, 2],
    strides: 1,
    pad: [
      [0, 0],
      [0, 1],
      [2, 1],
      [0, 0],
    ],
  },
  {
    name: '1×1 single channel',
    input: [3, 4, 4, 1],
    filter: [1, 1, 1, 4],
    strides: 1,
    pad: 'valid',
  },
];

describe('Conv2DBackpropFilter and Conv2DBackpropInput on wasm', () => {
  beforeAll(async () => {
    await initBackend({ backend: 'wasm', quiet: true });
  });

  it.each(cases)(
    'conv2d gradients match cpu: $name',
    async ({ name, input, filter, strides, pad }) => {
      await expectWasmMatchesCpu(name, () => {
        const x = seededNormal(input, 1);
        const weights = seededNormal(filter, 2);
        const convolve = (a: tf.Tensor, b: tf.Tensor) =>
          tf.conv2d(a as tf.Tensor4D, b as tf.Tensor4D, strides, pad);
        return [
          convolve(x, weights),
          ...tf.grads((a: tf.Tensor, b: tf.Tensor) => convolve(a, b).square().sum())([x, weights]),
        ];
      });
    },
  );

  it('conv1d gradients (stride 2, same) match cpu', async () => {
    await expectWasmMatchesCpu('conv1d', () =>
      tf.grads((x: tf.Tensor, w: tf.Tensor) =>
        tf
          .conv1d(x as tf.Tensor3D, w as tf.Tensor3D, 2, 'same')
          .square()
          .sum(),
      )([seededNormal([2, 9, 2], 3), seededNormal([3, 2, 3], 4)]),
    );
  });

  it('conv2dTranspose forward and gradients, and fused conv2d with bias + relu, match cpu', async () => {
    await expectWasmMatchesCpu('conv2dTranspose', () => {
      const x = seededNormal([2, 3, 3, 3], 5);
      const w = seededNormal([3, 3, 2, 3], 6);
      const transposed = (a: tf.Tensor, b: tf.Tensor) =>
        tf.conv2dTranspose(a as tf.Tensor4D, b as tf.Tensor4D, [2, 6, 6, 2], 2, 'same');
      return [
        transposed(x, w),
        ...tf.grads((a: tf.Tensor, b: tf.Tensor) => transposed(a, b).square().sum())([x, w]),
      ];
    });
    await expectWasmMatchesCpu('fused conv2d', () =>
      tf.grads((x: tf.Tensor, w: tf.Tensor, bias: tf.Tensor) =>
        tf.fused
          .conv2d({
            x: x as tf.Tensor4D,
            filter: w as tf.Tensor4D,
            strides: 1,
            pad: 'same',
            bias,
            activation: 'relu',
          })
          .square()
          .sum(),
      )([seededNormal([2, 4, 4, 2], 7), seededNormal([3, 3, 2, 3], 8), seededNormal([3], 9)]),
    );
  });

  it('splits large batches into im2col chunks and sums them exactly like per-image gradients', () => {
    // 40·40 output pixels × 5·5·80 patch values = 3.2 M per image: chunks of 2 images, then 1.
    const attrs = { strides: 1, pad: 'same', dataFormat: 'NHWC', filterShape: [5, 5, 80, 2] };
    const filterGradient = (x: tf.Tensor, dy: tf.Tensor) =>
      tf.engine().runKernel('Conv2DBackpropFilter', { x, dy }, attrs as never) as tf.Tensor;
    const [chunked, perImage] = tf.tidy(() => {
      const x = seededNormal([3, 40, 40, 80], 10);
      const dy = seededNormal([3, 40, 40, 2], 11);
      const images = [0, 1, 2].map((image) =>
        filterGradient(
          x.slice([image, 0, 0, 0], [1, -1, -1, -1]),
          dy.slice([image, 0, 0, 0], [1, -1, -1, -1]),
        ),
      );
      return [filterGradient(x, dy), tf.addN(images)];
    });
    expectTensorsClose(chunked!, perImage!, { atol: 1e-3, label: 'chunked' });
    tf.dispose([chunked!, perImage!]);
  });

  it('leaks no tensors or backend data', async () => {
    await expectNoLeak(() =>
      tf.grads((x: tf.Tensor, w: tf.Tensor) =>
        tf.conv2d(x as tf.Tensor4D, w as tf.Tensor4D, [1, 2], 'same').sum(),
      )([seededNormal([2, 5, 5, 2], 12), seededNormal([3, 3, 2, 3], 13)]),
    );
    await expectNoLeak(() =>
      tf.grads((x: tf.Tensor, w: tf.Tensor) =>
        tf.conv2d(x as tf.Tensor4D, w as tf.Tensor4D, 1, 'same').sum(),
      )([seededNormal([2, 5, 5, 2], 12), seededNormal([3, 3, 2, 3], 13)]),
    );
  });

  it('rejects NCHW and dilation > 1 with the fix in the message', () => {
    expect(() =>
      tf.tidy(() =>
        tf
          .engine()
          .runKernel(
            'Conv2DBackpropFilter',
            { x: tf.ones([1, 2, 4, 4]), dy: tf.ones([1, 2, 4, 4]) },
            { strides: 1, pad: 'same', dataFormat: 'NCHW', filterShape: [1, 1, 2, 2] },
          ),
      ),
    ).toThrow(/supports dataFormat 'NHWC' only/);
    expect(() =>
      tf.tidy(() =>
        tf
          .engine()
          .runKernel(
            'DepthwiseConv2dNativeBackpropFilter',
            { x: tf.ones([1, 5, 5, 2]), dy: tf.ones([1, 1, 1, 2]) },
            { strides: 1, pad: 'valid', dilations: 2, filterShape: [3, 3, 2, 1] },
          ),
      ),
    ).toThrow(/dilated causal conv1d/);
  });
});
