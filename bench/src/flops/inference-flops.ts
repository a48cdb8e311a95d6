/** The shape of a Transformer for {@link transformerForwardFlops} and {@link gptGenerationFlops}. */
export type TransformerFlopsShape = {
  /** Blocks L. */
  readonly layers: number;
  /** Width C (MLP 4C). */
  readonly dimensions: number;
  /** Vocabulary V (the tied output head's width). */
  readonly vocabularySize: number;
};

/**
 * Counted FLOPs of one forward pass of pre-LN Transformer blocks over B sequences of T tokens
 * (no output head): L·(24·B·T·C² + 4·B·T²·C), matrix products only (qkv, attention output and
 * the 4C MLP; QKᵀ and A·V over the full T×T). Kaplan et al. 2020, §2.1.
 *
 * @param shape layers and width.
 * @param batchSize B.
 * @param length T.
 * @returns FLOPs.
 * @example transformerForwardFlops({ layers: 4, dimensions: 128, vocabularySize: 6000 }, 32, 128) // ≈ 7.5e9
 */
export function transformerForwardFlops(
  shape: TransformerFlopsShape,
  batchSize: number,
  length: number,
): number {
  const { layers, dimensions } = shape;
  return (
    layers * (24 * batchSize * length * dimensions ** 2 + 4 * batchSize * length ** 2 * dimensions)
  );
}

/**
 * Counted FLOPs of generating `tokens` tokens after a prompt of `promptLength` (one sequence),
 * matrix products only, with or without the KV cache.
 *
 * Without the cache, the token that follows a context of t tokens re-encodes all t positions:
 * {@link transformerForwardFlops}(1, t) + 2·C·V (the tied head on the last position), for
 * t = P, …, P + G − 1. With the cache, the prompt is encoded once (forward over P positions) and
 * each later token costs one position attending to t cached keys: L·(24·C² + 4·t·C); every token
 * adds the head's 2·C·V. (Contexts stay within the block size: no window shifts.)
 *
 * @param shape layers, width and vocabulary.
 * @param promptLength P.
 * @param tokens G, tokens generated.
 * @param cached with the KV cache.
 * @returns FLOPs of the whole generation.
 * @example gptGenerationFlops({ layers: 4, dimensions: 128, vocabularySize: 65 }, 16, 48, true)
 */
export function gptGenerationFlops(
  shape: TransformerFlopsShape,
  promptLength: number,
  tokens: number,
  cached: boolean,
): number {
  const { layers, dimensions, vocabularySize } = shape;
  let total = tokens * 2 * dimensions * vocabularySize;
  if (cached) {
    total += transformerForwardFlops(shape, 1, promptLength);
    for (let t = promptLength + 1; t < promptLength + tokens; t++)
      total += layers * (24 * dimensions ** 2 + 4 * t * dimensions);
  } else {
    for (let t = promptLength; t < promptLength + tokens; t++)
      total += transformerForwardFlops(shape, 1, t);
  }
  return total;
}

/** The shape of a ConvNet encoder for {@link convNetForwardFlops}. */
export type ConvNetFlopsShape = {
  /** Square input side S and channels c. */
  readonly imageSize: number;
  readonly channels: number;
  /** Filters of the two 3×3 'same' conv blocks (each followed by a 2× max-pool). */
  readonly filters: readonly [number, number];
  /** Width R of the dense representation. */
  readonly outputSize: number;
};

/**
 * Counted FLOPs of one forward pass of the two-block ConvNet encoder (core's defaults) on B
 * images: 2·B·S²·9c·f₁ + 2·B·(S/2)²·9f₁·f₂ + 2·B·(S/4)²·f₂·R (convolutions and the dense layer;
 * BatchNorm, ReLU and pooling not counted), as the SimCLR workload's count without the head.
 *
 * @param shape the encoder's shape.
 * @param batchSize B.
 * @returns FLOPs.
 * @example convNetForwardFlops({ imageSize: 28, channels: 1, filters: [32, 64], outputSize: 128 }, 256) // ≈ 2.17e9
 */
export function convNetForwardFlops(shape: ConvNetFlopsShape, batchSize: number): number {
  const { imageSize, channels, filters, outputSize } = shape;
  const [first, second] = filters;
  return (
    2 * batchSize * imageSize ** 2 * 9 * channels * first +
    2 * batchSize * (imageSize / 2) ** 2 * 9 * first * second +
    2 * batchSize * (imageSize / 4) ** 2 * second * outputSize
  );
}
