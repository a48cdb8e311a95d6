import * as tf from '@tensorflow/tfjs';
import { SeededRandom } from '../random/seeded-random';
import { mirrorWidth, swapHeightWidth } from './mirror-width';
import { selectExamples } from './select-examples';
import { assertImages, assertPerExample, assertSeed } from './transform-validation';

/**
 * Rotates each example by its own multiple of 90° counter-clockwise (as `numpy.rot90`): the
 * transform of rotation prediction (Gidaris et al. 2018, "Unsupervised Representation Learning
 * by Predicting Image Rotations"), where the network predicts `k`.
 *
 * Exact and differentiable (transposes, mirrors and per-example blends). Odd `k` swaps height and width,
 * so they need square images.
 *
 * @param images `[B, H, W, C]` float32
 * @param rotations one `k ∈ {0, 1, 2, 3}` per example (the rotation is `k·90°`)
 * @returns `[B, H, W, C]`
 * @example const rotated = rotate90(images, [0, 1, 2, 3]); // rotate90 four times is the identity
 */
export function rotate90(images: tf.Tensor4D, rotations: ArrayLike<number>): tf.Tensor4D {
  assertImages(images, 'rotate90');
  const [batchSize, height, width] = images.shape;
  assertPerExample(rotations, batchSize, 'rotate90 rotations');
  const turns = Array.from(rotations);
  const bad = turns.find((k) => !(Number.isInteger(k) && k >= 0 && k <= 3));
  if (bad !== undefined) {
    throw new RangeError(
      `rotate90: each rotation must be 0, 1, 2 or 3 (quarter turns), got ${bad}. Use ((k % 4) + 4) % 4.`,
    );
  }
  if (height !== width && turns.some((k) => k % 2 === 1)) {
    throw new Error(
      `rotate90: a quarter turn swaps height and width, so it needs square images; got ${height}×${width}. ` +
        `Crop or resize to a square first, or use only k ∈ {0, 2}.`,
    );
  }
  return tf.tidy(() => {
    const used = new Set(turns);
    // With T = swap height/width and F = mirror the width (both fast on wasm, unlike tf.reverse):
    // k = 1 is T(F(x)), k = 2 is F(T(F(T(x)))), k = 3 is F(T(x)).
    const rotated: (tf.Tensor4D | undefined)[] = [
      images,
      used.has(1) ? swapHeightWidth(mirrorWidth(images)) : undefined,
      used.has(2) ? mirrorWidth(swapHeightWidth(mirrorWidth(swapHeightWidth(images)))) : undefined,
      used.has(3) ? mirrorWidth(swapHeightWidth(images)) : undefined,
    ];
    let result: tf.Tensor4D = images;
    for (const k of [1, 2, 3]) {
      const candidate = rotated[k];
      if (candidate === undefined) continue;
      if (turns.every((turn) => turn === k)) return candidate;
      result = selectExamples(
        turns.map((turn) => turn === k),
        candidate,
        result,
      );
    }
    return result === images ? images.clone() : result;
  });
}

/** What {@link randomRotate90} returns. */
export type RandomRotate90Result = {
  /** The rotated images `[B, H, W, C]`. */
  readonly images: tf.Tensor4D;
  /** The quarter turns `k` of each example, `[B]` int32: the labels of rotation prediction. */
  readonly rotations: tf.Tensor1D;
};

/**
 * Rotates each example by a uniformly random `k·90°`, `k ∈ {0, 1, 2, 3}`, and returns `k` as
 * labels: the pretext task of Gidaris et al. 2018.
 *
 * @param images `[B, H, W, C]` float32, square
 * @param seed same seed, same rotations
 * @returns `{ images, rotations }`; dispose both
 * @example const { images: rotated, rotations } = randomRotate90(images, 11);
 */
export function randomRotate90(images: tf.Tensor4D, seed: number): RandomRotate90Result {
  assertImages(images, 'randomRotate90');
  assertSeed(seed, 'randomRotate90');
  const random = new SeededRandom(seed);
  const turns = Int32Array.from({ length: images.shape[0] }, () => random.nextInt(4));
  return { images: rotate90(images, turns), rotations: tf.tensor1d(turns, 'int32') };
}
