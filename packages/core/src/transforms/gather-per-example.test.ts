import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../backend/init-backend';
import { computeOnBackends, expectTensorsClose } from '../test/compare-tensors';
import { expectNoTensorLeak } from '../test/expect-no-tensor-leak';
import { gatherPerExample } from './gather-per-example';

beforeAll(async () => {
  await initBackend({ backend: 'wasm' });
});

describe('gatherPerExample', () => {
  it('takes each example’s own rows, on wasm as on cpu', async () => {
    const values = tf.tensor3d([
      [[1], [2], [3]],
      [[4], [5], [6]],
    ]);
    const indices = tf.tensor2d(
      [
        [2, 0, 1],
        [1, 2, 0],
      ],
      [2, 3],
      'int32',
    );
    expect(gatherPerExample(values, indices).arraySync()).toEqual([
      [[3], [1], [2]],
      [[5], [6], [4]],
    ]);
    const { reference, actual } = await computeOnBackends(() =>
      gatherPerExample(
        tf.randomUniform([3, 5, 2], 0, 1, 'float32', 1),
        tf.tensor2d(
          [
            [4, 0],
            [1, 3],
            [2, 2],
          ],
          [3, 2],
          'int32',
        ),
      ),
    );
    expectTensorsClose(actual[0]!, reference[0]!);
    tf.dispose([values, indices]);
  });

  it('passes gradients back to the gathered rows', () => {
    const values = tf.tensor2d([
      [1, 2, 3],
      [4, 5, 6],
    ]);
    const indices = tf.tensor2d(
      [
        [2, 2],
        [0, 1],
      ],
      [2, 2],
      'int32',
    );
    const gradient = tf.grad((x: tf.Tensor) => tf.sum(gatherPerExample(x, indices)))(values);
    expect(gradient.arraySync()).toEqual([
      [0, 0, 2],
      [1, 1, 0],
    ]);
    expect(() => gatherPerExample(values, tf.zeros([3, 1], 'int32') as tf.Tensor2D)).toThrow(
      /batch/,
    );
    tf.dispose([values, indices, gradient]);
  });

  it('leaks no tensor', async () => {
    const values = tf.zeros([2, 4, 3]);
    const indices = tf.zeros([2, 2], 'int32') as tf.Tensor2D;
    await expectNoTensorLeak(() => gatherPerExample(values, indices).dispose());
    tf.dispose([values, indices]);
  });
});
