import { initBackend } from '@selfsup/core';
import { expectNoTensorLeak } from '@selfsup/core/test';
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { sharpen } from './sharpen';

const entropy = (row: number[]) => -row.reduce((sum, p) => sum + (p > 0 ? p * Math.log(p) : 0), 0);

describe('sharpen (MixMatch label guessing)', () => {
  beforeAll(async () => {
    await initBackend({ backend: 'wasm', quiet: true });
  });

  it('computes p^(1/T) / Σ p^(1/T), lowers the entropy and keeps the arg-max, without leaks', async () => {
    const rows = [
      [0.6, 0.3, 0.1],
      [0.2, 0.2, 0.6],
      [1, 0, 0],
    ];
    await expectNoTensorLeak(() => {
      const input = tf.tensor2d(rows);
      for (const temperature of [0.5, 0.25, 2]) {
        const sharpened = sharpen(input, temperature);
        const values = sharpened.arraySync();
        sharpened.dispose();
        rows.forEach((row, r) => {
          const powered = row.map((p) => p ** (1 / temperature));
          const total = powered.reduce((sum, p) => sum + p, 0);
          powered.forEach((p, c) => {
            expect(values[r]![c]!).toBeCloseTo(p / total, 5);
          });
          const out = values[r]!;
          expect(out.indexOf(Math.max(...out))).toBe(row.indexOf(Math.max(...row)));
          if (temperature < 1) expect(entropy(out)).toBeLessThanOrEqual(entropy(row) + 1e-6);
          else expect(entropy(out)).toBeGreaterThanOrEqual(entropy(row) - 1e-6);
        });
      }
      input.dispose();
    });
  });

  it('is the identity at T = 1 and tends to one-hot as T → 0', () => {
    const input = tf.tensor2d([[0.5, 0.3, 0.2]]);
    const same = tf.tidy(() => sharpen(input, 1).arraySync()[0]!);
    [0.5, 0.3, 0.2].forEach((p, c) => {
      expect(same[c]!).toBeCloseTo(p, 5);
    });
    const cold = tf.tidy(() => sharpen(input, 0.01).arraySync()[0]!);
    expect(cold[0]!).toBeGreaterThan(0.999);
    input.dispose();
  });

  it('rejects a temperature that is not positive and inputs that are not [B, C]', () => {
    const input = tf.tensor2d([[0.5, 0.5]]);
    expect(() => sharpen(input, 0)).toThrow(/temperature > 0/);
    const flat = tf.tensor1d([0.5, 0.5]);
    expect(() => sharpen(flat as unknown as tf.Tensor2D)).toThrow(/\[batch, classes\]/);
    tf.dispose([input, flat]);
  });
});
