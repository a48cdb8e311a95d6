import { initBackend } from '@selfsup/core';
import { expectNoTensorLeak } from '@selfsup/core/test';
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { mocoInfoNceLoss } from './moco-info-nce-loss';

const unit = (row: number[]): number[] => {
  const norm = Math.hypot(...row);
  return row.map((value) => value / norm);
};
const dot = (a: number[], b: number[]): number =>
  a.reduce((sum, value, i) => sum + value * b[i]!, 0);

describe('mocoInfoNceLoss', () => {
  beforeAll(async () => {
    await initBackend({ backend: 'wasm', quiet: true });
  });

  it('equals the hand-computed cross-entropy with the positive at index 0', async () => {
    const queries = [
      [1, 2, 0],
      [0.5, -1, 2],
    ];
    const keys = [
      [2, 1, 1],
      [0, -1, 3],
    ];
    const negatives = [
      [1, 0, 0],
      [0, 1, 0],
      [0, 0.6, 0.8],
      [-0.6, 0, 0.8],
    ];
    const temperature = 0.2;
    // By hand: ℓ(i) = −s⁺/τ + log(exp(s⁺/τ) + Σ_j exp(s_j/τ)), cosine similarities.
    let total = 0;
    let correct = 0;
    for (let i = 0; i < queries.length; i++) {
      const q = unit(queries[i]!);
      const positive = dot(q, unit(keys[i]!)) / temperature;
      const others = negatives.map((negative) => dot(q, negative) / temperature);
      const sum = Math.exp(positive) + others.reduce((s, logit) => s + Math.exp(logit), 0);
      total += Math.log(sum) - positive;
      if (others.every((logit) => logit < positive)) correct += 1;
    }
    const expectedLoss = total / queries.length;
    const expectedAccuracy = correct / queries.length;
    const q = tf.tensor2d(queries);
    const k = tf.tensor2d(keys);
    const n = tf.tensor2d(negatives);
    await expectNoTensorLeak(() => {
      const { loss, accuracy } = mocoInfoNceLoss(q, k, n, temperature);
      expect(loss.dataSync()[0]).toBeCloseTo(expectedLoss, 5);
      expect(accuracy.dataSync()[0]).toBeCloseTo(expectedAccuracy, 6);
      tf.dispose([loss, accuracy]);
    });
    // The values of this example: one query ranks its key first, the other does not.
    expect(expectedAccuracy).toBe(0.5);
    tf.dispose([q, k, n]);
  });

  it('differentiates w.r.t. the queries without leaks, and refuses bad shapes and temperatures', async () => {
    const q = tf.variable(tf.randomNormal([4, 8], 0, 1, 'float32', 1));
    const k = tf.randomNormal([4, 8], 0, 1, 'float32', 2) as tf.Tensor2D;
    const n = tf.randomNormal([16, 8], 0, 1, 'float32', 3) as tf.Tensor2D;
    const negatives = tf.div(n, tf.norm(n, 2, 1, true)) as tf.Tensor2D;
    await expectNoTensorLeak(() => {
      const { value, grads } = tf.variableGrads(
        () => mocoInfoNceLoss(q as tf.Variable<tf.Rank.R2>, k, negatives).loss,
        [q],
      );
      const gradient = grads[q.name]!;
      expect(gradient.shape).toEqual([4, 8]);
      expect(Number.isFinite(value.dataSync()[0]!)).toBe(true);
      expect(tf.tidy(() => tf.norm(gradient).dataSync()[0])).toBeGreaterThan(0);
      tf.dispose([value, ...Object.values(grads)]);
    });
    expect(() => mocoInfoNceLoss(k, k, tf.zeros([3, 5]))).toThrow(/negatives must be \[K, 8\]/);
    expect(() => mocoInfoNceLoss(k, k, negatives, 0)).toThrow(/temperature must be > 0/);
    tf.dispose([q, k, n, negatives]);
  });
});
