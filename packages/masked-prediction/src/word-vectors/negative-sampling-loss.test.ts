import { initBackend } from '@selfsup/core';
import { computeOnBackends, expectNoTensorLeak, expectTensorsClose } from '@selfsup/core/test';
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { negativeSamplingLoss } from './negative-sampling-loss';

const hiddenValues = [0.5, -0.2, 0.1, 0.3, 0.4, -0.6];
const outputValues = [0.1, 0.2, -0.3, 0.4, 0, 0.5, -0.1, 0.7, 0.2, 0.3, -0.4, 0.1];
const targetValues = [1, 2, 3, 0, 3, 1];

function softplus(x: number): number {
  return Math.log1p(Math.exp(x));
}

describe('negativeSamplingLoss', () => {
  beforeAll(async () => {
    await initBackend({ backend: 'wasm', quiet: true });
  });

  it('sums −log σ(u_o·h) − Σ log σ(−u_n·h) over the batch', () => {
    let expected = 0;
    for (let row = 0; row < 2; row++) {
      for (let k = 0; k < 3; k++) {
        const target = targetValues[row * 3 + k]!;
        let logit = 0;
        for (let i = 0; i < 3; i++)
          logit += hiddenValues[row * 3 + i]! * outputValues[target * 3 + i]!;
        expected += k === 0 ? softplus(-logit) : softplus(logit);
      }
    }
    const loss = tf.tidy(() =>
      negativeSamplingLoss(
        tf.tensor2d(hiddenValues, [2, 3]),
        tf.tensor2d(outputValues, [4, 3]),
        tf.tensor2d(targetValues, [2, 3], 'int32'),
      ),
    );
    expect(loss.dataSync()[0]).toBeCloseTo(expected, 5);
    loss.dispose();
  });

  it('has the same gradients on wasm and cpu, and leaks no tensor', async () => {
    const gradients = (): tf.Tensor[] =>
      tf.tidy(() => {
        const hidden = tf.tensor2d(hiddenValues, [2, 3]);
        const output = tf.tensor2d(outputValues, [4, 3]);
        const targets = tf.tensor2d(targetValues, [2, 3], 'int32');
        return tf.grads((h: tf.Tensor, o: tf.Tensor) =>
          negativeSamplingLoss(h as tf.Tensor2D, o as tf.Tensor2D, targets),
        )([hidden, output]);
      });
    const { reference, actual } = await computeOnBackends(gradients, 'wasm');
    expect(actual).toHaveLength(2);
    reference.forEach((gradient, index) => {
      expectTensorsClose(actual[index]!, gradient, { label: `gradient ${index}` });
    });
    await expectNoTensorLeak(() => tf.dispose(gradients()));
  });

  it('names a bad targets shape', () => {
    expect(() =>
      tf.tidy(() =>
        negativeSamplingLoss(tf.ones([2, 3]), tf.ones([4, 3]), tf.zeros([2, 1], 'int32')),
      ),
    ).toThrow(/1 \+ K/);
  });
});
