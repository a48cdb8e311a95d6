import * as tf from '@tensorflow/tfjs';

/**
 * MAE's normalized pixel targets (He et al. 2022 §3, `norm_pix_loss`): each patch's values minus
 * the patch mean, divided by `√(var + ε)`, with the unbiased variance (`n − 1`) of the paper's
 * PyTorch code (`target.var(dim=-1)`). A constant patch (MNIST's black background) becomes zeros.
 *
 * @param patches `[B, N, P]` pixel patches (from `patchify`)
 * @param epsilon added to the variance @default 1e-6
 * @returns `{ targets [B, N, P], mean [B, N, 1], std [B, N, 1] }` (`std = √(var + ε)`), to undo it
 * @example const { targets } = normalizePatches(encoder.patchify(images));
 */
export function normalizePatches(
  patches: tf.Tensor,
  epsilon = 1e-6,
): { targets: tf.Tensor3D; mean: tf.Tensor3D; std: tf.Tensor3D } {
  const size = patches.shape[2];
  if (patches.rank !== 3 || size === undefined || size < 2) {
    throw new Error(
      `normalizePatches expects patches [B, N, P] with P ≥ 2 values, got ${JSON.stringify(patches.shape)}.`,
    );
  }
  return tf.tidy(() => {
    const mean = tf.mean(patches, -1, true) as tf.Tensor3D;
    const centered = tf.sub(patches, mean);
    const variance = tf.div(tf.sum(tf.square(centered), -1, true), size - 1);
    const std = tf.sqrt(tf.add(variance, epsilon)) as tf.Tensor3D;
    return { targets: tf.div(centered, std) as tf.Tensor3D, mean, std };
  });
}

/**
 * MAE's reconstruction loss (He et al. 2022 §3): the mean squared error per patch, averaged over
 * the **masked** patches only, `Σ_b,n mask[b,n] · mean_p (pred − target)² / Σ mask`. Visible
 * patches do not count (the paper reports that scoring the hidden patches only improves accuracy, §3).
 *
 * @param predictions `[B, N, P]` decoder outputs
 * @param targets `[B, N, P]` (normalized) pixel patches
 * @param mask `[B, N]` float32, 1 where a patch was hidden from the encoder
 * @returns the scalar loss
 * @example const loss = maskedPatchLoss(predictions, targets, mask);
 */
export function maskedPatchLoss(
  predictions: tf.Tensor,
  targets: tf.Tensor,
  mask: tf.Tensor,
): tf.Scalar {
  const [batch, count] = predictions.shape;
  if (
    predictions.rank !== 3 ||
    targets.rank !== 3 ||
    !predictions.shape.every((size, axis) => targets.shape[axis] === size) ||
    mask.rank !== 2 ||
    mask.shape[0] !== batch ||
    mask.shape[1] !== count
  ) {
    throw new Error(
      `maskedPatchLoss expects predictions and targets [B, N, P] and a mask [B, N], got ` +
        `${JSON.stringify(predictions.shape)}, ${JSON.stringify(targets.shape)} and ${JSON.stringify(mask.shape)}.`,
    );
  }
  return tf.tidy(() => {
    const perPatch = tf.mean(tf.squaredDifference(predictions, targets), -1);
    const weight = mask.dtype === 'float32' ? mask : mask.cast('float32');
    return tf.div(tf.sum(tf.mul(perPatch, weight)), tf.maximum(tf.sum(weight), 1)) as tf.Scalar;
  });
}
