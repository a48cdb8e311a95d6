import type { VitEncoder } from '@selfsup/core';

/**
 * Options of {@link createMae} (He et al. 2022, "Masked Autoencoders Are Scalable Vision
 * Learners"). Only `encoder` is required.
 *
 * The paper's ImageNet defaults are a ViT-B/L/H encoder, a decoder of 8 blocks × 512 dims
 * (16 heads), mask ratio 0.75 and the normalized-pixel loss. Its ablations (Table 1a, 1b) show
 * that finetuning accuracy barely depends on the decoder (one block: 84.8% vs 84.9% for eight),
 * so the defaults here are a light decoder sized for the small ViTs that train on CPU/wasm:
 * 2 blocks × 64 dims, 4 heads.
 */
export type MaeOptions = {
  /** The ViT from `createVitEncoder` (core); it sees only the visible patches and is what transfers. */
  readonly encoder: VitEncoder;
  /** Fraction of the patches hidden from the encoder. @default 0.75 (the paper's best, Fig. 5) */
  readonly maskRatio?: number;
  /** Transformer blocks of the decoder. @default 2 (paper: 8; 1 is enough for finetuning, Table 1a) */
  readonly decoderLayers?: number;
  /** Width of the decoder; must be a multiple of 4 (2-D sin-cos positions). @default 64 (paper: 512) */
  readonly decoderEmbeddingSize?: number;
  /** Attention heads of the decoder; must divide its width. @default 4 (paper: 16) */
  readonly decoderHeads?: number;
  /** Hidden size of each decoder block's MLP. @default 4 × decoderEmbeddingSize (paper: mlp_ratio 4) */
  readonly decoderMlpSize?: number;
  /**
   * Predict each patch's pixels normalized by that patch's mean and standard deviation (the
   * paper's `norm_pix_loss`, which improves finetuning: 85.4% vs 84.9% for ViT-L, Table 1c).
   * @default true
   */
  readonly normPixLoss?: boolean;
  /** ε added to the per-patch variance of the normalized targets. @default 1e-6 (the paper's code) */
  readonly normPixEpsilon?: number;
  /** Seed of the decoder's initializers. @default 0 */
  readonly seed?: number;
};

/** {@link MaeOptions} with every default filled in (without the encoder). */
export type MaeSettings = {
  readonly maskRatio: number;
  readonly decoderLayers: number;
  readonly decoderEmbeddingSize: number;
  readonly decoderHeads: number;
  readonly decoderMlpSize: number;
  readonly normPixLoss: boolean;
  readonly normPixEpsilon: number;
  readonly seed: number;
};

function positiveInteger(name: string, value: number): number {
  if (!Number.isInteger(value) || value < 1) {
    throw new RangeError(`createMae: ${name} must be a positive integer, got ${value}.`);
  }
  return value;
}

/**
 * Checks a mask ratio: a fraction in `[0, 1)` that leaves at least one of `patchCount` patches visible.
 *
 * @param maskRatio the masked fraction
 * @param patchCount the number of patches of an image
 * @param caller the function named in the error
 * @returns the ratio
 * @example checkMaskRatio(0.75, 49, 'createMae') // 0.75
 */
export function checkMaskRatio(maskRatio: number, patchCount: number, caller: string): number {
  if (!(maskRatio >= 0 && maskRatio < 1)) {
    throw new RangeError(
      `${caller}: maskRatio must be in [0, 1) (the fraction of patches hidden), got ${maskRatio}. MAE uses 0.75.`,
    );
  }
  if (Math.floor(patchCount * (1 - maskRatio) + 1e-9) < 1) {
    throw new RangeError(
      `${caller}: maskRatio ${maskRatio} leaves none of the ${patchCount} patches visible; lower it or use smaller patches.`,
    );
  }
  return maskRatio;
}

/**
 * Validates {@link MaeOptions} and fills in the defaults; every bad option throws an error that
 * names it and says how to fix it.
 *
 * @param options what the caller passed
 * @returns the settings
 * @example resolveMaeSettings({ encoder: createVitEncoder({ imageShape: [28, 28, 1] }) }).maskRatio // 0.75
 */
export function resolveMaeSettings(options: MaeOptions): MaeSettings {
  const { encoder } = options;
  if (
    encoder === undefined ||
    typeof (encoder as Partial<VitEncoder>).encodePatches !== 'function' ||
    typeof (encoder as Partial<VitEncoder>).patchify !== 'function'
  ) {
    throw new TypeError(
      'createMae needs a ViT encoder (it encodes only the visible patches): pass encoder: createVitEncoder({ imageShape, patchSize }).',
    );
  }
  const decoderEmbeddingSize = positiveInteger(
    'decoderEmbeddingSize',
    options.decoderEmbeddingSize ?? 64,
  );
  if (decoderEmbeddingSize % 4 !== 0) {
    throw new RangeError(
      `createMae: decoderEmbeddingSize must be a multiple of 4 (2-D sin-cos positions), got ${decoderEmbeddingSize}.`,
    );
  }
  const decoderHeads = positiveInteger('decoderHeads', options.decoderHeads ?? 4);
  if (decoderEmbeddingSize % decoderHeads !== 0) {
    throw new RangeError(
      `createMae: decoderHeads (${decoderHeads}) must divide decoderEmbeddingSize (${decoderEmbeddingSize}).`,
    );
  }
  const normPixEpsilon = options.normPixEpsilon ?? 1e-6;
  if (!(normPixEpsilon > 0)) {
    throw new RangeError(`createMae: normPixEpsilon must be > 0, got ${normPixEpsilon}.`);
  }
  const seed = options.seed ?? 0;
  if (!Number.isInteger(seed) || seed < 0) {
    throw new RangeError(`createMae: seed must be an integer ≥ 0, got ${seed}.`);
  }
  return {
    maskRatio: checkMaskRatio(options.maskRatio ?? 0.75, encoder.numPatches, 'createMae'),
    decoderLayers: positiveInteger('decoderLayers', options.decoderLayers ?? 2),
    decoderEmbeddingSize,
    decoderHeads,
    decoderMlpSize: positiveInteger(
      'decoderMlpSize',
      options.decoderMlpSize ?? 4 * decoderEmbeddingSize,
    ),
    normPixLoss: options.normPixLoss ?? true,
    normPixEpsilon,
    seed,
  };
}
