import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, it } from 'vitest';
import { initBackend } from '../init-backend';
import { expectNoLeak, expectWasmMatchesCpu, seededNormal } from './kernel-test-helpers';

describe('Sum and Mean on wasm', () => {
  beforeAll(async () => {
    await initBackend({ backend: 'wasm', quiet: true });
  });

  it('reduce leading axes (fast path) like cpu, with keepDims and negative axes', async () => {
    await expectWasmMatchesCpu('leading axes', () => {
      const x = seededNormal([3, 4, 2, 5], 1);
      return [
        tf.sum(x, [0, 1, 2]),
        tf.mean(x, [0, 1, 2], true),
        tf.sum(x, 0),
        tf.mean(x, [1, 0]),
        tf.sum(x, [-4, -3]),
      ];
    });
  });

  it('other reductions fall back to the stock kernels and still match cpu', async () => {
    await expectWasmMatchesCpu('stock fallback', () => {
      const x = seededNormal([3, 4, 5], 2);
      return [
        tf.sum(x),
        tf.mean(x, -1),
        tf.sum(x, [0, 2], true),
        tf.mean(x, 1),
        tf.sum(tf.range(0, 12, 1, 'int32').reshape([3, 4]), 0).toFloat(),
      ];
    });
  });

  it('gives batchNorm-style gradients (moments over N, H, W) like cpu', async () => {
    await expectWasmMatchesCpu('moments', () =>
      tf.grads((x: tf.Tensor) => {
        const { mean, variance } = tf.moments(x, [0, 1, 2]);
        return x.sub(mean).div(variance.add(1e-3).sqrt()).square().sum();
      })([seededNormal([2, 3, 3, 4], 3)]),
    );
  });

  it('leaks no tensors or backend data', async () => {
    await expectNoLeak(() => {
      const x = seededNormal([2, 3, 4], 4);
      return [tf.sum(x, [0, 1]), tf.mean(x, 2), tf.sum(x)];
    });
  });
});
