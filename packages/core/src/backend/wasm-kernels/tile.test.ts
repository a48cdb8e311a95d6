import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, it } from 'vitest';
import { initBackend } from '../init-backend';
import { expectNoLeak, expectWasmMatchesCpu, seededNormal } from './kernel-test-helpers';

describe('Tile on wasm', () => {
  beforeAll(async () => {
    await initBackend({ backend: 'wasm', quiet: true });
  });

  it.each([
    { shape: [1, 1, 1, 3], reps: [2, 3, 2, 1] },
    { shape: [2, 3], reps: [2, 3] },
    { shape: [3, 1], reps: [1, 4] },
    { shape: [2, 1, 3], reps: [1, 2, 2] },
    { shape: [4], reps: [3] },
  ])(
    'matches cpu for shape $shape, reps $reps (float32, int32, bool) with gradients',
    async ({ shape, reps }) => {
      await expectWasmMatchesCpu(`tile ${JSON.stringify(reps)}`, () => {
        const x = seededNormal(shape, 1);
        const integers = tf.range(0, x.size, 1, 'int32').reshape(shape);
        const tiled = tf.tile(x, reps);
        return [
          tiled,
          tf.tile(integers, reps).toFloat(),
          tf.tile(integers.mod(2).cast('bool'), reps).toFloat(),
          ...tf.grads((input: tf.Tensor) =>
            tf.tile(input, reps).mul(tf.range(0, tiled.size).reshape(tiled.shape)).sum(),
          )([x]),
        ];
      });
    },
  );

  it('tiles rank-5 tensors like cpu (tfjs has no rank-5 tile gradient)', async () => {
    await expectWasmMatchesCpu('tile rank 5', () => [
      tf.tile(seededNormal([2, 2, 1, 2, 3], 6), [1, 2, 3, 2, 1]),
    ]);
  });

  it('gives the gradient of tf.batchNorm (which tiles) like cpu', async () => {
    await expectWasmMatchesCpu('batchNorm', () => {
      const x = seededNormal([2, 3, 3, 4], 2);
      const { mean, variance } = tf.moments(x, [0, 1, 2]);
      return tf.grads((input: tf.Tensor, scale: tf.Tensor, offset: tf.Tensor) =>
        tf.batchNorm(input, mean, variance, offset, scale, 1e-3).square().sum(),
      )([x, seededNormal([4], 3), seededNormal([4], 4)]);
    });
  });

  it('leaks no tensors or backend data', async () => {
    await expectNoLeak(() => tf.tile(seededNormal([2, 1, 3], 5), [2, 3, 1]));
  });
});
