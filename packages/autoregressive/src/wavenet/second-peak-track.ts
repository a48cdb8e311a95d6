import { checkPeakHalfWidth, createFrameAnalysis, loadFramePowerSpectrum } from './analysis-frames';

/** Options of {@link extractSecondPeakTrack}. */
export type SecondPeakTrackOptions = {
  /** Samples per frame. @default 64 (8 ms at 8 kHz) */
  readonly hop?: number;
  /** Samples of the spectrum's window (a power of two ≥ 16). @default 256 */
  readonly analysisWindow?: number;
  /** Bins of the 4×-padded spectrum on each side of the dominant peak that belong to it. @default 8 */
  readonly peakHalfWidth?: number;
  /** The lowest level reported, in dB below the dominant peak (silence and lone tones read it). @default 30 */
  readonly floorDecibels?: number;
};

/** Per frame, the second-strongest spectral peak relative to the dominant one. */
export type SecondPeakTrack = {
  /** `log2(f₂ / f₁)`: octaves from the dominant peak to the second one (0 in silence). */
  readonly octaves: Float32Array;
  /** The second peak's power re the dominant one, in dB, in `[−floorDecibels, 0]`. */
  readonly decibels: Float32Array;
};

/**
 * A partials channel for a control track: per frame, where the second-strongest spectral peak lies
 * relative to the dominant one (octaves) and how loud it is (dB re the dominant peak). A lone tone
 * or a glide reads the floor; a chord's three equal tones read 0 dB a third, a fourth or a fifth
 * away; a vowel's harmonics a few dB down, at harmonic ratios; noise a peak just below the highest,
 * anywhere. The dominant frequency and level of `extractControlTrack` say nothing of the other
 * partials, which a renderer conditioned on them must guess.
 *
 * Per frame `f` (centre `f · hop + hop / 2`): the power spectrum of the Hann-windowed
 * `analysisWindow` samples around the centre (zero-padded 4×, the control track's analysis), its
 * highest bin `p` (above 0 Hz), and the highest local maximum `q` of the spectrum farther than
 * `peakHalfWidth` bins from `p`; its level is clipped at `−floorDecibels` (a lone tone's second
 * peak is a sidelobe or the noise floor, wherever it lies).
 *
 * @param samples the waveform.
 * @param options hop, analysis window, peak half-width and floor (see {@link SecondPeakTrackOptions}).
 * @returns per frame (`ceil(length / hop)` frames), the octaves and dB of the second peak.
 * @throws RangeError for a bad hop, window, half-width or floor (naming the valid values).
 * @example
 * const chord = Float32Array.from({ length: 8000 }, (_, i) =>
 *   Math.sin((2 * Math.PI * 300 * i) / 8000) + Math.sin((2 * Math.PI * 450 * i) / 8000));
 * extractSecondPeakTrack(chord).decibels[60]; // ≈ 0 (two equal partials, a fifth apart)
 */
export function extractSecondPeakTrack(
  samples: Float32Array,
  options: SecondPeakTrackOptions = {},
): SecondPeakTrack {
  const { hop = 64, analysisWindow = 256, peakHalfWidth = 8, floorDecibels = 30 } = options;
  const analysis = createFrameAnalysis('extractSecondPeakTrack', hop, analysisWindow);
  checkPeakHalfWidth('extractSecondPeakTrack', peakHalfWidth);
  if (!(Number.isFinite(floorDecibels) && floorDecibels > 0)) {
    throw new RangeError(
      `extractSecondPeakTrack: floorDecibels must be a positive number of dB, got ${floorDecibels}.`,
    );
  }
  const frames = Math.ceil(samples.length / hop);
  const { size, power } = analysis;
  const half = size / 2;
  const octaves = new Float32Array(frames);
  const decibels = new Float32Array(frames).fill(-floorDecibels);
  for (let frame = 0; frame < frames; frame++) {
    const peak = loadFramePowerSpectrum(analysis, samples, frame);
    if (!(power[peak]! > 0)) continue;
    let second = -1;
    for (let k = 1; k < half; k++) {
      if (Math.abs(k - peak) <= peakHalfWidth) continue;
      const isMaximum =
        power[k]! >= power[k - 1]! && (k + 1 === half || power[k]! >= power[k + 1]!);
      if (isMaximum && (second < 0 || power[k]! > power[second]!)) second = k;
    }
    if (second < 0 || !(power[second]! > 0)) continue;
    octaves[frame] = Math.log2(second / peak);
    decibels[frame] = Math.max(-floorDecibels, 10 * Math.log10(power[second]! / power[peak]!));
  }
  return { octaves, decibels };
}
