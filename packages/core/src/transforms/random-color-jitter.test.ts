import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../backend/init-backend';
import { expectTensorsClose } from '../test/compare-tensors';
import { expectNoTensorLeak } from '../test/expect-no-tensor-leak';
import { luminance } from './luminance';
import { randomColorJitter } from './random-color-jitter';

beforeAll(async () => {
  await initBackend({ backend: 'wasm' });
});

describe('randomColorJitter', () => {
  it('scales brightness per example within [1 − b, 1 + b]', () => {
    const images = tf.fill([40, 2, 2, 1], 0.5) as tf.Tensor4D;
    const jittered = randomColorJitter(images, 5, { brightness: 0.4, contrast: 0, probability: 1 });
    const factors = Array.from(jittered.mean([1, 2, 3]).dataSync()).map((value) => value / 0.5);
    for (const factor of factors) {
      expect(factor).toBeGreaterThanOrEqual(0.6 - 1e-6);
      expect(factor).toBeLessThanOrEqual(1.4 + 1e-6);
    }
    expect(new Set(factors).size).toBeGreaterThan(30);
    tf.dispose([images, jittered]);
  });

  it('changes contrast around the mean grey level, which it preserves (no clipping)', () => {
    const images = tf.randomUniform([8, 4, 4, 3], 0.4, 0.6, 'float32', 6) as tf.Tensor4D;
    const jittered = randomColorJitter(images, 2, {
      brightness: 0,
      contrast: 0.5,
      saturation: 0,
      hue: 0,
      probability: 1,
    });
    expectTensorsClose(
      tf.mean(luminance(jittered), [1, 2, 3]),
      tf.mean(luminance(images), [1, 2, 3]),
      { atol: 1e-5 },
    );
    expect(Array.from(jittered.dataSync())).not.toEqual(Array.from(images.dataSync()));
    tf.dispose([images, jittered]);
  });

  it('leaves grey pixels grey under saturation and hue, and hue keeps the luma', () => {
    const greyLevels = tf.randomUniform([6, 3, 3, 1], 0, 1, 'float32', 7);
    const grey = tf.tile(greyLevels, [1, 1, 1, 3]) as tf.Tensor4D;
    const saturated = randomColorJitter(grey, 3, {
      brightness: 0,
      contrast: 0,
      saturation: 0.8,
      hue: 0.5,
      probability: 1,
    });
    expectTensorsClose(saturated, grey, { atol: 1e-5 });
    const colours = tf.randomUniform([6, 3, 3, 3], 0.45, 0.55, 'float32', 8) as tf.Tensor4D;
    const shifted = randomColorJitter(colours, 3, {
      brightness: 0,
      contrast: 0,
      saturation: 0,
      hue: 0.5,
      probability: 1,
    });
    expectTensorsClose(luminance(shifted), luminance(colours), { atol: 1e-5 });
    expect(Array.from(shifted.dataSync())).not.toEqual(Array.from(colours.dataSync()));
    tf.dispose([greyLevels, grey, saturated, colours, shifted]);
  });

  it('keeps values in [0, 1], is seeded, and leaves exactly the skipped examples unchanged', () => {
    const images = tf.randomUniform([16, 4, 4, 3], 0, 1, 'float32', 9) as tf.Tensor4D;
    const first = randomColorJitter(images, 11, { strength: 1, probability: 0.5 });
    const again = randomColorJitter(images, 11, { strength: 1, probability: 0.5 });
    const other = randomColorJitter(images, 12, { strength: 1, probability: 0.5 });
    expect(Array.from(again.dataSync())).toEqual(Array.from(first.dataSync()));
    expect(Array.from(other.dataSync())).not.toEqual(Array.from(first.dataSync()));
    expect(tf.min(first).dataSync()[0]).toBeGreaterThanOrEqual(0);
    expect(tf.max(first).dataSync()[0]).toBeLessThanOrEqual(1);
    const unchanged = Array.from(tf.all(tf.equal(first, images), [1, 2, 3]).dataSync()).filter(
      Boolean,
    ).length;
    expect(unchanged).toBeGreaterThan(0);
    expect(unchanged).toBeLessThan(16);
    const never = randomColorJitter(images, 11, { strength: 1, probability: 0 });
    expect(Array.from(never.dataSync())).toEqual(Array.from(images.dataSync()));
    expect(() => randomColorJitter(images, 1, { hue: 0.7 })).toThrow(/hue/);
    tf.dispose([images, first, again, other, never]);
  });

  it('leaks no tensor, on grey and RGB images', async () => {
    const rgb = tf.randomUniform([3, 4, 4, 3], 0, 1, 'float32', 1) as tf.Tensor4D;
    const grey = tf.randomUniform([3, 4, 4, 1], 0, 1, 'float32', 1) as tf.Tensor4D;
    await expectNoTensorLeak(() => {
      randomColorJitter(rgb, 1, { strength: 1, probability: 1 }).dispose();
      randomColorJitter(grey, 1, { strength: 1, probability: 1 }).dispose();
    });
    tf.dispose([rgb, grey]);
  });
});
