import { initBackend } from '@selfsup/core';
import { expectNoTensorLeak } from '@selfsup/core/test';
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { mixup } from './mixup';
import { sampleBeta } from './sample-beta';

describe('mixup with λ′ = max(λ, 1 − λ)', () => {
  beforeAll(async () => {
    await initBackend({ backend: 'wasm', quiet: true });
  });

  it('mixes inputs and targets with max(λ, 1 − λ) on the first operand, per batch or per example', async () => {
    await expectNoTensorLeak(() => {
      const x1 = tf.tensor4d([1, 2, 3, 4, 5, 6, 7, 8], [2, 2, 2, 1]);
      const x2 = tf.tensor4d([0, 0, 0, 0, 10, 10, 10, 10], [2, 2, 2, 1]);
      const y1 = tf.tensor2d([
        [1, 0],
        [0, 1],
      ]);
      const y2 = tf.tensor2d([
        [0, 1],
        [1, 0],
      ]);
      for (const lambda of [0.2, 0.8]) {
        // λ = 0.2 and λ = 0.8 both give 0.8 on the first operand.
        const { inputs, targets } = mixup(x1, y1, x2, y2, lambda);
        const mixedInputs = inputs.dataSync();
        const first = x1.dataSync();
        const second = x2.dataSync();
        mixedInputs.forEach((value, i) => {
          expect(value).toBeCloseTo(0.8 * first[i]! + 0.2 * second[i]!, 5);
        });
        expect(targets.arraySync()).toEqual([
          [expect.closeTo(0.8, 5), expect.closeTo(0.2, 5)],
          [expect.closeTo(0.2, 5), expect.closeTo(0.8, 5)],
        ]);
        tf.dispose([inputs, targets]);
      }
      const perExample = mixup(x1, y1, x2, y2, [0.3, 1]);
      const values = perExample.inputs.dataSync();
      // Example 0 uses 0.7, example 1 (λ = 1) is x1 itself.
      expect(values[0]!).toBeCloseTo(0.7 * 1, 5);
      expect(values[4]!).toBeCloseTo(5, 5);
      const lambdaTensor = tf.tensor1d([0.3, 1]);
      const fromTensor = mixup(x1, y1, x2, y2, lambdaTensor);
      expect(Array.from(fromTensor.inputs.dataSync())).toEqual(Array.from(values));
      tf.dispose([
        x1,
        x2,
        y1,
        y2,
        perExample.inputs,
        perExample.targets,
        lambdaTensor,
        fromTensor.inputs,
        fromTensor.targets,
      ]);
    });
  });

  it('lets gradients flow to both operands (it is used inside the training step)', async () => {
    await expectNoTensorLeak(() => {
      const x1 = tf.ones([3, 2]);
      const x2 = tf.zeros([3, 2]);
      const y = tf.tensor2d([
        [1, 0],
        [0, 1],
        [1, 0],
      ]);
      const lambdas = sampleBeta(0.75, 0.75, 3, 5);
      const grads = tf.grads((a: tf.Tensor, b: tf.Tensor) =>
        tf.sum(mixup(a, y, b, y, lambdas).inputs),
      )([x1, x2]);
      const kept = Array.from(lambdas, (l) => Math.max(l, 1 - l));
      const [ga, gb] = grads.map((g) => g.arraySync() as number[][]);
      kept.forEach((weight, i) => {
        expect(ga![i]![0]!).toBeCloseTo(weight, 5);
        expect(gb![i]![1]!).toBeCloseTo(1 - weight, 5);
      });
      tf.dispose([x1, x2, y, ...grads]);
    });
  });

  it('names shape and λ problems', () => {
    const x = tf.zeros([2, 3]);
    const other = tf.zeros([3, 3]);
    const y = tf.zeros([2, 2]) as tf.Tensor2D;
    expect(() => mixup(x, y, other, y, 0.5)).toThrow(/inputs of one shape/);
    expect(() => mixup(x, y, x, y, 1.5)).toThrow(/λ must be in \[0, 1\]/);
    expect(() => mixup(x, y, x, y, [0.5])).toThrow(/one λ per example/);
    tf.dispose([x, other, y]);
  });
});
