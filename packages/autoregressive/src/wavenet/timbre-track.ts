import { checkPeakHalfWidth, createFrameAnalysis, loadFramePowerSpectrum } from './analysis-frames';

/** Options of {@link extractTimbreTrack}. */
export type TimbreTrackOptions = {
  /** Samples per frame. @default 64 (8 ms at 8 kHz) */
  readonly hop?: number;
  /** Samples of the spectrum's window (a power of two ≥ 16). @default 256 */
  readonly analysisWindow?: number;
  /** Bins of the 4×-padded spectrum on each side of the peak that count as the peak. @default 8 */
  readonly peakHalfWidth?: number;
};

/**
 * A timbre channel for a control track: per frame, the share of the spectral energy that lies away
 * from the dominant peak, in [0, 1]. A pure tone (or a glide) is near 0, a chord or a vowel (several
 * harmonics) in between, noise near 1. The dominant frequency and the loudness of
 * `extractControlTrack` say nothing of this, and a WaveNet conditioned on them and a class label
 * hardly uses the label; this gives the renderer the timbre per frame, as it gets pitch and level.
 *
 * Per frame `f` (centre `f · hop + hop / 2`): the power spectrum of the Hann-windowed
 * `analysisWindow` samples around the centre (zero-padded 4×, the same analysis as the control
 * track's), its highest bin `p` (above 0 Hz), and `1 − Σ_{|k−p| ≤ peakHalfWidth} P(k) / Σ_k P(k)`.
 * The default half-width (8 bins of the 4×-padded spectrum) holds a Hann window's main lobe.
 *
 * @param samples the waveform.
 * @param options hop, analysis window and peak half-width (see {@link TimbreTrackOptions}).
 * @returns one share per frame, `ceil(length / hop)` frames.
 * @throws RangeError for a bad hop, window or half-width (naming the valid values).
 * @example
 * const tone = Float32Array.from({ length: 8000 }, (_, i) => Math.sin((2 * Math.PI * 440 * i) / 8000));
 * extractTimbreTrack(tone)[60]; // ≈ 0
 */
export function extractTimbreTrack(
  samples: Float32Array,
  options: TimbreTrackOptions = {},
): Float32Array {
  const { hop = 64, analysisWindow = 256, peakHalfWidth = 8 } = options;
  const analysis = createFrameAnalysis('extractTimbreTrack', hop, analysisWindow);
  checkPeakHalfWidth('extractTimbreTrack', peakHalfWidth);
  const frames = Math.ceil(samples.length / hop);
  const { size, power } = analysis;
  const shares = new Float32Array(frames);
  for (let frame = 0; frame < frames; frame++) {
    const peak = loadFramePowerSpectrum(analysis, samples, frame);
    let total = 0;
    for (let k = 1; k < size / 2; k++) total += power[k]!;
    let near = 0;
    const last = Math.min(size / 2 - 1, peak + peakHalfWidth);
    for (let k = Math.max(1, peak - peakHalfWidth); k <= last; k++) near += power[k]!;
    shares[frame] = total > 0 ? Math.min(1, Math.max(0, 1 - near / total)) : 1;
  }
  return shares;
}
