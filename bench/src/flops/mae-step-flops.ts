/** The shape of the MAE step that {@link maeStepFlops} counts. */
export type MaeFlopsShape = {
  /** Images per step B. */
  readonly batchSize: number;
  /** Image side S (square) and channels c. */
  readonly imageSize: number;
  readonly channels: number;
  /** Patch side p. */
  readonly patchSize: number;
  /** Encoder blocks L and width D (MLP 4D). */
  readonly layers: number;
  readonly dimensions: number;
  /** Decoder blocks L_d and width D_d (MLP 4D_d). */
  readonly decoderLayers: number;
  readonly decoderDimensions: number;
  /** Fraction of the patches hidden from the encoder. */
  readonly maskRatio: number;
  /** Whether the ViT prepends a [CLS] token (encoder and decoder then see one more token). */
  readonly classToken: boolean;
};

/** FLOPs of `layers` pre-LN Transformer blocks on `batch` sequences of `length` tokens of width `width`. */
function transformerBlocks(layers: number, batch: number, length: number, width: number): number {
  return layers * (24 * batch * length * width ** 2 + 4 * batch * length ** 2 * width);
}

/**
 * Counted FLOPs of one MAE training step (He et al. 2022), matrix products only.
 *
 * With n = (S/p)² patches, v = ⌊n·(1 − ratio)⌋ visible ones, k = 1 with a [CLS] token (else 0),
 * P = p²·c values per patch: forward F = 2·B·v·P·D (patch embedding of the visible patches)
 * + L·(24·B·(v+k)·D² + 4·B·(v+k)²·D) (the encoder, visible tokens only) + 2·B·(v+k)·D·D_d
 * (decoder embedding) + L_d·(24·B·(n+k)·D_d² + 4·B·(n+k)²·D_d) (the decoder, every position)
 * + 2·B·(n+k)·D_d·P (pixel prediction). The step counts 3·F (backward ≈ 2× forward).
 * Masking, gathers, LayerNorm, softmax, GELU, the loss and AdamW are not counted.
 *
 * @param shape the step's shape.
 * @returns FLOPs per step.
 * @example maeStepFlops({ batchSize: 64, imageSize: 28, channels: 1, patchSize: 4, layers: 4, dimensions: 64, decoderLayers: 2, decoderDimensions: 64, maskRatio: 0.75, classToken: true }) // ≈ 3.2e9
 */
export function maeStepFlops(shape: MaeFlopsShape): number {
  const { batchSize: batch, patchSize, dimensions, decoderDimensions } = shape;
  const patches = (shape.imageSize / patchSize) ** 2;
  const visible = Math.floor(patches * (1 - shape.maskRatio) + 1e-9);
  const extra = shape.classToken ? 1 : 0;
  const patchValues = patchSize ** 2 * shape.channels;
  const forward =
    2 * batch * visible * patchValues * dimensions +
    transformerBlocks(shape.layers, batch, visible + extra, dimensions) +
    2 * batch * (visible + extra) * dimensions * decoderDimensions +
    transformerBlocks(shape.decoderLayers, batch, patches + extra, decoderDimensions) +
    2 * batch * (patches + extra) * decoderDimensions * patchValues;
  return 3 * forward;
}
