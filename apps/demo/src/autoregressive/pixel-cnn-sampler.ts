import type { PixelCnn } from '@selfsup/autoregressive';
import { SeededRandom } from '@selfsup/core';
import * as tf from '@tensorflow/tfjs';

/** Options of {@link samplePixelsOneByOne}. */
export type PixelSamplingOptions = {
  /** Seed of the Bernoulli draws. @default 0 */
  readonly seed?: number;
  /** The class to draw, for a class-conditional network. */
  readonly classId?: number;
  /** Called after each pixel with its row, column and value (0 or 1); may await (to paint). */
  readonly onPixel?: (row: number, column: number, value: number) => void | Promise<void>;
  /** Stops early; the pixels not drawn stay 0. */
  readonly signal?: AbortSignal;
};

/**
 * Draws one binary image from a PixelCNN pixel by pixel in raster order,
 * `xᵢ ~ Bernoulli(σ(zᵢ))` with `zᵢ` computed from the pixels drawn so far (van den Oord et al.
 * 2016, §2), reporting every pixel as it is drawn so a page can paint it. The same algorithm,
 * crop (only the rows up to the current one, at least two) and {@link SeededRandom} draws as
 * `samplePixelCnn` of `@selfsup/autoregressive`, so the same seed gives the same image; that
 * function reports whole rows only.
 *
 * @param network The (trained) PixelCNN.
 * @param options Seed, class, per-pixel callback, abort signal.
 * @returns The pixels `H·W` (0/1) in raster order.
 * @throws A RangeError when the class is outside the network's classes.
 * @example
 * const pixels = await samplePixelsOneByOne(network, { classId: 7, onPixel: (r, c, v) => paint(r, c, v) });
 */
export async function samplePixelsOneByOne(
  network: PixelCnn,
  options: PixelSamplingOptions = {},
): Promise<Float32Array> {
  const { seed = 0, classId, onPixel, signal } = options;
  const { height, width, classes } = network.settings;
  if (classId !== undefined && !(Number.isInteger(classId) && classId >= 0 && classId < classes)) {
    throw new RangeError(
      classes === 0
        ? 'samplePixelsOneByOne: this PixelCNN is unconditional; leave classId out.'
        : `samplePixelsOneByOne: classId must be an integer in [0, ${classes}), got ${classId}.`,
    );
  }
  const random = new SeededRandom(seed);
  const pixels = new Float32Array(height * width);
  const labels = classId === undefined ? undefined : tf.tensor1d([classId], 'int32');
  try {
    for (let row = 0; row < height; row++) {
      const rows = Math.max(row + 1, 2);
      for (let column = 0; column < width; column++) {
        if (signal?.aborted === true) return pixels;
        const probability = tf.tidy(() => {
          const canvas = tf.tensor4d(pixels, [1, height, width, 1]).slice(0, [1, rows, width, 1]);
          const logits = network.doLogits(canvas, {
            training: false,
            ...(labels === undefined ? {} : { labels }),
          });
          return tf.sigmoid(logits.slice([0, row, column, 0], [1, 1, 1, 1]).reshape([1]));
        });
        let value: number;
        try {
          value = (await probability.data())[0] ?? 0;
        } finally {
          probability.dispose();
        }
        const drawn = random.nextFloat() < value ? 1 : 0;
        pixels[row * width + column] = drawn;
        await onPixel?.(row, column, drawn);
      }
    }
    return pixels;
  } finally {
    labels?.dispose();
  }
}
