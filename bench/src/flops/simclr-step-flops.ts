import type { SimclrConvNetConfig } from '../workloads/workload-configs';

/**
 * Counted FLOPs of one SimCLR conv training step (forward + backward), products only.
 *
 * For B inputs of S×S×c, filters f₁, f₂ (3×3, same), widths R (representation), P₁, P₂ (projection):
 * forward F = 2·B·S²·9c·f₁ (conv 1) + 2·B·(S/2)²·9f₁·f₂ (conv 2) + 2·B·((S/4)²·f₂·R + R·P₁ + P₁·P₂)
 * (dense layers) + 2·B²·P₂ (the NT-Xent similarity matrix). The step counts 3·F (backward ≈ 2×
 * forward; conv 1's input gradient, which is not needed, is included for simplicity: ~2% here).
 * BatchNorm, ReLU, pooling, softmax and Adam are not counted.
 *
 * @param config the network shape.
 * @param batchSize B, inputs per step (both views).
 * @returns FLOPs per step.
 * @example simclrStepFlops({ imageSize: 28, channels: 1, filters: [32, 64], representationSize: 128, projectionHiddenSize: 128, projectionSize: 64 }, 256) // ≈ 6.6e9
 */
export function simclrStepFlops(config: SimclrConvNetConfig, batchSize: number): number {
  const { imageSize, channels, filters, representationSize, projectionHiddenSize, projectionSize } =
    config;
  const [first, second] = filters;
  const firstConvolution = 2 * batchSize * imageSize ** 2 * 9 * channels * first;
  const secondConvolution = 2 * batchSize * (imageSize / 2) ** 2 * 9 * first * second;
  const dense =
    2 *
    batchSize *
    ((imageSize / 4) ** 2 * second * representationSize +
      representationSize * projectionHiddenSize +
      projectionHiddenSize * projectionSize);
  const similarity = 2 * batchSize ** 2 * projectionSize;
  return 3 * (firstConvolution + secondConvolution + dense + similarity);
}
