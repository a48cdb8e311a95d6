import * as tf from '@tensorflow/tfjs';
import { SeededRandom } from '../random/seeded-random';
import { assertImages, assertInteger, assertRange, assertSeed } from './transform-validation';

/** Options of {@link randomResizedCrop}. */
export type RandomResizedCropOptions = {
  /** Output `[height, width]`. @default the input size */
  readonly size?: readonly [number, number];
  /**
   * Range of the crop area as a fraction of the image area. SimCLR (ImageNet) uses (0.08, 1);
   * on small images (28×28, 32×32) (0.2, 1) keeps enough of the object.
   * @default [0.2, 1]
   */
  readonly scale?: readonly [number, number];
  /** Range of the crop aspect ratio width/height, sampled log-uniformly. @default [3/4, 4/3] */
  readonly ratio?: readonly [number, number];
};

/** One crop in pixels: rows `top..top+height-1`, columns `left..left+width-1`. */
export type CropBox = {
  readonly top: number;
  readonly left: number;
  readonly height: number;
  readonly width: number;
};

/** The default crop area range on small images. */
export const defaultCropScale: readonly [number, number] = [0.2, 1];
/** The default crop aspect-ratio range (SimCLR, Inception). */
export const defaultCropRatio: readonly [number, number] = [3 / 4, 4 / 3];

/**
 * Draws one random crop box per example, as torchvision's `RandomResizedCrop.get_params` does
 * (Szegedy et al. 2015, "Going deeper with convolutions"; used by SimCLR, Chen et al. 2020).
 *
 * Up to 10 tries draw an area fraction uniformly from `scale` and an aspect ratio log-uniformly
 * from `ratio`, and keep the first box that fits; otherwise a centre crop with the aspect ratio
 * clamped to `ratio`. Boxes are whole pixels.
 *
 * @param height image height in pixels
 * @param width image width in pixels
 * @param count number of boxes (the batch size)
 * @param seed same seed, same boxes
 * @param options `scale` and `ratio`
 * @returns one {@link CropBox} per example
 * @example const boxes = randomCropBoxes(28, 28, 64, 7, { scale: [0.2, 1] });
 */
export function randomCropBoxes(
  height: number,
  width: number,
  count: number,
  seed: number,
  options: Pick<RandomResizedCropOptions, 'scale' | 'ratio'> = {},
): CropBox[] {
  const scale = options.scale ?? defaultCropScale;
  const ratio = options.ratio ?? defaultCropRatio;
  assertRange(scale, 'randomResizedCrop scale', Number.MIN_VALUE, 1);
  assertRange(ratio, 'randomResizedCrop ratio', Number.MIN_VALUE);
  assertSeed(seed, 'randomCropBoxes');
  const random = new SeededRandom(seed);
  const area = height * width;
  const logLow = Math.log(ratio[0]);
  const logHigh = Math.log(ratio[1]);
  const boxes: CropBox[] = [];
  for (let example = 0; example < count; example++) {
    let box: CropBox | undefined;
    for (let attempt = 0; attempt < 10 && box === undefined; attempt++) {
      const targetArea = area * (scale[0] + (scale[1] - scale[0]) * random.nextFloat());
      const aspect = Math.exp(logLow + (logHigh - logLow) * random.nextFloat());
      const boxWidth = Math.round(Math.sqrt(targetArea * aspect));
      const boxHeight = Math.round(Math.sqrt(targetArea / aspect));
      if (boxWidth > 0 && boxWidth <= width && boxHeight > 0 && boxHeight <= height) {
        box = {
          top: random.nextInt(height - boxHeight + 1),
          left: random.nextInt(width - boxWidth + 1),
          height: boxHeight,
          width: boxWidth,
        };
      }
    }
    if (box === undefined) {
      // Fallback to a centre crop, as torchvision does.
      const imageRatio = width / height;
      let boxWidth = width;
      let boxHeight = height;
      if (imageRatio < ratio[0]) boxHeight = Math.round(width / ratio[0]);
      else if (imageRatio > ratio[1]) boxWidth = Math.round(height * ratio[1]);
      boxWidth = Math.max(1, Math.min(width, boxWidth));
      boxHeight = Math.max(1, Math.min(height, boxHeight));
      box = {
        top: Math.floor((height - boxHeight) / 2),
        left: Math.floor((width - boxWidth) / 2),
        height: boxHeight,
        width: boxWidth,
      };
    }
    boxes.push(box);
  }
  return boxes;
}

