/** The shape of the WaveNet step that {@link wavenetStepFlops} counts. */
export type WavenetFlopsShape = {
  /** Clips per step B. */
  readonly batchSize: number;
  /** Samples per clip T. */
  readonly length: number;
  /** Gated residual layers L. */
  readonly layers: number;
  /** Residual channels C. */
  readonly channels: number;
  /** Skip channels S. */
  readonly skipChannels: number;
  /** Taps k of each dilated convolution. */
  readonly kernelSize: number;
  /** Output levels Q (256 for 8-bit μ-law). */
  readonly levels: number;
};

/**
 * Counted FLOPs of one WaveNet training step (van den Oord et al. 2016), matrix products only.
 *
 * With N = B·T samples (every one is predicted): forward F = 2·N·2·C (the 2-tap causal input
 * convolution) + L·(2·N·k·C·2C) (each layer's dilated filter and gate convolutions, k taps)
 * + (L − 1)·2·N·C·(C + S) + 2·N·C·S (each layer's 1×1 residual and skip products; the last has
 * no residual) + 2·N·S² + 2·N·S·Q (the head: 1×1 S→S, then S→Q). The step counts 3·F (backward
 * ≈ 2× forward). μ-law, gated units, softmax, the loss and AdamW are not counted.
 *
 * @param shape the step's shape.
 * @returns FLOPs per step.
 * @example wavenetStepFlops({ batchSize: 4, length: 4096, layers: 10, channels: 32, skipChannels: 64, kernelSize: 2, levels: 256 }) // ≈ 9.0e9
 */
export function wavenetStepFlops(shape: WavenetFlopsShape): number {
  const { layers, channels, skipChannels, kernelSize, levels } = shape;
  const samples = shape.batchSize * shape.length;
  const forward =
    2 * samples * 2 * channels +
    layers * 2 * samples * kernelSize * channels * 2 * channels +
    (layers - 1) * 2 * samples * channels * (channels + skipChannels) +
    2 * samples * channels * skipChannels +
    2 * samples * skipChannels ** 2 +
    2 * samples * skipChannels * levels;
  return 3 * forward;
}
