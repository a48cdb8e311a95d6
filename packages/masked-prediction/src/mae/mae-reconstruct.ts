import * as tf from '@tensorflow/tfjs';
import type { MaeObjective } from './mae';
import { normalizePatches } from './mae-loss';

/** Options of {@link maeReconstruct}. */
export type MaeReconstructOptions = {
  /** Fraction of patches hidden. @default the objective's `maskRatio` (0.75) */
  readonly maskRatio?: number;
  /** Seed of the masks: same seed, same masks (on a given backend). @default 0 */
  readonly seed?: number;
};

/** What {@link maeReconstruct} returns; dispose every tensor (`tf.dispose(Object.values(result))`). */
export type MaeReconstruction = {
  /** The decoder's prediction of every patch, in pixels, `[B, H, W, C]` clipped to [0, 1]. */
  readonly reconstruction: tf.Tensor4D;
  /** The visible patches from the input and the reconstructed hidden ones, `[B, H, W, C]`. */
  readonly composite: tf.Tensor4D;
  /** 1 where a patch was hidden, 0 where visible, `[B, N]` float32 (row-major patches). */
  readonly mask: tf.Tensor2D;
  /** The same mask per pixel, `[B, H, W, 1]`: 1 on hidden pixels. */
  readonly pixelMask: tf.Tensor4D;
};

/**
 * Reconstructs images from a random subset of their patches with a (pretrained) MAE, as in the
 * paper's figures (He et al. 2022, Fig. 2–4): mask, encode the visible patches, decode all.
 *
 * With `normPixLoss` the decoder predicts each patch normalized by its own mean and standard
 * deviation; the prediction is mapped back to pixels with the statistics of the true patch (what
 * MAE's visualisation does), so a hidden patch shows the predicted shape at the true brightness
 * and contrast. Deterministic for a seed; nothing is trained. Built for demos with a mask-ratio
 * slider: any ratio in `[0, 1)` that leaves one patch visible works, not only the trained one.
 *
 * @param objective an MAE from {@link createMae} (pretrained, or it reconstructs noise)
 * @param images `[B, H, W, C]` float32 in [0, 1]
 * @param options mask ratio and seed
 * @returns reconstruction, composite, mask per patch and per pixel
 * @example
 * const { composite, mask } = maeReconstruct(mae, images, { maskRatio: 0.75, seed: 3 });
 */
export function maeReconstruct(
  objective: MaeObjective,
  images: tf.Tensor4D,
  options: MaeReconstructOptions = {},
): MaeReconstruction {
  const { encoder, settings } = objective;
  const { patchSize, imageShape } = encoder.settings;
  const channels = imageShape[2];
  return tf.tidy(() => {
    const { predictions, mask } = objective.forward(images, {
      seed: options.seed ?? 0,
      maskRatio: options.maskRatio ?? settings.maskRatio,
      training: false,
    });
    const patches = encoder.patchify(images);
    let pixels: tf.Tensor = predictions;
    if (settings.normPixLoss) {
      const { mean, std } = normalizePatches(patches, settings.normPixEpsilon);
      pixels = tf.add(tf.mul(predictions, std), mean);
    }
    pixels = tf.clipByValue(pixels, 0, 1);
    const patchMask = mask.expandDims(-1);
    const compositePatches = tf.add(
      tf.mul(patches, tf.sub(1, patchMask)),
      tf.mul(pixels, patchMask),
    );
    const pixelMask = encoder
      .unpatchify(tf.tile(patchMask, [1, 1, patchSize * patchSize * channels]))
      .slice([0, 0, 0, 0], [-1, -1, -1, 1]) as tf.Tensor4D;
    return {
      reconstruction: encoder.unpatchify(pixels),
      composite: encoder.unpatchify(compositePatches),
      mask,
      pixelMask,
    };
  });
}
