import * as tf from '@tensorflow/tfjs';

/**
 * Per example, takes `chosen` where `choices[b]` is true and `others` elsewhere, as the blend
 * `chosen · m + others · (1 − m)` with a `[B, 1, 1, 1]` 0/1 mask `m`. Internal helper.
 *
 * Exact for finite values (x · 1 + y · 0 = x) and differentiable. Faster on tfjs-backend-wasm
 * 4.22 than `tf.where` with a `[B, 1, 1, 1]` condition, whose `broadcastTo` runs the slow wasm
 * `Tile` (27 vs 273 ms for 256×32×32×3). `chosen` and `others` may broadcast against each other
 * (e.g. a `[B, H, W, 1]` grey image against `[B, H, W, 3]`).
 *
 * @param choices one boolean per example
 * @param chosen `[B, H, W, C]` (or broadcastable)
 * @param others `[B, H, W, C]` (or broadcastable)
 * @returns the broadcast shape of `chosen` and `others`
 * @example const flipped = selectExamples([true, false], mirrored, images);
 */
export function selectExamples(
  choices: readonly boolean[],
  chosen: tf.Tensor4D,
  others: tf.Tensor4D,
): tf.Tensor4D {
  return tf.tidy(() => {
    const mask = tf.tensor4d(
      choices.map((choice) => (choice ? 1 : 0)),
      [choices.length, 1, 1, 1],
    );
    return tf.add(tf.mul(chosen, mask), tf.mul(others, tf.sub(1, mask))) as tf.Tensor4D;
  });
}
