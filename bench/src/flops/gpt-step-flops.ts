import type { GptConfig } from '../workloads/workload-configs';

/**
 * Counted FLOPs of one GPT training step (forward + backward), matrix products only.
 *
 * With N = B·T tokens, C dims, L layers, V vocabulary:
 * forward F = L·(24·N·C² + 4·B·T²·C) + 2·N·C·V, where 24·N·C² are the four dense products of a
 * block (qkv 6NC², attention output 2NC², MLP 8NC² + 8NC²), 4·B·T²·C the two attention products
 * (QKᵀ and A·V, full T×T, the causal half not skipped) and 2·N·C·V the tied output head.
 * The token/position lookups count 0. The step counts 3·F (backward ≈ 2× forward: one product
 * for the input gradient and one for the weight gradient of each forward product).
 * Elementwise work (LayerNorm, softmax, GELU, AdamW) is not counted.
 * Kaplan et al., "Scaling Laws for Neural Language Models" (2020), §2.1.
 *
 * @param config the GPT shape.
 * @param batchSize B, sequences per step.
 * @returns FLOPs per step.
 * @example gptStepFlops({ vocabularySize: 65, blockSize: 64, layers: 4, heads: 4, dimensions: 128 }, 12) // ≈ 3.96e9
 */
export function gptStepFlops(config: GptConfig, batchSize: number): number {
  const { vocabularySize, blockSize, layers, dimensions } = config;
  const tokens = batchSize * blockSize;
  const denseProducts = 24 * tokens * dimensions ** 2;
  const attentionProducts = 4 * batchSize * blockSize ** 2 * dimensions;
  const forward =
    layers * (denseProducts + attentionProducts) + 2 * tokens * dimensions * vocabularySize;
  return 3 * forward;
}
