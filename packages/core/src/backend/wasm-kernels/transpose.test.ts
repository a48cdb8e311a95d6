import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../init-backend';
import { expectNoLeak, expectWasmMatchesCpu, seededNormal } from './kernel-test-helpers';
import { simplifyTranspose } from './transpose';

describe('Transpose on wasm', () => {
  beforeAll(async () => {
    await initBackend({ backend: 'wasm', quiet: true });
  });

  it('merges axes that stay adjacent and drops size-1 axes', () => {
    expect(simplifyTranspose([12, 64, 3, 4, 32], [2, 0, 3, 1, 4])).toEqual({
      shape: [12, 64, 3, 4, 32],
      perm: [2, 0, 3, 1, 4],
    });
    expect(simplifyTranspose([2, 1, 3, 4], [3, 0, 1, 2])).toEqual({ shape: [6, 4], perm: [1, 0] });
    expect(simplifyTranspose([5, 6, 7, 8], [2, 3, 0, 1])).toEqual({
      shape: [30, 56],
      perm: [1, 0],
    });
    expect(simplifyTranspose([2, 3, 4], [0, 1, 2])).toEqual({ shape: [24], perm: [0] });
  });

  it.each([
    { shape: [2, 3, 4, 5, 6], perm: [2, 0, 3, 1, 4] },
    { shape: [2, 3, 4, 5, 6], perm: [4, 3, 2, 1, 0] },
    { shape: [2, 1, 3, 1, 4, 2], perm: [5, 2, 0, 4, 3, 1] },
    { shape: [2, 3, 4, 5], perm: [0, 2, 1, 3] },
    { shape: [3, 4], perm: [1, 0] },
    // Blocked wasm transpose: 2-D and batched [0, 2, 1], tiles of 16 with ragged edges.
    { shape: [37, 50], perm: [1, 0] },
    { shape: [16, 32], perm: [1, 0] },
    { shape: [3, 33, 17], perm: [0, 2, 1] },
    { shape: [2, 1, 19, 1, 21], perm: [0, 1, 4, 3, 2] },
    { shape: [2, 3, 4], perm: [0, 1, 2] },
    // SIMD 4 × 4 block transpose: sides multiples of 4, row bands of 16 with a ragged last one.
    { shape: [4, 4], perm: [1, 0] },
    { shape: [20, 36], perm: [1, 0] },
    { shape: [3, 8, 12], perm: [0, 2, 1] },
    { shape: [2, 12, 4, 8], perm: [0, 2, 1, 3] },
  ])(
    'matches cpu for shape $shape, perm $perm, float32, int32 and bool, with gradients',
    async ({ shape, perm }) => {
      await expectWasmMatchesCpu(`transpose ${JSON.stringify(perm)}`, () => {
        const x = seededNormal(shape, 1);
        const integers = tf.range(0, x.size, 1, 'int32').reshape(shape);
        return [
          tf.transpose(x, perm),
          tf.transpose(integers, perm).toFloat(),
          tf.transpose(integers.mod(2).cast('bool'), perm).toFloat(),
          ...tf.grads((input: tf.Tensor) =>
            tf
              .transpose(input, perm)
              .mul(tf.range(0, x.size).reshape(perm.map((axis) => shape[axis]!)))
              .sum(),
          )([x]),
        ];
      });
    },
  );

  it('keeps stock kernels that transpose internally working (Sum, Max over a middle axis)', async () => {
    await expectWasmMatchesCpu('internal transposes', () => {
      const x = seededNormal([2, 3, 4], 4);
      return [tf.sum(x, 1), tf.max(x, [0, 2]), tf.mean(x, 0)];
    });
  });

  it('leaks no tensors or backend data', async () => {
    await expectNoLeak(() => [
      tf.transpose(seededNormal([2, 3, 2, 2, 3], 2), [2, 0, 3, 1, 4]),
      tf.transpose(seededNormal([2, 3], 3)),
    ]);
  });
});
