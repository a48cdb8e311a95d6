import * as tf from '@tensorflow/tfjs';
import { SeededRandom } from '../random/seeded-random';
import { luminance } from './luminance';
import { assertAtLeast, assertImages, assertProbability, assertSeed } from './transform-validation';

/** Options of {@link randomColorJitter}. */
export type RandomColorJitterOptions = {
  /**
   * Colour distortion strength `s` of SimCLR (Chen et al. 2020, appendix A): unset components
   * default to brightness 0.8s, contrast 0.8s, saturation 0.8s, hue 0.2s. SimCLR uses s = 1 on
   * ImageNet and s = 0.5 on CIFAR-10.
   * @default 0.5
   */
  readonly strength?: number;
  /** Brightness factor drawn from [max(0, 1 − b), 1 + b]; the image is multiplied by it. */
  readonly brightness?: number;
  /** Contrast factor drawn from [max(0, 1 − c), 1 + c]; blends with the image's mean grey level. */
  readonly contrast?: number;
  /** Saturation factor drawn from [max(0, 1 − s), 1 + s]; blends with each pixel's grey level (RGB only). */
  readonly saturation?: number;
  /** Hue shift drawn from [−h, h] turns, h ≤ 0.5 (RGB only). */
  readonly hue?: number;
  /** Probability that an example is jittered at all. @default 0.8 (SimCLR) */
  readonly probability?: number;
};

/** The jitter strengths {@link randomColorJitter} uses after applying defaults. */
type JitterStrengths = {
  brightness: number;
  contrast: number;
  saturation: number;
  hue: number;
  probability: number;
};

function resolveStrengths(options: RandomColorJitterOptions): JitterStrengths {
  const strength = options.strength ?? 0.5;
  assertAtLeast(strength, 'randomColorJitter strength', 0);
  const resolved = {
    brightness: options.brightness ?? 0.8 * strength,
    contrast: options.contrast ?? 0.8 * strength,
    saturation: options.saturation ?? 0.8 * strength,
    hue: options.hue ?? 0.2 * strength,
    probability: options.probability ?? 0.8,
  };
  assertAtLeast(resolved.brightness, 'randomColorJitter brightness', 0);
  assertAtLeast(resolved.contrast, 'randomColorJitter contrast', 0);
  assertAtLeast(resolved.saturation, 'randomColorJitter saturation', 0);
  if (!(resolved.hue >= 0 && resolved.hue <= 0.5)) {
    throw new RangeError(`randomColorJitter hue must be in [0, 0.5] turns, got ${resolved.hue}.`);
  }
  assertProbability(resolved.probability, 'randomColorJitter probability');
  return resolved;
}

// RGB → YIQ (NTSC); hue is a rotation of the (I, Q) chroma plane.
const rgbToYiq = [
  [0.299, 0.587, 0.114],
  [0.595716, -0.274453, -0.321263],
  [0.211456, -0.522591, 0.311135],
] as const;

function invert3(matrix: readonly (readonly number[])[]): number[][] {
  const m = (row: number, column: number): number => matrix[row]![column]!;
  const cofactor = (row: number, column: number): number => {
    const rows = [0, 1, 2].filter((index) => index !== row);
    const columns = [0, 1, 2].filter((index) => index !== column);
    const minor =
      m(rows[0]!, columns[0]!) * m(rows[1]!, columns[1]!) -
      m(rows[0]!, columns[1]!) * m(rows[1]!, columns[0]!);
    return (row + column) % 2 === 0 ? minor : -minor;
  };
  const determinant =
    m(0, 0) * cofactor(0, 0) + m(0, 1) * cofactor(0, 1) + m(0, 2) * cofactor(0, 2);
  return [0, 1, 2].map((row) => [0, 1, 2].map((column) => cofactor(column, row) / determinant));
}

const yiqToRgb = invert3(rgbToYiq);

/** The 3×3 RGB matrix that rotates hue by `turns` (row-major, output channel first). */
function hueMatrix(turns: number): number[] {
  if (turns === 0) return [1, 0, 0, 0, 1, 0, 0, 0, 1];
  const cosine = Math.cos(2 * Math.PI * turns);
  const sine = Math.sin(2 * Math.PI * turns);
  const rotation = [
    [1, 0, 0],
    [0, cosine, -sine],
    [0, sine, cosine],
  ];
  const result: number[] = [];
  for (let row = 0; row < 3; row++) {
    for (let column = 0; column < 3; column++) {
      let sum = 0;
      for (let i = 0; i < 3; i++) {
        for (let j = 0; j < 3; j++)
          sum += yiqToRgb[row]![i]! * rotation[i]![j]! * rgbToYiq[j]![column]!;
      }
      result.push(sum);
    }
  }
  return result;
}

