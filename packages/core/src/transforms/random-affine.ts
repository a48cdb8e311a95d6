import * as tf from '@tensorflow/tfjs';
import { SeededRandom } from '../random/seeded-random';
import { assertAtLeast, assertImages, assertRange, assertSeed } from './transform-validation';

/** Options of {@link randomAffine} (torchvision's `RandomAffine`, without its fill and centre options). */
export type RandomAffineOptions = {
  /** Rotation drawn uniformly from (−degrees, degrees), counter-clockwise positive. @default 0 */
  readonly degrees?: number;
  /**
   * Largest shift as a fraction of `[width, height]`: the shift is drawn uniformly from
   * (−fraction × side, fraction × side) on each axis. @default [0, 0]
   */
  readonly translate?: readonly [number, number];
  /** Zoom factor drawn uniformly from `[low, high]` (below 1 shrinks the content). @default [1, 1] */
  readonly scale?: readonly [number, number];
  /** Horizontal shear angle drawn uniformly from (−shear, shear) degrees. @default 0 */
  readonly shear?: number;
};

/** One example's affine parameters, as {@link randomAffineParameters} draws them. */
export type AffineParameters = {
  /** Counter-clockwise rotation in degrees. */
  readonly angle: number;
  /** Shift in pixels along the width (right positive) and the height (down positive). */
  readonly translateX: number;
  readonly translateY: number;
  /** Zoom factor. */
  readonly scale: number;
  /** Horizontal shear in degrees. */
  readonly shear: number;
};

const radians = (degrees: number): number => (degrees * Math.PI) / 180;

/**
 * Draws one set of affine parameters per example from {@link RandomAffineOptions}, as
 * torchvision's `RandomAffine.get_params` does (angle, shift, scale, then shear).
 *
 * @param height image height in pixels
 * @param width image width in pixels
 * @param count number of examples
 * @param seed same seed, same parameters
 * @param options the ranges
 * @returns one {@link AffineParameters} per example
 * @example const parameters = randomAffineParameters(28, 28, 64, 3, { degrees: 15, shear: 10 });
 */
export function randomAffineParameters(
  height: number,
  width: number,
  count: number,
  seed: number,
  options: RandomAffineOptions = {},
): AffineParameters[] {
  const degrees = options.degrees ?? 0;
  const translate = options.translate ?? [0, 0];
  const scale = options.scale ?? [1, 1];
  const shear = options.shear ?? 0;
  assertAtLeast(degrees, 'randomAffine degrees', 0);
  assertRange([translate[0], translate[0]], 'randomAffine translate[0]', 0, 1);
  assertRange([translate[1], translate[1]], 'randomAffine translate[1]', 0, 1);
  assertRange(scale, 'randomAffine scale', Number.MIN_VALUE);
  assertRange([shear, shear], 'randomAffine shear', 0, 89);
  assertSeed(seed, 'randomAffineParameters');
  const random = new SeededRandom(seed);
  // A zero range draws nothing (and no −0).
  const symmetric = (limit: number): number =>
    limit === 0 ? 0 : (2 * random.nextFloat() - 1) * limit;
  return Array.from({ length: count }, () => ({
    angle: symmetric(degrees),
    translateX: symmetric(translate[0] * width),
    translateY: symmetric(translate[1] * height),
    scale: scale[0] + (scale[1] - scale[0]) * random.nextFloat(),
    shear: symmetric(shear),
  }));
}

/**
 * The 8-number projective transform of `tf.image.transform` (it maps each output pixel to the
 * input pixel it samples) for an affine map about the image centre: output = centre + shift +
 * M (input − centre), with M = scale · rotation(angle) · shear(shear).
 */
function inverseTransformRow(
  parameters: AffineParameters,
  height: number,
  width: number,
): number[] {
  const theta = radians(parameters.angle);
  const shearTangent = Math.tan(radians(parameters.shear));
  // Counter-clockwise on screen (rows grow downwards): x' = cos·x + sin·y, y' = −sin·x + cos·y.
  const cos = Math.cos(theta);
  const sin = Math.sin(theta);
  // M = s · R · [[1, t], [0, 1]].
  const m00 = parameters.scale * cos;
  const m01 = parameters.scale * (cos * shearTangent + sin);
  const m10 = parameters.scale * -sin;
  const m11 = parameters.scale * (-sin * shearTangent + cos);
  const determinant = m00 * m11 - m01 * m10;
  const p = m11 / determinant;
  const q = -m01 / determinant;
  const r = -m10 / determinant;
  const s = m00 / determinant;
  const centreX = (width - 1) / 2;
  const centreY = (height - 1) / 2;
  const shiftedX = centreX + parameters.translateX;
  const shiftedY = centreY + parameters.translateY;
  return [
    p,
    q,
    centreX - p * shiftedX - q * shiftedY,
    r,
    s,
    centreY - r * shiftedX - s * shiftedY,
    0,
    0,
  ];
}

/**
 * Applies one affine map per example (rotation, shift, zoom and shear about the image centre),
 * bilinear, with zeros where the map reaches outside the image, in one `tf.image.transform` call.
 * Not differentiable: use it on data, not inside a model.
 *
 * @param images `[B, H, W, C]` float32
 * @param parameters one {@link AffineParameters} per example
 * @returns `[B, H, W, C]`
 * @example const turned = affineTransform(images, [{ angle: 90, translateX: 0, translateY: 0, scale: 1, shear: 0 }]);
 */
export function affineTransform(
  images: tf.Tensor4D,
  parameters: readonly AffineParameters[],
): tf.Tensor4D {
  assertImages(images, 'affineTransform');
  const [batchSize, height, width] = images.shape;
  if (parameters.length !== batchSize) {
    throw new Error(
      `affineTransform needs one set of parameters per example: ${batchSize} expected, got ${parameters.length}.`,
    );
  }
  const rows = new Float32Array(batchSize * 8);
  parameters.forEach((example, index) => {
    rows.set(inverseTransformRow(example, height, width), index * 8);
  });
  return tf.tidy(() =>
    tf.image.transform(images, tf.tensor2d(rows, [batchSize, 8]), 'bilinear', 'constant', 0),
  );
}

/**
 * Random affine: each example gets its own rotation, shift, zoom and shear (torchvision's
 * `RandomAffine`). On handwritten digits these are the natural variations of the writing (slant,
 * size, position), the view transforms IIC (Ji et al. 2019) and most MNIST contrastive recipes add
 * to SimCLR's crops: see `mnistViewPreset`.
 *
 * @param images `[B, H, W, C]` float32 in [0, 1]
 * @param seed same seed, same maps
 * @param options {@link RandomAffineOptions}
 * @returns `[B, H, W, C]`, values in [0, 1]
 * @example const views = randomAffine(images, 7, { degrees: 15, translate: [0.1, 0.1], scale: [0.9, 1.1], shear: 10 });
 */
export function randomAffine(
  images: tf.Tensor4D,
  seed: number,
  options: RandomAffineOptions = {},
): tf.Tensor4D {
  assertImages(images, 'randomAffine');
  const [batchSize, height, width] = images.shape;
  return affineTransform(images, randomAffineParameters(height, width, batchSize, seed, options));
}
