import { createVitEncoder, initBackend } from '@selfsup/core';
import { expectNoTensorLeak } from '@selfsup/core/test';
import { imagesToTensor, loadMnist } from '@selfsup/data';
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { createMae } from './mae';
import { maeReconstruct } from './mae-reconstruct';
import { reconstructionGrid } from './reconstruction-grid';

const createTinyMae = () =>
  createMae({
    encoder: createVitEncoder({
      imageShape: [28, 28, 1],
      patchSize: 7,
      embeddingSize: 16,
      layers: 1,
      heads: 2,
      seed: 1,
    }),
    decoderLayers: 1,
    decoderEmbeddingSize: 16,
    seed: 2,
  });

const total = (tensor: tf.Tensor): number =>
  tf.tidy(() => tensor.sum().dataSync()[0] ?? Number.NaN);

describe('maeReconstruct', () => {
  beforeAll(async () => {
    await initBackend({ backend: 'wasm', quiet: true });
  });

  it('keeps visible patches, hides the requested fraction, and repeats for a seed', async () => {
    const mae = createTinyMae();
    const images = imagesToTensor(loadMnist('test'), [0, 1, 2]);
    await expectNoTensorLeak(() => {
      const result = maeReconstruct(mae, images, { maskRatio: 0.75, seed: 3 });
      expect(result.reconstruction.shape).toEqual([3, 28, 28, 1]);
      expect(result.mask.shape).toEqual([3, 16]);
      expect(total(result.mask)).toBe(3 * 12);
      expect(total(result.pixelMask)).toBe(3 * 12 * 49);
      const read = (compute: () => tf.Tensor): number =>
        tf.tidy(() => compute().dataSync()[0] ?? Number.NaN);
      const visibleError = read(() =>
        tf.max(tf.abs(tf.mul(tf.sub(result.composite, images), tf.sub(1, result.pixelMask)))),
      );
      const range = [
        read(() => tf.min(result.reconstruction)),
        read(() => tf.max(result.reconstruction)),
      ];
      expect(visibleError).toBeLessThan(1e-6);
      expect(range[0]).toBeGreaterThanOrEqual(0);
      expect(range[1]).toBeLessThanOrEqual(1);
      const again = maeReconstruct(mae, images, { maskRatio: 0.75, seed: 3 });
      expect(Array.from(again.mask.dataSync())).toEqual(Array.from(result.mask.dataSync()));
      const half = maeReconstruct(mae, images, { maskRatio: 0.5, seed: 3 });
      expect(total(half.mask)).toBe(3 * 8);
      tf.dispose([...Object.values(result), ...Object.values(again), ...Object.values(half)]);
    });
    expect(() => maeReconstruct(mae, images, { maskRatio: 1 })).toThrow(/maskRatio/);
    images.dispose();
    mae.dispose();
  });

  it('lays originals, masked inputs and reconstructions out as a grid', () => {
    const mae = createTinyMae();
    const images = imagesToTensor(loadMnist('test'), [0, 1]);
    const result = maeReconstruct(mae, images, { seed: 5 });
    const grid = reconstructionGrid(images, result, { padding: 2 });
    expect(grid.width).toBe(4 * 30 + 2);
    expect(grid.height).toBe(2 * 30 + 2);
    expect(grid.pixels.length).toBe(grid.width * grid.height);
    // First tile of the second row is the second original digit.
    const original = images.dataSync();
    const left = 2;
    const top = 2 + 30;
    for (const [row, column] of [
      [14, 14],
      [10, 12],
      [0, 0],
    ] as const) {
      const expected = Math.round((original[(28 + row) * 28 + column] ?? 0) * 255);
      expect(grid.pixels[(top + row) * grid.width + left + column]).toBe(expected);
    }
    // Hidden pixels are grey in the masked tile.
    const hidden = result.pixelMask.dataSync();
    const hiddenPixel = hidden.findIndex((value) => value > 0.5);
    const row = Math.floor(hiddenPixel / 28);
    const column = hiddenPixel % 28;
    expect(grid.pixels[(2 + row) * grid.width + 2 + 30 + column]).toBe(128);
    tf.dispose([images, ...Object.values(result)]);
    mae.dispose();
  });
});
