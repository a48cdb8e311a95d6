import { initBackend } from '@selfsup/core';
import { expectNoTensorLeak } from '@selfsup/core/test';
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { normalizeRows } from './normalize-rows';

describe('normalizeRows', () => {
  beforeAll(async () => {
    await initBackend({ backend: 'wasm', quiet: true });
  });

  it('makes unit rows, keeps zero rows zero, and has a finite gradient at a zero row', async () => {
    const rows = tf.tensor2d([
      [3, 4],
      [0, 0],
    ]);
    const unit = normalizeRows(rows);
    expect(Array.from(unit.dataSync())).toEqual([
      expect.closeTo(0.6, 6),
      expect.closeTo(0.8, 6),
      0,
      0,
    ]);
    const weights = tf.tensor2d([
      [1, 2],
      [1, 2],
    ]);
    const gradient = tf.grad((x: tf.Tensor) =>
      tf.sum(tf.mul(normalizeRows(x as tf.Tensor2D), weights)),
    )(rows);
    const values = Array.from(gradient.dataSync());
    expect(values.every(Number.isFinite)).toBe(true);
    // d/dx (x·w / ‖x‖) = (w − (x̂·w) x̂) / ‖x‖ at (3, 4): x̂·w = 2.2.
    expect(values[0]).toBeCloseTo((1 - 2.2 * 0.6) / 5, 5);
    expect(values[1]).toBeCloseTo((2 - 2.2 * 0.8) / 5, 5);
    tf.dispose([rows, unit, weights, gradient]);
    await expectNoTensorLeak(() => {
      const x = tf.ones([2, 3]) as tf.Tensor2D;
      normalizeRows(x).dispose();
      x.dispose();
    });
  });
});
