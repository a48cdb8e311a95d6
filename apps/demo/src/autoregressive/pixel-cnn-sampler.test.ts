import { createPixelCnn, samplePixelCnn } from '@selfsup/autoregressive';
import { initBackend } from '@selfsup/core';
import { expectNoTensorLeak } from '@selfsup/core/test';
import { beforeAll, describe, expect, it } from 'vitest';
import { samplePixelsOneByOne } from './pixel-cnn-sampler';

describe('samplePixelsOneByOne', () => {
  beforeAll(async () => {
    await initBackend({ backend: 'wasm', quiet: true });
  });

  // A tiny class-conditional PixelCNN; a strong output bias spread makes images that differ.
  const network = () =>
    createPixelCnn({ height: 6, width: 5, channels: 4, blocks: 2, classes: 3, seed: 1 });

  it('draws the same image as samplePixelCnn for the same seed and class, pixel by pixel', async () => {
    const pixelCnn = network();
    try {
      const reference = await samplePixelCnn(pixelCnn, { count: 1, seed: 7, classes: [2] });
      const expected = Array.from(await reference.data());
      reference.dispose();
      const reported: [number, number, number][] = [];
      const pixels = await samplePixelsOneByOne(pixelCnn, {
        seed: 7,
        classId: 2,
        onPixel: (row, column, value) => {
          reported.push([row, column, value]);
        },
      });
      expect(Array.from(pixels)).toEqual(expected);
      expect(reported).toHaveLength(30);
      expect(reported.slice(0, 6).map(([row, column]) => [row, column])).toEqual([
        [0, 0],
        [0, 1],
        [0, 2],
        [0, 3],
        [0, 4],
        [1, 0],
      ]);
      expect(reported.map(([, , value]) => value)).toEqual(expected);
      // Another seed draws another image (30 fair-ish coin flips almost never all agree).
      const other = await samplePixelsOneByOne(pixelCnn, { seed: 8, classId: 2 });
      expect(Array.from(other)).not.toEqual(expected);
    } finally {
      pixelCnn.dispose();
    }
  });

  it('stops when aborted, refuses a class the network does not know, and leaks no tensor', async () => {
    const pixelCnn = network();
    try {
      const controller = new AbortController();
      let drawn = 0;
      await samplePixelsOneByOne(pixelCnn, {
        classId: 0,
        signal: controller.signal,
        onPixel: () => {
          drawn++;
          if (drawn === 4) controller.abort();
        },
      });
      expect(drawn).toBe(4);
      await expect(samplePixelsOneByOne(pixelCnn, { classId: 3 })).rejects.toThrow(
        /classId must be an integer in \[0, 3\)/,
      );
      await expectNoTensorLeak(() => samplePixelsOneByOne(pixelCnn, { classId: 1, seed: 2 }));
    } finally {
      pixelCnn.dispose();
    }
  });
});
