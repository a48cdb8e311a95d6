import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../init-backend';
import { expectNoLeak, expectWasmMatchesCpu, seededNormal } from './kernel-test-helpers';

describe('GatherV2 on wasm', () => {
  beforeAll(async () => {
    await initBackend({ backend: 'wasm', quiet: true });
  });

  it('gathers along every axis like cpu (float32, int32, bool), with gradients', async () => {
    await expectWasmMatchesCpu('gather', () => {
      const table = seededNormal([5, 3, 4], 1);
      const ids = tf.tensor2d([4, 0, 2, 2, 1, 3], [2, 3], 'int32');
      const flat = tf.tensor1d([2, 0, 1, 1], 'int32');
      const integers = tf.range(0, 60, 1, 'int32').reshape([5, 3, 4]);
      return [
        tf.gather(table, ids),
        tf.gather(table, flat, 1),
        tf.gather(table, tf.tensor1d([3, 1, 2, 2], 'int32'), 2),
        tf.gather(integers, ids).toFloat(),
        tf.gather(integers.mod(2).cast('bool'), flat, 1).toFloat(),
        tf.gather(seededNormal([6], 2), ids),
        tf.gather(table, tf.tensor1d([], 'int32')),
        ...tf.grads((input: tf.Tensor) => tf.gather(input, ids).square().sum())([table]),
      ];
    });
  });

  it('gathers per example with batchDims (where stock wasm 4.22 is wrong) and rejects out-of-range indices', async () => {
    await expectWasmMatchesCpu('batchDims', () => {
      const table = seededNormal([2, 4, 3], 3);
      return [
        tf.gather(table, tf.tensor2d([1, 3, 0, 2], [2, 2], 'int32'), 1, 1),
        // The case stock wasm gets wrong: every example has its own order.
        tf.gather(
          tf.tensor3d([
            [[10], [11], [12]],
            [[20], [21], [22]],
          ]),
          tf.tensor2d(
            [
              [2, 0, 1],
              [1, 2, 0],
            ],
            [2, 3],
            'int32',
          ),
          1,
          1,
        ),
        tf.gather(table, tf.tensor3d([0, 2, 1, 1, 2, 0, 0, 0], [2, 2, 2], 'int32'), 2, 1),
        tf.gather(
          seededNormal([2, 3, 4, 2], 4),
          tf.tensor3d([3, 0, 1, 2, 2, 2], [2, 3, 1], 'int32'),
          2,
          2,
        ),
        ...tf.grads((input: tf.Tensor) =>
          tf
            .gather(
              input,
              tf.tensor2d(
                [
                  [2, 0],
                  [1, 1],
                ],
                [2, 2],
                'int32',
              ),
              1,
              1,
            )
            .square()
            .sum(),
        )([table]),
      ];
    });
    const table = tf.ones([3, 2]);
    const bad = tf.tensor1d([3], 'int32');
    expect(() => tf.gather(table, bad)).toThrow(/not in \[0, 2\]/);
    tf.dispose([table, bad]);
  });

  it('leaks no tensors or backend data', async () => {
    await expectNoLeak(() => tf.gather(seededNormal([5, 4], 4), tf.tensor1d([1, 4, 1], 'int32')));
  });
});
