import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../init-backend';
import { expectNoLeak, expectWasmMatchesCpu, seededNormal } from './kernel-test-helpers';

describe('UnsortedSegmentSum on wasm', () => {
  beforeAll(async () => {
    await initBackend({ backend: 'wasm', quiet: true });
  });

  it('sums rows into segments like cpu, dropping out-of-range ids, float32 and int32', async () => {
    await expectWasmMatchesCpu('segment sum', () => {
      const ids = tf.tensor1d([0, 2, 0, 5, -1, 2], 'int32');
      return [
        tf.unsortedSegmentSum(seededNormal([6, 2, 3], 1), ids, 4),
        tf.unsortedSegmentSum(tf.tensor1d([1, 2, 3, 4, 5, 6], 'int32'), ids, 3).toFloat(),
      ];
    });
  });

  it('gives the gather gradient of an embedding (axis 0, repeated ids, 2-D ids) and batched gather', async () => {
    await expectWasmMatchesCpu('gather grad', () => {
      const table = seededNormal([10, 4], 2);
      const ids = tf.tensor2d(
        [
          [1, 2, 1],
          [7, 7, 0],
        ],
        [2, 3],
        'int32',
      );
      const batched = seededNormal([2, 10, 4], 3);
      const batchedIds = tf.tensor2d(
        [
          [1, 2],
          [3, 3],
        ],
        [2, 2],
        'int32',
      );
      return [
        ...tf.grads((embedding: tf.Tensor) => tf.gather(embedding, ids).square().sum())([table]),
        ...tf.grads((values: tf.Tensor) => tf.gather(values, batchedIds, 1, 1).square().sum())([
          batched,
        ]),
      ];
    });
  });

  it('trains a tf.layers embedding: gradients match cpu', async () => {
    await expectWasmMatchesCpu('layers embedding', () => {
      const layer = tf.layers.embedding({
        inputDim: 10,
        outputDim: 3,
        embeddingsInitializer: tf.initializers.randomNormal({ seed: 4 }),
      });
      const tokens = tf.tensor2d([
        [1, 2, 3, 1],
        [5, 6, 7, 8],
      ]);
      layer.apply(tokens);
      const { value, grads } = tf.variableGrads(() =>
        (layer.apply(tokens) as tf.Tensor).square().sum(),
      );
      const result = [value, ...Object.values(grads)];
      layer.dispose();
      return result;
    });
  });

  it('leaks no tensors or backend data', async () => {
    await expectNoLeak(() =>
      tf.grads((table: tf.Tensor) => tf.gather(table, tf.tensor1d([3, 1, 3], 'int32')).sum())([
        seededNormal([5, 2], 5),
      ]),
    );
  });

  it('rejects multi-dimensional segment ids with a clear message', () => {
    expect(() =>
      tf.tidy(() =>
        tf
          .engine()
          .runKernel(
            'UnsortedSegmentSum',
            { x: tf.ones([2, 2]), segmentIds: tf.zeros([2, 2], 'int32') },
            { numSegments: 2 },
          ),
      ),
    ).toThrow(/rank-1 segmentIds of length x.shape\[0\]/);
  });
});
