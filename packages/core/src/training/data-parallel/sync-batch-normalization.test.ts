import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../../backend/init-backend';
import { BatchNormalization } from '../../layers/batch-normalization';
import { expectTensorsClose } from '../../test/compare-tensors';
import { expectNoTensorLeak } from '../../test/expect-no-tensor-leak';
import { createExchangeBuffers, SharedMemoryGroup } from './shared-memory-group';
import { SyncBatchNormalization } from './sync-batch-normalization';

beforeAll(async () => {
  await initBackend({ backend: 'wasm', quiet: true });
});

const oneWorker = (): SharedMemoryGroup =>
  new SharedMemoryGroup(createExchangeBuffers(1, 64), 0, 1);

describe('SyncBatchNormalization', () => {
  it('with one worker equals core BatchNormalization: output, gradients and moving statistics', () => {
    const input = tf.tensor2d(
      Float32Array.from({ length: 6 * 3 }, (_, index) => Math.sin(index * 0.9) * 2 + index * 0.1),
      [6, 3],
    );
    const synced = new SyncBatchNormalization({ group: oneWorker(), momentum: 0.8 });
    const plain = new BatchNormalization({ momentum: 0.8 });
    const run = (layer: tf.layers.Layer) => {
      tf.dispose(layer.apply(input) as tf.Tensor); // builds the layer (inference: no statistics update)
      const { value, grads } = tf.variableGrads(
        () =>
          tf.sum(
            tf.mul(tf.square(layer.apply(input, { training: true }) as tf.Tensor), tf.range(1, 4)),
          ) as tf.Scalar,
        layer.trainableWeights.map((weight) => weight.read() as tf.Variable),
      );
      const inputGradient = tf.grad((x: tf.Tensor) =>
        tf.sum(tf.mul(tf.square(layer.apply(x, { training: true }) as tf.Tensor), tf.range(1, 4))),
      )(input);
      return { value, grads: Object.values(grads), inputGradient, weights: layer.getWeights() };
    };
    const a = run(synced);
    const b = run(plain);
    expectTensorsClose(a.value, b.value, { atol: 1e-5 });
    a.grads.forEach((gradient, index) => {
      expectTensorsClose(gradient, b.grads[index] as tf.Tensor, { atol: 1e-4 });
    });
    expectTensorsClose(a.inputGradient, b.inputGradient, { atol: 1e-4 });
    a.weights.forEach((weight, index) => {
      expectTensorsClose(weight, b.weights[index] as tf.Tensor, { atol: 1e-5 });
    });
    expect(synced.getClassName()).toBe('SelfsupBatchNormalization');
    tf.dispose([input, a.value, b.value, ...a.grads, ...b.grads, a.inputGradient, b.inputGradient]);
    synced.dispose();
    plain.dispose();
  });

  it('leaks no tensors in a training step', async () => {
    const layer = new SyncBatchNormalization({ group: oneWorker() });
    const input = tf.randomNormal([4, 2], 0, 1, 'float32', 3);
    layer.apply(input, { training: true }); // builds the layer
    await expectNoTensorLeak(() => {
      const { value, grads } = tf.variableGrads(
        () => tf.sum(layer.apply(input, { training: true }) as tf.Tensor) as tf.Scalar,
        layer.trainableWeights.map((weight) => weight.read() as tf.Variable),
      );
      tf.dispose([value, grads]);
    });
    input.dispose();
    layer.dispose();
  });
});
