import { initBackend } from '@selfsup/core';
import { computeOnBackends, expectNoTensorLeak, expectTensorsClose } from '@selfsup/core/test';
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { gatedActivation } from './gated-activation';
import { sparseSoftmaxCrossEntropy } from './sparse-softmax-cross-entropy';

describe('WaveNet ops on wasm', () => {
  beforeAll(async () => {
    await initBackend({ backend: 'wasm', quiet: true });
  });

  it('gatedActivation is tanh(f)·σ(g), with the same gradients as the tanh form, leak-free', async () => {
    await expectNoTensorLeak(() => {
      tf.tidy(() => {
        const filter = tf.randomNormal([37, 6], 0, 2, 'float32', 4) as tf.Tensor2D;
        const gate = tf.randomNormal([37, 6], 0, 2, 'float32', 7) as tf.Tensor2D;
        const weights = tf.randomNormal([37, 6], 0, 1, 'float32', 5);
        const reference = (f: tf.Tensor, g: tf.Tensor) => tf.mul(tf.tanh(f), tf.sigmoid(g));
        expectTensorsClose(gatedActivation(filter, gate), reference(filter, gate), { atol: 1e-6 });
        const gradients = tf.grads((f: tf.Tensor, g: tf.Tensor) =>
          tf.sum(tf.mul(gatedActivation(f as tf.Tensor2D, g as tf.Tensor2D), weights)),
        )([filter, gate]);
        const expected = tf.grads((f: tf.Tensor, g: tf.Tensor) =>
          tf.sum(tf.mul(reference(f, g), weights)),
        )([filter, gate]);
        expectTensorsClose(gradients[0]!, expected[0]!, { atol: 1e-5 });
        expectTensorsClose(gradients[1]!, expected[1]!, { atol: 1e-5 });
      });
    });
    const [a, b] = [tf.zeros([2, 3]), tf.zeros([2, 4])] as tf.Tensor2D[];
    expect(() => gatedActivation(a!, b!)).toThrow(/one shape/);
    tf.dispose([a!, b!]);
  });

  it('sparseSoftmaxCrossEntropy equals tf.losses.softmaxCrossEntropy in value and gradient (wasm and cpu)', async () => {
    const compute = () => {
      const logits = tf.randomNormal([50, 256], 0, 3, 'float32', 6) as tf.Tensor2D;
      const targets = tf.tensor1d(
        Array.from({ length: 50 }, (_, i) => (i * 97) % 256),
        'int32',
      );
      const oneHot = tf.oneHot(targets, 256).cast('float32');
      const ours = tf.valueAndGrad((x: tf.Tensor) =>
        sparseSoftmaxCrossEntropy(x as tf.Tensor2D, targets),
      )(logits);
      const theirs = tf.valueAndGrad(
        (x: tf.Tensor) => tf.losses.softmaxCrossEntropy(oneHot, x) as tf.Scalar,
      )(logits);
      return [ours.value, ours.grad, theirs.value, theirs.grad];
    };
    await expectNoTensorLeak(async () => {
      const { reference, actual } = await computeOnBackends(compute);
      for (const values of [actual, reference]) {
        expectTensorsClose(values[0]!, values[2]!, { rtol: 1e-5 });
        expectTensorsClose(values[1]!, values[3]!, { atol: 1e-7 });
      }
      expectTensorsClose(actual[1]!, reference[1]!, { atol: 1e-7 });
    });
  });
});
