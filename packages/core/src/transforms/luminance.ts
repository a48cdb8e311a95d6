import * as tf from '@tensorflow/tfjs';

/** ITU-R BT.601 luma weights of red, green and blue (as torchvision's `rgb_to_grayscale`). */
export const lumaWeights: readonly [number, number, number] = [0.299, 0.587, 0.114];

/**
 * The grey level of each pixel, `[B, H, W, 1]`: the BT.601 luma of RGB images, or the image
 * itself when it has one channel.
 *
 * @param images `[B, H, W, 1]` or `[B, H, W, 3]` float32
 * @returns `[B, H, W, 1]`
 * @example const grey = luminance(rgbImages);
 */
export function luminance(images: tf.Tensor4D): tf.Tensor4D {
  const channels = images.shape[3];
  if (channels === 1) return images.clone();
  if (channels !== 3) {
    throw new Error(`luminance needs 1 or 3 channels (grey or RGB), got ${channels}.`);
  }
  return tf.tidy(
    () => tf.sum(tf.mul(images, tf.tensor1d([...lumaWeights])), 3, true) as tf.Tensor4D,
  );
}
