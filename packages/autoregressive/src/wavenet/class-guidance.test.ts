import { initBackend } from '@selfsup/core';
import { expectNoTensorLeak } from '@selfsup/core/test';
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { classGuidedLogProbabilities } from './class-guidance';

describe('classGuidedLogProbabilities', () => {
  beforeAll(async () => {
    await initBackend({ backend: 'wasm', quiet: true });
  });

  it('matches w·log p(x|c) − (w − 1)·log mean_k p(x|k) on known distributions, leak-free', async () => {
    // One sequence, two classes over three values: p(·|0) = (0.5, 0.4, 0.1), p(·|1) = (0.8, 0.1, 0.1).
    const logits = tf.log(tf.tensor2d([0.5, 0.4, 0.1, 0.8, 0.1, 0.1], [2, 3]));
    const target = tf.tensor1d([0], 'int32');
    await expectNoTensorLeak(() => {
      tf.tidy(() => {
        const plain = classGuidedLogProbabilities(logits, target, 1);
        expect(Array.from(tf.softmax(plain).dataSync())).toEqual(
          [0.5, 0.4, 0.1].map((value) => expect.closeTo(value, 5)),
        );
        // w = 3: p ∝ p0³ / mean²: mean = (0.65, 0.25, 0.1).
        const guided = tf.softmax(classGuidedLogProbabilities(logits, target, 3)).dataSync();
        const unnormalized = [0.5, 0.4, 0.1].map((p0, i) => p0 ** 3 / [0.65, 0.25, 0.1][i]! ** 2);
        const total = unnormalized.reduce((sum, value) => sum + value, 0);
        expect(Array.from(guided)).toEqual(
          unnormalized.map((value) => expect.closeTo(value / total, 5)),
        );
        // The value class 0 predicts more than the average (the second) gains mass.
        expect(guided[1]!).toBeGreaterThan(0.4);
      });
    });
    tf.dispose([logits, target]);
  });

  it('picks each sequence its own class row, and refuses rows that do not split into classes', () => {
    const logits = tf.tensor2d([
      [2, 0],
      [0, 2],
      [0, 2],
      [2, 0],
    ]);
    const perSequence = tf.softmax(
      classGuidedLogProbabilities(logits, tf.tensor1d([1, 2], 'int32'), 1),
    );
    const values = perSequence.arraySync();
    expect(values[0]![1]!).toBeGreaterThan(0.8);
    expect(values[1]![1]!).toBeGreaterThan(0.8);
    expect(() =>
      classGuidedLogProbabilities(tf.zeros([3, 2]), tf.tensor1d([0, 1], 'int32'), 2),
    ).toThrow(/do not split into 2 sequences/);
    tf.dispose([logits, perSequence]);
  });
});