/**
 * Random colour jitter: per example (with `probability`), random brightness, contrast,
 * saturation and hue, in that order, clipping to [0, 1] after each: the colour distortion of
 * SimCLR (Chen et al. 2020), whose ablation shows it is the augmentation that matters most
 * together with cropping.
 *
 * Differences from torchvision's `ColorJitter`: the order is fixed (torchvision shuffles it),
 * and hue is rotated in the YIQ chroma plane (one 3×3 matrix per example) instead of HSV. On
 * single-channel images saturation and hue are the identity and are skipped, so the same
 * options work for MNIST (brightness and contrast only). Differentiable; examples not jittered
 * pass through exactly.
 *
 * @param images `[B, H, W, 1]` or `[B, H, W, 3]` float32 in [0, 1]
 * @param seed same seed, same factors
 * @param options {@link RandomColorJitterOptions}
 * @returns the same shape, values in [0, 1]
 * @example const views = randomColorJitter(images, 9, { strength: 0.5 });
 */
export function randomColorJitter(
  images: tf.Tensor4D,
  seed: number,
  options: RandomColorJitterOptions = {},
): tf.Tensor4D {
  assertImages(images, 'randomColorJitter');
  assertSeed(seed, 'randomColorJitter');
  const strengths = resolveStrengths(options);
  const [batchSize, , , channels] = images.shape;
  if (channels !== 1 && channels !== 3) {
    throw new Error(`randomColorJitter needs 1 or 3 channels (grey or RGB), got ${channels}.`);
  }
  const random = new SeededRandom(seed);
  const factorIn = (spread: number): number => {
    const low = Math.max(0, 1 - spread);
    return low + (1 + spread - low) * random.nextFloat();
  };
  const brightness = new Float32Array(batchSize);
  const contrast = new Float32Array(batchSize);
  const saturation = new Float32Array(batchSize);
  const hue: number[] = [];
  for (let example = 0; example < batchSize; example++) {
    const apply = random.nextFloat() < strengths.probability;
    // Always draw all four, so each example's factors do not depend on the others' choices.
    const drawn = [
      factorIn(strengths.brightness),
      factorIn(strengths.contrast),
      factorIn(strengths.saturation),
      strengths.hue * (2 * random.nextFloat() - 1),
    ] as const;
    brightness[example] = apply ? drawn[0] : 1;
    contrast[example] = apply ? drawn[1] : 1;
    saturation[example] = apply ? drawn[2] : 1;
    hue.push(apply ? drawn[3] : 0);
  }
  const perExample = (values: Float32Array): tf.Tensor4D =>
    tf.tensor4d(values, [batchSize, 1, 1, 1]);
  return tf.tidy(() => {
    let result: tf.Tensor4D = images;
    if (strengths.brightness > 0) {
      result = tf.clipByValue(tf.mul(result, perExample(brightness)), 0, 1) as tf.Tensor4D;
    }
    if (strengths.contrast > 0) {
      const factor = perExample(contrast);
      const meanGrey = tf.mean(luminance(result), [1, 2, 3], true);
      result = tf.clipByValue(
        tf.add(tf.mul(result, factor), tf.mul(tf.sub(1, factor), meanGrey)),
        0,
        1,
      ) as tf.Tensor4D;
    }
    if (channels === 3 && strengths.saturation > 0) {
      const factor = perExample(saturation);
      result = tf.clipByValue(
        tf.add(tf.mul(result, factor), tf.mul(tf.sub(1, factor), luminance(result))),
        0,
        1,
      ) as tf.Tensor4D;
    }
    if (channels === 3 && strengths.hue > 0 && hue.some((turns) => turns !== 0)) {
      const matrices = tf.tensor(hue.flatMap(hueMatrix), [batchSize, 1, 1, 3, 3]);
      result = tf.clipByValue(
        tf.sum(tf.mul(tf.expandDims(result, 3), matrices), 4),
        0,
        1,
      ) as tf.Tensor4D;
    }
    return result === images ? images.clone() : result;
  });
}
