import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, it } from 'vitest';
import { initBackend } from '../init-backend';
import { expectNoLeak, expectWasmMatchesCpu, seededNormal } from './kernel-test-helpers';

describe('Slice and SplitV on wasm', () => {
  beforeAll(async () => {
    await initBackend({ backend: 'wasm', quiet: true });
  });

  it('slices ranks 1 to 5 like cpu (float32, int32, bool), whole and partial axes', async () => {
    await expectWasmMatchesCpu('slice', () => {
      const x = seededNormal([3, 4, 2, 5, 2], 1);
      const integers = tf.range(0, 60, 1, 'int32').reshape([3, 4, 5]);
      return [
        tf.slice(x, [1, 0, 0, 0, 0], [2, 4, 2, 5, 2]),
        tf.slice(x, [0, 1, 1, 2, 0], [3, 2, 1, 3, 2]),
        tf.slice(x, [2, 3, 1, 4, 1], [1, 1, 1, 1, 1]),
        tf.slice(x.reshape([12, 20]), [3, 5], [4, -1]),
        tf.slice(x.reshape([240]), [7], [100]),
        tf.slice(integers, [1, 1, 0], [2, 2, 5]).toFloat(),
        tf.slice(integers.mod(2).cast('bool'), [0, 2, 1], [3, 2, 3]).toFloat(),
        tf.slice(x, [0, 0, 0, 0, 0], [3, 0, 2, 5, 2]),
      ];
    });
  });

  it('splits like cpu along every axis, with gradients', async () => {
    await expectWasmMatchesCpu('split', () => {
      const x = seededNormal([2, 6, 4, 3], 2);
      const weights = tf.range(0, 144).reshape([2, 6, 4, 3]);
      return [
        ...tf.split(x, 3, 1),
        ...tf.split(x, [1, 3], 2),
        ...tf.split(x, 2, 0),
        ...tf.split(x, [2, 1], 3),
        ...tf
          .split(tf.range(0, 12, 1, 'int32').reshape([3, 4]), 2, 1)
          .map((part) => part.toFloat()),
        ...tf.grads((input: tf.Tensor) => {
          const [first, , third] = tf.split(input, 3, 1);
          return tf
            .add(first as tf.Tensor, (third as tf.Tensor).square())
            .mul(weights.slice([0, 0, 0, 0], [2, 2, 4, 3]))
            .sum();
        })([x]),
        ...tf.grads((input: tf.Tensor) => tf.slice(input, [1, 2, 1, 0], [1, 3, 2, 3]).exp().sum())([
          x,
        ]),
      ];
    });
  });

  it('leaks no tensors or backend data', async () => {
    await expectNoLeak(() => {
      const x = seededNormal([2, 6, 4], 3);
      return [...tf.split(x, 3, 1), tf.slice(x, [0, 1, 1], [2, 2, 2])];
    });
  });
});
