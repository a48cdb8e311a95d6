import { initBackend } from '@selfsup/core';
import { expectNoTensorLeak } from '@selfsup/core/test';
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { cutout } from './cutout';
import { createStrongImageAugment, createWeakImageAugment } from './image-augmentations';

/** `[B, 28, 28, 1]` images, each one bright pixel at (row, column) on black. */
function dots(positions: readonly (readonly [number, number])[]): tf.Tensor4D {
  const values = new Float32Array(positions.length * 28 * 28);
  positions.forEach(([row, column], example) => {
    values[example * 784 + row * 28 + column] = 1;
  });
  return tf.tensor4d(values, [positions.length, 28, 28, 1]);
}

describe('image augmentations for FixMatch and MixMatch', () => {
  beforeAll(async () => {
    await initBackend({ backend: 'wasm', quiet: true });
  });

  it('cutout fills one clipped square of side v·W per image, seeded, without leaks', async () => {
    await expectNoTensorLeak(() => {
      const ones = tf.ones([16, 28, 28, 1]) as tf.Tensor4D;
      const erased = cutout(ones, 3, { size: [0.5, 0.5], fill: 0 });
      const values = erased.dataSync();
      for (let example = 0; example < 16; example++) {
        const rows = new Set<number>();
        const columns = new Set<number>();
        let zeros = 0;
        for (let i = 0; i < 784; i++) {
          if (values[example * 784 + i] === 0) {
            zeros++;
            rows.add(Math.floor(i / 28));
            columns.add(i % 28);
          }
        }
        // A 14×14 square, possibly clipped at the border: a full rectangle of its rows × columns.
        expect(zeros).toBe(rows.size * columns.size);
        expect(rows.size).toBeLessThanOrEqual(14);
        expect(columns.size).toBeLessThanOrEqual(14);
        expect(rows.size).toBeGreaterThanOrEqual(7);
      }
      const again = cutout(ones, 3, { size: [0.5, 0.5], fill: 0 });
      expect(Array.from(again.dataSync())).toEqual(Array.from(values));
      const grey = cutout(ones, 4, { size: [0.3, 0.3], fill: 0.5 });
      expect(Array.from(grey.dataSync()).filter((v) => v === 0.5).length).toBeGreaterThan(0);
      const none = cutout(ones, 4, { size: [0, 0] });
      expect(tf.tidy(() => none.sum().dataSync()[0])).toBe(16 * 784);
      tf.dispose([ones, erased, again, grey, none]);
    });
  });

  it('the weak augmentation is an integer shift of at most 12.5% of the side', async () => {
    await expectNoTensorLeak(() => {
      const images = dots(Array.from({ length: 24 }, () => [14, 14] as const));
      const shifted = createWeakImageAugment()(images, 11);
      const values = shifted.dataSync();
      const offsets = new Set<string>();
      for (let example = 0; example < 24; example++) {
        const slice = values.subarray(example * 784, (example + 1) * 784);
        const bright = Array.from(slice.entries()).filter(([, v]) => v > 1e-4);
        // The dot moves whole pixels: still one pixel of value 1.
        expect(bright).toHaveLength(1);
        expect(bright[0]![1]).toBeCloseTo(1, 5);
        const position = bright[0]![0];
        const rowOffset = Math.floor(position / 28) - 14;
        const columnOffset = (position % 28) - 14;
        expect(Math.abs(rowOffset)).toBeLessThanOrEqual(3);
        expect(Math.abs(columnOffset)).toBeLessThanOrEqual(3);
        offsets.add(`${rowOffset},${columnOffset}`);
      }
      expect(offsets.size).toBeGreaterThan(5);
      tf.dispose([images, shifted]);
    });
  });

  it('the strong augmentation keeps shape and range, is seeded, and distorts more than the weak one', async () => {
    await expectNoTensorLeak(() => {
      // Smooth digit-sized blobs (a shift of noise would move every pixel; a shift of a blob barely does).
      const images = tf.tidy(() => {
        const grid = tf.range(0, 28, 1, 'float32').sub(13.5).square();
        const blob = tf.exp(tf.add(grid.reshape([28, 1]), grid.reshape([1, 28])).div(-2 * 5 * 5));
        return tf.tile(blob.reshape([1, 28, 28, 1]), [32, 1, 1, 1]);
      }) as tf.Tensor4D;
      const strong = createStrongImageAugment();
      const first = strong(images, 9);
      const second = strong(images, 9);
      expect(first.shape).toEqual(images.shape);
      expect(Array.from(second.dataSync())).toEqual(Array.from(first.dataSync()));
      const [low, high] = tf.tidy(() => [first.min().dataSync()[0]!, first.max().dataSync()[0]!]);
      expect(low).toBeGreaterThanOrEqual(0);
      expect(high).toBeLessThanOrEqual(1);
      const distance = (other: tf.Tensor) =>
        tf.tidy(() => tf.mean(tf.abs(tf.sub(other, images))).dataSync()[0]!);
      const weak = createWeakImageAugment()(images, 9);
      expect(distance(first)).toBeGreaterThan(0.05);
      expect(distance(first)).toBeGreaterThan(distance(weak));
      tf.dispose([images, first, second, weak]);
    });
  });

  it('refuses token ids with a message that says what to do', () => {
    const tokens = tf.zeros([2, 8], 'int32');
    expect(() => createWeakImageAugment()(tokens, 1)).toThrow(/no image augmentation for text/);
    expect(() => createStrongImageAugment()(tokens, 1)).toThrow(/no image augmentation for text/);
    tokens.dispose();
  });
});