/**
 * Crops each example to its own pixel box and resizes it (bilinear) to `size`, in one
 * `tf.image.cropAndResize` call for the whole batch.
 *
 * The box corners map to the output corners (pixel `top` to output row 0, pixel
 * `top + height − 1` to the last row), so a box the size of the output copies pixels exactly.
 * Unlike torchvision there is no antialiasing when shrinking. Not differentiable (tfjs has no
 * gradient for CropAndResize): use it on data, not inside a model.
 *
 * @param images `[B, H, W, C]` float32
 * @param boxes one {@link CropBox} per example
 * @param size output `[height, width]`
 * @returns `[B, size[0], size[1], C]`
 * @example const crops = cropAndResizeBoxes(images, [{ top: 0, left: 0, height: 14, width: 14 }], [28, 28]);
 */
export function cropAndResizeBoxes(
  images: tf.Tensor4D,
  boxes: readonly CropBox[],
  size: readonly [number, number],
): tf.Tensor4D {
  assertImages(images, 'cropAndResizeBoxes');
  const [batchSize, height, width] = images.shape;
  if (boxes.length !== batchSize) {
    throw new Error(
      `cropAndResizeBoxes needs one box per example: ${batchSize} expected, got ${boxes.length}.`,
    );
  }
  assertInteger(size[0], 'crop output height', 1);
  assertInteger(size[1], 'crop output width', 1);
  const rowScale = height > 1 ? 1 / (height - 1) : 0;
  const columnScale = width > 1 ? 1 / (width - 1) : 0;
  const corners = new Float32Array(batchSize * 4);
  boxes.forEach((box, example) => {
    corners[example * 4] = box.top * rowScale;
    corners[example * 4 + 1] = box.left * columnScale;
    corners[example * 4 + 2] = (box.top + box.height - 1) * rowScale;
    corners[example * 4 + 3] = (box.left + box.width - 1) * columnScale;
  });
  return tf.tidy(() => {
    const boxTensor = tf.tensor2d(corners, [batchSize, 4]);
    const boxIndices = tf.range(0, batchSize, 1, 'int32') as tf.Tensor1D;
    return tf.image.cropAndResize(images, boxTensor, boxIndices, [size[0], size[1]], 'bilinear');
  });
}

/**
 * Random resized crop: each example gets its own random box (area from `scale`, aspect ratio
 * from `ratio`), resized to `size`; the view transform of SimCLR (Chen et al. 2020, "A Simple
 * Framework for Contrastive Learning of Visual Representations") after Inception (Szegedy et al. 2015).
 *
 * @param images `[B, H, W, C]` float32 in [0, 1]
 * @param seed same seed, same crops (on a given backend)
 * @param options {@link RandomResizedCropOptions}
 * @returns `[B, size[0], size[1], C]`, values in [0, 1]
 * @example const views = randomResizedCrop(images, 7, { scale: [0.08, 1], size: [24, 24] });
 */
export function randomResizedCrop(
  images: tf.Tensor4D,
  seed: number,
  options: RandomResizedCropOptions = {},
): tf.Tensor4D {
  assertImages(images, 'randomResizedCrop');
  const [batchSize, height, width] = images.shape;
  const boxes = randomCropBoxes(height, width, batchSize, seed, options);
  return cropAndResizeBoxes(images, boxes, options.size ?? [height, width]);
}
