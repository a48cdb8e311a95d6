import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, it } from 'vitest';
import { initBackend } from '../init-backend';
import { expectNoLeak, expectWasmMatchesCpu, seededNormal } from './kernel-test-helpers';

describe('MaxPoolGrad and AvgPoolGrad on wasm', () => {
  beforeAll(async () => {
    await initBackend({ backend: 'wasm', quiet: true });
  });

  it.each([
    { name: '2×2 stride 2 valid', input: [2, 4, 4, 3], size: 2, strides: 2, pad: 'valid' as const },
    {
      name: '3×3 stride 2 same (overlapping, padded)',
      input: [2, 5, 5, 2],
      size: 3,
      strides: 2,
      pad: 'same' as const,
    },
    {
      name: '2×3 stride 1 valid',
      input: [1, 4, 5, 2],
      size: [2, 3] as [number, number],
      strides: 1,
      pad: 'valid' as const,
    },
  ])('maxPool gradient matches cpu: $name', async ({ name, input, size, strides, pad }) => {
    await expectWasmMatchesCpu(name, () =>
      tf.grads((x: tf.Tensor) =>
        tf
          .maxPool(x as tf.Tensor4D, size, strides, pad)
          .square()
          .sum(),
      )([seededNormal(input, 1)]),
    );
  });

  it('routes ties after relu to the same position as cpu', async () => {
    await expectWasmMatchesCpu('ties', () =>
      tf.grads((x: tf.Tensor) =>
        tf
          .maxPool(tf.relu(x) as tf.Tensor4D, 2, 2, 'valid')
          .mul(tf.range(1, 9).reshape([1, 2, 2, 2]))
          .sum(),
      )([
        tf.neg(tf.abs(seededNormal([1, 4, 4, 2], 2))).add(
          tf
            .oneHot(tf.tensor1d([5], 'int32'), 32)
            .reshape([1, 4, 4, 2])
            .toFloat(),
        ),
      ]),
    );
  });

  it.each([
    { name: '3×3 stride 2 same', input: [2, 5, 5, 2], size: 3, strides: 2, pad: 'same' as const },
    { name: '2×2 stride 2 valid', input: [2, 4, 4, 3], size: 2, strides: 2, pad: 'valid' as const },
    {
      name: '2×3 stride 1 same',
      input: [1, 4, 5, 2],
      size: [2, 3] as [number, number],
      strides: 1,
      pad: 'same' as const,
    },
  ])(
    'avgPool gradient (AvgPoolGrad) matches cpu: $name',
    async ({ name, input, size, strides, pad }) => {
      await expectWasmMatchesCpu(`avgPool ${name}`, () =>
        tf.grads((x: tf.Tensor) =>
          tf
            .avgPool(x as tf.Tensor4D, size, strides, pad)
            .square()
            .sum(),
        )([seededNormal(input, 3)]),
      );
    },
  );

  it('leaks no tensors or backend data', async () => {
    await expectNoLeak(() =>
      tf.grads((x: tf.Tensor) => tf.maxPool(x as tf.Tensor4D, 2, 2, 'same').sum())([
        seededNormal([1, 5, 5, 2], 4),
      ]),
    );
    await expectNoLeak(() =>
      tf.grads((x: tf.Tensor) => tf.avgPool(x as tf.Tensor4D, 2, 2, 'same').sum())([
        seededNormal([1, 5, 5, 2], 5),
      ]),
    );
  });
});
