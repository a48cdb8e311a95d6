import * as tf from '@tensorflow/tfjs';
import { SeededRandom } from '../random/seeded-random';
import { assertInteger, assertSeed } from './transform-validation';

/** Options of {@link maskPatches}. */
export type PatchMaskingOptions = {
  /** Fraction of the patches that are masked (hidden from the encoder). @default 0.75 (MAE) */
  readonly ratio?: number;
};

/** What {@link maskPatches} returns; dispose all four. */
export type PatchMaskingResult = {
  /** The visible patches of each example, in shuffled order, `[B, K]` int32. */
  readonly keepIndices: tf.Tensor2D;
  /** The masked patches of each example, in shuffled order, `[B, P − K]` int32. */
  readonly maskIndices: tf.Tensor2D;
  /** 1 where a patch is masked, 0 where it is visible, in patch order, `[B, P]` float32. */
  readonly mask: tf.Tensor2D;
  /**
   * The position of each patch in the shuffled order, `[B, P]` int32 (the argsort of the
   * shuffle): gather `[visible tokens; mask tokens]` with it to put decoder tokens back in patch order.
   */
  readonly restoreIndices: tf.Tensor2D;
};

/**
 * The number of patches {@link maskPatches} keeps visible: `floor(P · (1 − ratio))`, as MAE's
 * `int(L * (1 - mask_ratio))`.
 *
 * @param patchCount number of patches `P`
 * @param ratio masked fraction @default 0.75
 * @returns `K`, at least 1
 * @example keptPatchCount(196, 0.75) // 49
 */
export function keptPatchCount(patchCount: number, ratio = 0.75): number {
  assertInteger(patchCount, 'maskPatches patchCount', 1);
  if (!(ratio >= 0 && ratio < 1)) {
    throw new RangeError(
      `maskPatches ratio must be in [0, 1) (the masked fraction), got ${ratio}.`,
    );
  }
  // The epsilon keeps e.g. 10 · (1 − 0.7) = 2.9999999999999996 at 3.
  const kept = Math.floor(patchCount * (1 - ratio) + 1e-9);
  if (kept < 1) {
    throw new RangeError(
      `maskPatches: ratio ${ratio} of ${patchCount} patches leaves no patch visible. Lower the ratio or use more patches.`,
    );
  }
  return kept;
}

/**
 * MAE's random patch masking (He et al. 2022, "Masked Autoencoders Are Scalable Vision
 * Learners"): per example, a uniformly random permutation of the `P` patches (the argsort of
 * uniform noise), of which the first `K = floor(P · (1 − ratio))` stay visible.
 *
 * Every example has exactly `K` visible patches; `keepIndices` and `maskIndices` are disjoint
 * and together cover `0..P−1`; `restoreIndices` inverts the shuffle. Works on shapes only, so
 * the same masks serve images, audio frames or video tubes. Take the visible patches with
 * `gatherPerExample(patches, keepIndices)` (differentiable; `tf.gather(…, 1, 1)` is wrong on wasm).
 *
 * @param batchSize `B`
 * @param patchCount `P`
 * @param seed same seed, same masks (on a given backend)
 * @param options {@link PatchMaskingOptions}
 * @returns `{ keepIndices, maskIndices, mask, restoreIndices }`
 * @example
 * const { keepIndices, restoreIndices } = maskPatches(32, 49, seed, { ratio: 0.75 });
 * const visible = gatherPerExample(patches, keepIndices); // [32, 12, D]
 */
export function maskPatches(
  batchSize: number,
  patchCount: number,
  seed: number,
  options: PatchMaskingOptions = {},
): PatchMaskingResult {
  assertInteger(batchSize, 'maskPatches batchSize', 1);
  assertSeed(seed, 'maskPatches');
  const kept = keptPatchCount(patchCount, options.ratio ?? 0.75);
  const noiseSeed = new SeededRandom(seed).nextSeed();
  return tf.tidy(() => {
    const noise = tf.randomUniform([batchSize, patchCount], 0, 1, 'float32', noiseSeed);
    // Ascending argsort = top-k of the negation.
    const shuffle = tf.topk(tf.neg(noise), patchCount, true).indices;
    const restoreIndices = tf.topk(tf.neg(shuffle.cast('float32')), patchCount, true)
      .indices as tf.Tensor2D;
    const keepIndices = tf.slice(shuffle, [0, 0], [batchSize, kept]) as tf.Tensor2D;
    const maskIndices = tf.slice(shuffle, [0, kept], [batchSize, patchCount - kept]) as tf.Tensor2D;
    const mask = tf.greaterEqual(restoreIndices, kept).cast('float32') as tf.Tensor2D;
    return { keepIndices, maskIndices, mask, restoreIndices };
  });
}
