import { initBackend } from '@selfsup/core';
import { expectNoTensorLeak } from '@selfsup/core/test';
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { maskedPatchLoss, normalizePatches } from './mae-loss';

describe('normalizePatches', () => {
  beforeAll(async () => {
    await initBackend({ backend: 'wasm', quiet: true });
  });

  it('gives each patch zero mean and unit unbiased variance, and a constant patch zeros', async () => {
    const values = [1, 2, 3, 6, 0.5, 0.5, 0.5, 0.5];
    const patches = tf.tensor3d(values, [1, 2, 4]);
    await expectNoTensorLeak(() => {
      const { targets, mean, std } = normalizePatches(patches);
      const first = values.slice(0, 4);
      const average = first.reduce((sum, value) => sum + value, 0) / 4;
      const unbiased = first.reduce((sum, value) => sum + (value - average) ** 2, 0) / 3;
      const expected = first.map((value) => (value - average) / Math.sqrt(unbiased + 1e-6));
      const result = Array.from(targets.dataSync());
      result.slice(0, 4).forEach((value, index) => {
        expect(value).toBeCloseTo(expected[index] ?? Number.NaN, 4);
      });
      expect(result.slice(4).every((value) => Math.abs(value) < 1e-6)).toBe(true);
      expect(mean.dataSync()[1]).toBeCloseTo(0.5, 6);
      expect(std.dataSync()[1]).toBeCloseTo(1e-3, 6);
      tf.dispose([targets, mean, std]);
    });
    patches.dispose();
  });
});

describe('maskedPatchLoss', () => {
  it('averages the per-patch squared error over masked patches and ignores visible ones', async () => {
    const targets = tf.randomNormal([2, 3, 4], 0, 1, 'float32', 1) as tf.Tensor3D;
    const predictions = tf.randomNormal([2, 3, 4], 0, 1, 'float32', 2) as tf.Tensor3D;
    const maskValues = [1, 0, 1, 0, 0, 1];
    const mask = tf.tensor2d(maskValues, [2, 3]);
    await expectNoTensorLeak(() => {
      const loss = maskedPatchLoss(predictions, targets, mask);
      const target = targets.arraySync();
      const prediction = predictions.arraySync();
      let total = 0;
      maskValues.forEach((masked, flat) => {
        if (masked === 0) return;
        const example = Math.floor(flat / 3);
        const patch = flat % 3;
        const row = prediction[example]?.[patch] ?? [];
        total +=
          row.reduce(
            (sum, value, index) => sum + (value - (target[example]?.[patch]?.[index] ?? 0)) ** 2,
            0,
          ) / 4;
      });
      expect(loss.dataSync()[0]).toBeCloseTo(total / 3, 4);

      // Changing the predictions of visible patches leaves the loss unchanged…
      const visibleNoise = tf.tidy(() =>
        tf.add(predictions, tf.mul(tf.sub(1, mask).expandDims(-1), 5)),
      );
      const unchanged = maskedPatchLoss(visibleNoise, targets, mask);
      expect(unchanged.dataSync()[0]).toBeCloseTo(loss.dataSync()[0] ?? Number.NaN, 5);
      // …while changing a masked one changes it.
      const maskedNoise = tf.tidy(() => tf.add(predictions, tf.mul(mask.expandDims(-1), 5)));
      const changed = maskedPatchLoss(maskedNoise, targets, mask);
      expect(changed.dataSync()[0]).toBeGreaterThan((loss.dataSync()[0] ?? 0) + 1);
      tf.dispose([loss, visibleNoise, unchanged, maskedNoise, changed]);
    });
    const wrongMask = tf.zeros([2, 2]);
    expect(() => maskedPatchLoss(predictions, targets, wrongMask)).toThrow(/mask \[B, N\]/);
    tf.dispose([targets, predictions, mask, wrongMask]);
  });
});
