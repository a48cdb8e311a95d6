import {
  type AugmentFunction,
  createImageViews,
  cropAndResizeBoxes,
  deriveSeed,
  type ImageViewOptions,
  SeededRandom,
} from '@selfsup/core';
import * as tf from '@tensorflow/tfjs';
import { type CutoutOptions, cutout } from './cutout';

function checkImages(batch: tf.Tensor, name: string): asserts batch is tf.Tensor4D {
  if (batch.rank !== 4 || batch.dtype !== 'float32') {
    throw new Error(
      `${name} augments float32 [batch, height, width, channels] images, got ${batch.dtype} ` +
        `${JSON.stringify(batch.shape)}: pass no image augmentation for text or other inputs.`,
    );
  }
}

/** Options of {@link createWeakImageAugment}. */
export type WeakImageAugmentOptions = {
  /** Largest shift, as a fraction of the side (whole pixels, rounded down: ±3 px on 28×28). @default 0.125 (FixMatch: "translate up to 12.5%") */
  readonly maxShift?: number;
};

/**
 * The weak augmentation of FixMatch (Sohn et al. 2020, section 2.3: "flip-and-shift"), for
 * digits: a random translation of up to `maxShift` of the side in each direction (±3 px on
 * 28×28), zero-filled, without the horizontal flip (a mirrored 2, 3, 5 or 7 is not the same
 * digit, as FixMatch also drops flips on SVHN). Also the "standard augmentation" of the supervised
 * baseline and MixMatch's augmentation (Berthelot et al. 2019 use flip and crop).
 *
 * @param options the largest shift.
 * @returns `(images, seed) → images`, a core {@link AugmentFunction} (shape kept).
 * @example const weak = createWeakImageAugment(); const shifted = weak(images, seed);
 */
export function createWeakImageAugment(options: WeakImageAugmentOptions = {}): AugmentFunction {
  const { maxShift = 0.125 } = options;
  if (!(maxShift >= 0 && maxShift < 1)) {
    throw new RangeError(`maxShift is a fraction of the side in [0, 1), got ${maxShift}.`);
  }
  return (batch, seed) => {
    checkImages(batch, 'The weak image augmentation');
    const [batchSize, height, width] = batch.shape;
    const random = new SeededRandom(seed);
    const rowShift = Math.floor(maxShift * height);
    const columnShift = Math.floor(maxShift * width);
    const boxes = Array.from({ length: batchSize }, () => ({
      top: random.nextInt(2 * rowShift + 1) - rowShift,
      left: random.nextInt(2 * columnShift + 1) - columnShift,
      height,
      width,
    }));
    // A same-size box at integer offsets: bilinear sampling is an exact shift, outside is 0.
    return cropAndResizeBoxes(batch, boxes, [height, width]);
  };
}

/** Options of {@link createStrongImageAugment}. */
export type StrongImageAugmentOptions = {
  /** The RandAugment-like part (core's view pipeline). @default {@link strongDigitViewOptions} */
  readonly views?: ImageViewOptions;
  /** Cutout after it; `false` turns it off. @default { size: [0, 0.5], fill: 0 } */
  readonly cutout?: CutoutOptions | false;
};

/**
 * The RandAugment-like distortions of {@link createStrongImageAugment} for 28×28 digits: random
 * resized crop of 50–100% of the area (RandAugment's translate / shear / scale), strong
 * brightness and contrast jitter (its Brightness, Contrast, AutoContrast; always applied), blur
 * with p 0.5 (its Sharpness) and Gaussian noise std 0.1 (its Posterize / Solarize damage to the
 * intensities). No flip, no rotation beyond what the crop's aspect ratio does.
 */
export const strongDigitViewOptions = {
  crop: { scale: [0.5, 1], ratio: [3 / 4, 4 / 3] },
  colorJitter: { brightness: 0.5, contrast: 0.5, probability: 1 },
  blur: { sigma: [0.1, 1.5], kernelFraction: 0.1, probability: 0.5 },
  noise: { std: 0.1 },
} as const satisfies ImageViewOptions;

/**
 * The strong augmentation of FixMatch (Sohn et al. 2020, section 2.3: RandAugment, Cubuk et al.
 * 2020, followed by Cutout), approximated for digits with core's transforms: a view from
 * {@link strongDigitViewOptions} (crop, brightness/contrast, blur, noise; each example its own
 * random magnitudes, as FixMatch's RandAugment draws them) then {@link cutout} with a square of up
 * to half the side. Not RandAugment's exact 14 operations (core has no rotate, shear, posterize or
 * solarize kernels), but the same intent: views distorted enough that agreeing with the weak
 * view's confident label is a real constraint, while the digit stays recognisable.
 *
 * @param options the view pipeline and the cutout.
 * @returns `(images, seed) → images`, a core {@link AugmentFunction}.
 * @example const strong = createStrongImageAugment(); const distorted = strong(images, seed);
 */
export function createStrongImageAugment(options: StrongImageAugmentOptions = {}): AugmentFunction {
  const views = createImageViews(options.views ?? strongDigitViewOptions);
  const cutoutOptions = options.cutout ?? { size: [0, 0.5], fill: 0 };
  return (batch, seed) => {
    checkImages(batch, 'The strong image augmentation');
    return tf.tidy(() => {
      const viewed = views(batch, deriveSeed(seed, 1));
      return cutoutOptions === false ? viewed : cutout(viewed, deriveSeed(seed, 2), cutoutOptions);
    });
  };
}
