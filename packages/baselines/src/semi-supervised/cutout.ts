import { SeededRandom } from '@selfsup/core';
import * as tf from '@tensorflow/tfjs';

/** Options of {@link cutout}. */
export type CutoutOptions = {
  /**
   * Range of the square's side as a fraction of the image width, drawn uniformly per example.
   * @default [0, 0.5] (FixMatch's Cutout, Sohn et al. 2020, appendix, Table 12)
   */
  readonly size?: readonly [number, number];
  /**
   * The value written into the square. FixMatch fills with grey (0.5) on natural images; on
   * digits the background (0) erases part of the stroke, which is what the operation is for.
   * @default 0
   */
  readonly fill?: number;
};

/**
 * Cutout (DeVries & Taylor 2017, "Improved Regularization of Convolutional Neural Networks with
 * Cutout"), as FixMatch applies it after RandAugment: each image gets one square, of side
 * `v·W` with `v ~ U(size)`, centred on a uniformly random pixel and clipped at the border, filled
 * with a constant.
 *
 * Per-example positions are drawn with {@link SeededRandom}; the mask is built with tensor ops
 * on the whole batch. The input is not disposed.
 *
 * @param images `[B, H, W, C]` float32 in [0, 1].
 * @param seed same seed, same squares.
 * @param options size range and fill value.
 * @returns `[B, H, W, C]` images with one square each set to `fill`.
 * @example const erased = cutout(images, deriveSeed(runSeed, step), { size: [0, 0.5] });
 */
export function cutout(
  images: tf.Tensor4D,
  seed: number,
  options: CutoutOptions = {},
): tf.Tensor4D {
  const { size = [0, 0.5], fill = 0 } = options;
  if (images.rank !== 4 || images.dtype !== 'float32') {
    throw new Error(
      `cutout needs float32 [batch, height, width, channels] images, got ${images.dtype} ${JSON.stringify(images.shape)}.`,
    );
  }
  const [low, high] = size;
  if (!(low >= 0 && low <= high && high <= 1)) {
    throw new RangeError(
      `cutout size must be [low, high] with 0 ≤ low ≤ high ≤ 1, got [${low}, ${high}].`,
    );
  }
  if (!Number.isInteger(seed)) throw new Error(`cutout needs an integer seed, got ${seed}.`);
  const [batchSize, height, width] = images.shape;
  const random = new SeededRandom(seed);
  const top = new Float32Array(batchSize);
  const bottom = new Float32Array(batchSize);
  const left = new Float32Array(batchSize);
  const right = new Float32Array(batchSize);
  for (let example = 0; example < batchSize; example++) {
    const side = Math.round((low + (high - low) * random.nextFloat()) * width);
    const centerRow = random.nextInt(height);
    const centerColumn = random.nextInt(width);
    top[example] = centerRow - Math.floor(side / 2);
    bottom[example] = top[example]! + side;
    left[example] = centerColumn - Math.floor(side / 2);
    right[example] = left[example]! + side;
  }
  return tf.tidy(() => {
    const rows = tf.range(0, height, 1, 'float32').reshape([1, height, 1, 1]);
    const columns = tf.range(0, width, 1, 'float32').reshape([1, 1, width, 1]);
    const perExample = (values: Float32Array) => tf.tensor4d(values, [batchSize, 1, 1, 1]);
    // 1 inside [top, bottom) × [left, right): products of float indicators (no mixed-dtype where).
    const inside = (coordinates: tf.Tensor, start: Float32Array, end: Float32Array) =>
      tf.mul(
        tf.cast(tf.greaterEqual(coordinates, perExample(start)), 'float32'),
        tf.cast(tf.less(coordinates, perExample(end)), 'float32'),
      );
    const mask = tf.mul(inside(rows, top, bottom), inside(columns, left, right));
    return tf.add(tf.mul(images, tf.sub(1, mask)), tf.mul(mask, fill)) as tf.Tensor4D;
  });
}
