import {
  type LossResultV1,
  maskPatches,
  type ObjectiveV1,
  type StepContextV1,
  type VitEncoder,
} from '@selfsup/core';
import * as tf from '@tensorflow/tfjs';
import { MaeDecoder } from './mae-decoder';
import { maskedPatchLoss, normalizePatches } from './mae-loss';
import {
  checkMaskRatio,
  type MaeOptions,
  type MaeSettings,
  resolveMaeSettings,
} from './mae-options';

/** A batch of images `[B, H, W, C]` in [0, 1], alone or with labels that MAE ignores. */
export type MaeBatch = tf.Tensor4D | { readonly images: tf.Tensor4D };

/** Options of {@link MaeObjective.forward}. */
export type MaeForwardOptions = {
  /** Seed of the random masks (same seed, same masks on a given backend). */
  readonly seed: number;
  /** Fraction of patches hidden. @default the objective's `maskRatio` */
  readonly maskRatio?: number;
  /** Dropout active. @default false */
  readonly training?: boolean;
};

/** What {@link MaeObjective.forward} returns; the caller disposes every tensor. */
export type MaeForwardResult = {
  /** The masked-patch loss (a scalar). */
  readonly loss: tf.Scalar;
  /** Decoder outputs for every patch, `[B, N, p·p·C]` (normalized pixels when `normPixLoss`). */
  readonly predictions: tf.Tensor3D;
  /** The targets, `[B, N, p·p·C]` (normalized per patch when `normPixLoss`). */
  readonly targets: tf.Tensor3D;
  /** 1 where a patch was hidden, 0 where visible, `[B, N]` float32. */
  readonly mask: tf.Tensor2D;
  /** The visible patches, `[B, K]` int32. */
  readonly keepIndices: tf.Tensor2D;
  /** The encoder's features of the visible patches only, `[B, (1 +) K, D]`. */
  readonly latent: tf.Tensor3D;
};

/** The objective {@link createMae} returns: an `ObjectiveV1` plus MAE's forward pass. */
export type MaeObjective = ObjectiveV1<MaeBatch> & {
  /** The ViT that transfers (sees only visible patches during pretraining). */
  readonly encoder: VitEncoder;
  /** The settings in effect (defaults filled in). */
  readonly settings: MaeSettings;
  /** The decoder (its model is `heads.decoder`). */
  readonly decoder: MaeDecoder;
  /**
   * Masks, encodes the visible patches, decodes every patch and computes the loss.
   *
   * @param images `[B, H, W, C]` float32 in [0, 1]
   * @param options mask seed, ratio, training flag
   * @returns loss, predictions, targets, mask, visible indices and latent features
   */
  forward(images: tf.Tensor4D, options: MaeForwardOptions): MaeForwardResult;
};

/**
 * MAE, the masked autoencoder (He, Chen, Xie, Li, Dollár & Girshick 2022, "Masked Autoencoders
 * Are Scalable Vision Learners"): hide a random 75% of an image's patches, encode only the
 * visible 25% with a ViT (no mask tokens in the encoder), let a light decoder reconstruct every
 * patch from the encoded visible patches plus a shared [MASK] token, and score the reconstruction
 * on the hidden patches only, against pixels normalized per patch.
 *
 * Defaults (see {@link MaeOptions}): mask ratio 0.75 and `normPixLoss` as in the paper; a decoder
 * of 2 blocks × 64 dims, 4 heads (paper: 8 × 512, 16 heads, for ViT-L) with fixed 2-D sin-cos
 * positions. The encoder is core's ViT (`createVitEncoder`, learned positions) and uses
 * `VitEncoder.encodePatches`, so the finetuned encoder is exactly the ViT a scratch baseline
 * builds. The paper trains with AdamW (β₂ 0.95, weight decay 0.05, lr 1.5e-4 · batch/256,
 * cosine, warmup): pass those to `pretrain()`. Its linear probe is weak by design; score it by
 * full finetuning (mean pooling over patches, as MAE's finetuning does).
 *
 * The batch may carry labels; they are ignored. Masks come from the step seed (`maskPatches`),
 * so runs resume exactly.
 *
 * @param options the ViT encoder and MAE's settings, see {@link MaeOptions}
 * @returns the objective, with the decoder as the `decoder` head
 * @example
 * const encoder = createVitEncoder({ imageShape: [28, 28, 1], patchSize: 4, embeddingSize: 64, pooling: 'mean' });
 * const mae = createMae({ encoder });
 * await pretrain(mae, imageBatchSource(loadMnist('train'), { batchSize: 64 }), {
 *   steps: 2000, learningRate: 1.5e-3, beta2: 0.95, weightDecay: 0.05, warmupSteps: 100,
 * });
 */
export function createMae(options: MaeOptions): MaeObjective {
  const settings = resolveMaeSettings(options);
  const { encoder } = options;
  const [height, width, channels] = encoder.settings.imageShape;
  const { patchSize, classToken, embeddingSize } = encoder.settings;
  const decoder = new MaeDecoder(
    {
      inputSize: embeddingSize,
      rows: height / patchSize,
      columns: width / patchSize,
      patchValues: patchSize * patchSize * channels,
      classToken,
    },
    settings,
  );
  const patchCount = encoder.numPatches;

  function forward(images: tf.Tensor4D, forwardOptions: MaeForwardOptions): MaeForwardResult {
    const ratio = checkMaskRatio(
      forwardOptions.maskRatio ?? settings.maskRatio,
      patchCount,
      'MAE forward',
    );
    const training = forwardOptions.training ?? false;
    const [batch] = images.shape;
    return tf.tidy(() => {
      const { keepIndices, restoreIndices, mask } = maskPatches(
        batch,
        patchCount,
        forwardOptions.seed,
        { ratio },
      );
      const latent = encoder.encodePatches(images, keepIndices, { training });
      const predictions = decoder.decode(latent, restoreIndices, { training });
      const patches = encoder.patchify(images);
      const targets = settings.normPixLoss
        ? normalizePatches(patches, settings.normPixEpsilon).targets
        : patches;
      const loss = maskedPatchLoss(predictions, targets, mask);
      return { loss, predictions, targets, mask, keepIndices, latent };
    });
  }

  return {
    specificationVersion: 'v1',
    method: 'mae',
    encoder,
    settings,
    decoder,
    heads: { decoder: decoder.model },
    getConfig: () => ({ method: 'mae', ...settings }),
    forward,
    doLoss(batch: MaeBatch, context: StepContextV1): LossResultV1 {
      const images = batch instanceof tf.Tensor ? batch : batch.images;
      return {
        loss: tf.tidy(
          () => forward(images, { seed: context.seed, training: context.training }).loss,
        ),
      };
    },
    dispose() {
      decoder.dispose();
      encoder.dispose();
    },
  };
}
