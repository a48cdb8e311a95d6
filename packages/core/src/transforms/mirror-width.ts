import * as tf from '@tensorflow/tfjs';

// tf.image.flipLeftRight is ~8× faster than tf.reverse on tfjs-backend-wasm 4.22 (15 vs 116 ms
// for 256×32×32×3) but has no registered gradient; a mirror is its own adjoint.
const mirrorWithGradient = tf.customGrad((...inputs: (tf.Tensor | tf.GradSaveFunc)[]) => {
  const images = inputs[0] as tf.Tensor4D;
  return {
    value: tf.image.flipLeftRight(images),
    gradFunc: (dy: tf.Tensor) => tf.image.flipLeftRight(dy as tf.Tensor4D),
  };
});

/**
 * Mirrors every example of a `[B, H, W, C]` batch along the width: `tf.image.flipLeftRight`
 * (fast on wasm) with a gradient. Internal helper of the flip and rotation transforms.
 *
 * @param images `[B, H, W, C]` float32
 * @returns `[B, H, W, C]`, `result[b, y, x] = images[b, y, W − 1 − x]`
 * @example const mirrored = mirrorWidth(images);
 */
export function mirrorWidth(images: tf.Tensor4D): tf.Tensor4D {
  return mirrorWithGradient(images) as tf.Tensor4D;
}

/**
 * Swaps the height and width axes of a `[B, H, W, C]` batch (a transpose of each image).
 *
 * @param images `[B, H, W, C]`
 * @returns `[B, W, H, C]`
 * @example const transposed = swapHeightWidth(images);
 */
export function swapHeightWidth(images: tf.Tensor4D): tf.Tensor4D {
  return tf.transpose(images, [0, 2, 1, 3]);
}
