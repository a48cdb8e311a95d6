import * as tf from '@tensorflow/tfjs';
import { SeededRandom } from '../random/seeded-random';
import {
  assertAtLeast,
  assertImages,
  assertInteger,
  assertPerExample,
  assertProbability,
  assertRange,
  assertSeed,
} from './transform-validation';

/** Options of {@link randomGaussianBlur}. */
export type RandomGaussianBlurOptions = {
  /** Range the standard deviation (pixels) is drawn from uniformly. @default [0.1, 2] (SimCLR) */
  readonly sigma?: readonly [number, number];
  /** Kernel size as a fraction of the smaller image side, rounded to an odd size ≥ 3. @default 0.1 (SimCLR) */
  readonly kernelFraction?: number;
  /** Probability that an example is blurred. @default 0.5 (SimCLR) */
  readonly probability?: number;
};

/**
 * The odd kernel size for a fraction of the smaller image side (at least 3, at most the side
 * rounded down to odd, so reflection padding fits).
 *
 * @param height image height
 * @param width image width
 * @param kernelFraction fraction of `min(height, width)` @default 0.1
 * @returns an odd kernel size
 * @example blurKernelSize(224, 224) // 23, as SimCLR
 */
export function blurKernelSize(height: number, width: number, kernelFraction = 0.1): number {
  assertAtLeast(kernelFraction, 'blur kernelFraction', 0);
  const side = Math.min(height, width);
  let size = Math.round(kernelFraction * side);
  if (size % 2 === 0) size += 1;
  const largest = side % 2 === 1 ? side : side - 1;
  return Math.max(1, Math.min(Math.max(size, 3), largest));
}

/** The normalised 1-D Gaussian weights of `size` taps; `sigma = 0` gives the identity (a delta). */
function gaussianWeights(size: number, sigma: number): number[] {
  const half = (size - 1) / 2;
  if (sigma === 0) return Array.from({ length: size }, (_, index) => (index === half ? 1 : 0));
  const weights = Array.from({ length: size }, (_, index) =>
    Math.exp(-((index - half) ** 2) / (2 * sigma * sigma)),
  );
  const total = weights.reduce((sum, weight) => sum + weight, 0);
  return weights.map((weight) => weight / total);
}

/**
 * Blurs each example with its own Gaussian standard deviation, for the whole batch at once.
 *
 * The batch and channel axes are folded into the channel axis of one image, so two depthwise
 * convolutions (horizontal, then vertical; the Gaussian is separable) apply a different kernel
 * to every example. Borders are reflected (as torchvision's `GaussianBlur`). A sigma of 0 leaves
 * the example exactly unchanged. Differentiable with respect to the images.
 *
 * @param images `[B, H, W, C]` float32
 * @param sigmas one standard deviation (pixels, ≥ 0) per example
 * @param kernelSize odd number of taps @default blurKernelSize(H, W)
 * @returns `[B, H, W, C]`
 * @example const blurred = gaussianBlur(images, [1, 0.5]);
 */
export function gaussianBlur(
  images: tf.Tensor4D,
  sigmas: ArrayLike<number>,
  kernelSize?: number,
): tf.Tensor4D {
  assertImages(images, 'gaussianBlur');
  const [batchSize, height, width, channels] = images.shape;
  assertPerExample(sigmas, batchSize, 'gaussianBlur sigmas');
  const size = kernelSize ?? blurKernelSize(height, width);
  assertInteger(size, 'gaussianBlur kernelSize', 1);
  const half = (size - 1) / 2;
  if (size % 2 === 0 || half >= height || half >= width) {
    throw new RangeError(
      `gaussianBlur kernelSize must be odd and smaller than twice the image side (reflection padding), ` +
        `got ${size} for ${height}×${width}. Use blurKernelSize(height, width).`,
    );
  }
  const sigmaList = Array.from(sigmas);
  for (const sigma of sigmaList) assertAtLeast(sigma, 'gaussianBlur sigma', 0);
  if (size === 1 || sigmaList.every((sigma) => sigma === 0)) return images.clone();
  const folded = batchSize * channels;
  // Filter layout [taps, folded channels]: tap-major, one column per (example, channel).
  const taps = new Float32Array(size * folded);
  sigmaList.forEach((sigma, example) => {
    const weights = gaussianWeights(size, sigma);
    for (let tap = 0; tap < size; tap++) {
      for (let channel = 0; channel < channels; channel++)
        taps[tap * folded + example * channels + channel] = weights[tap]!;
    }
  });
  return tf.tidy(() => {
    // [B, H, W, C] → [1, H, W, B·C]
    const stacked = tf.reshape(tf.transpose(images, [1, 2, 0, 3]), [
      1,
      height,
      width,
      folded,
    ]) as tf.Tensor4D;
    const padded = tf.mirrorPad(
      stacked,
      [
        [0, 0],
        [half, half],
        [half, half],
        [0, 0],
      ],
      'reflect',
    );
    const horizontal = tf.tensor4d(taps, [1, size, folded, 1]);
    const vertical = tf.tensor4d(taps, [size, 1, folded, 1]);
    const blurred = tf.depthwiseConv2d(
      tf.depthwiseConv2d(padded, horizontal, 1, 'valid'),
      vertical,
      1,
      'valid',
    );
    return tf.transpose(
      tf.reshape(blurred, [height, width, batchSize, channels]),
      [2, 0, 1, 3],
    ) as tf.Tensor4D;
  });
}

/**
 * Random Gaussian blur: each example is blurred with `probability`, with a standard deviation
 * drawn uniformly from `sigma` and a kernel about 10% of the image side (SimCLR, Chen et al.
 * 2020, appendix A; p = 0.5 on ImageNet, left out on CIFAR-10).
 *
 * @param images `[B, H, W, C]` float32 in [0, 1]
 * @param seed same seed, same sigmas
 * @param options {@link RandomGaussianBlurOptions}
 * @returns `[B, H, W, C]`, values in [0, 1] (a blur is a convex combination)
 * @example const views = randomGaussianBlur(images, 4, { sigma: [0.1, 2], probability: 0.5 });
 */
export function randomGaussianBlur(
  images: tf.Tensor4D,
  seed: number,
  options: RandomGaussianBlurOptions = {},
): tf.Tensor4D {
  assertImages(images, 'randomGaussianBlur');
  assertSeed(seed, 'randomGaussianBlur');
  const sigmaRange = options.sigma ?? [0.1, 2];
  assertRange(sigmaRange, 'randomGaussianBlur sigma', 0);
  const probability = options.probability ?? 0.5;
  assertProbability(probability, 'randomGaussianBlur probability');
  const [batchSize, height, width] = images.shape;
  const random = new SeededRandom(seed);
  const sigmas = Array.from({ length: batchSize }, () => {
    const apply = random.nextFloat() < probability;
    const sigma = sigmaRange[0] + (sigmaRange[1] - sigmaRange[0]) * random.nextFloat();
    return apply ? sigma : 0;
  });
  return gaussianBlur(images, sigmas, blurKernelSize(height, width, options.kernelFraction ?? 0.1));
}
