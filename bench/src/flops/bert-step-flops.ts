/** The shape of the BERT MLM step that {@link bertStepFlops} counts. */
export type BertFlopsShape = {
  /** Sequences per step B. */
  readonly batchSize: number;
  /** Tokens per sequence T, [CLS] and [SEP] included. */
  readonly sequenceLength: number;
  /** Transformer blocks L. */
  readonly layers: number;
  /** Model width C (MLP 4C). */
  readonly dimensions: number;
  /** Vocabulary V (the tied MLM decoder's width). */
  readonly vocabularySize: number;
  /** Predicted (masked) positions per sequence M. */
  readonly predictionsPerSequence: number;
};

/**
 * Counted FLOPs of one BERT masked-language-model training step, matrix products only.
 *
 * With N = B·T tokens, C dims, L layers, V vocabulary and P = B·M predicted positions:
 * forward F = L·(24·N·C² + 4·B·T²·C) + P·(2·C² + 2·C·V): each block's four dense products
 * (qkv 6NC², output 2NC², MLP 8NC² + 8NC²) and its two attention products (QKᵀ, A·V); then the
 * MLM head on the gathered positions only (dense C→C, then the decoder tied to the token
 * embeddings, C→V). Lookups count 0. The step counts 3·F (backward ≈ 2× forward), as
 * {@link gptStepFlops}. Elementwise work (LayerNorm, softmax, GELU, AdamW) is not counted.
 * Devlin et al. 2019 (BERT); Kaplan et al. 2020 §2.1 for the counting rule.
 *
 * @param shape the step's shape.
 * @returns FLOPs per step.
 * @example bertStepFlops({ batchSize: 16, sequenceLength: 128, layers: 4, dimensions: 128, vocabularySize: 6000, predictionsPerSequence: 19 }) // ≈ 1.27e10
 */
export function bertStepFlops(shape: BertFlopsShape): number {
  const { batchSize, sequenceLength, layers, dimensions, vocabularySize } = shape;
  const tokens = batchSize * sequenceLength;
  const blocks =
    layers * (24 * tokens * dimensions ** 2 + 4 * batchSize * sequenceLength ** 2 * dimensions);
  const predicted = batchSize * shape.predictionsPerSequence;
  const head = predicted * (2 * dimensions ** 2 + 2 * dimensions * vocabularySize);
  return 3 * (blocks + head);
}
