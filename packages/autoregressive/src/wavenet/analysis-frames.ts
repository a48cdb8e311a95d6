import { fourierTransform } from '@selfsup/core';

/**
 * The framing that the control, timbre and second-peak tracks share: frame `f` is centred on sample
 * `f · hop + ⌊hop / 2⌋` and analysed through a Hann window of `analysisWindow` samples, zero-padded
 * to 4× for the FFT (samples outside the clip read as 0).
 */

/**
 * One track's frame analysis: its hop, the Hann window and the scratch buffers of the 4×-padded
 * FFT, allocated once per clip and reused by every frame.
 */
export type FrameAnalysis = {
  /** Samples per frame. */
  readonly hop: number;
  /** The window's `analysisWindow` Hann weights. */
  readonly hann: Float64Array;
  /** The FFT's length: 4 × the window's. */
  readonly size: number;
  /** The FFT's real part. */
  readonly real: Float64Array;
  /** The FFT's imaginary part. */
  readonly imaginary: Float64Array;
  /** The frame's powers, bins `1 … size / 2)` ({@link loadFramePowerSpectrum}). */
  readonly power: Float64Array;
};

/**
 * Checks a hop and an analysis window, and returns the frame analysis with its Hann window.
 *
 * @param caller the function to name in an error.
 * @param hop samples per frame (a positive integer).
 * @param analysisWindow samples of the window (a power of two ≥ 16).
 * @returns the window and the FFT's buffers.
 * @throws RangeError naming `caller`, the option and its valid values.
 */
export function createFrameAnalysis(
  caller: string,
  hop: number,
  analysisWindow: number,
): FrameAnalysis {
  if (!(Number.isInteger(hop) && hop >= 1)) {
    throw new RangeError(`${caller}: hop must be a positive integer, got ${hop}.`);
  }
  if (
    !(
      Number.isInteger(analysisWindow) &&
      analysisWindow >= 16 &&
      (analysisWindow & (analysisWindow - 1)) === 0
    )
  ) {
    throw new RangeError(
      `${caller}: analysisWindow must be a power of two ≥ 16, got ${analysisWindow}.`,
    );
  }
  const size = 4 * analysisWindow;
  return {
    hop,
    hann: Float64Array.from(
      { length: analysisWindow },
      (_, i) => 0.5 - 0.5 * Math.cos((2 * Math.PI * (i + 0.5)) / analysisWindow),
    ),
    size,
    real: new Float64Array(size),
    imaginary: new Float64Array(size),
    power: new Float64Array(size / 2),
  };
}

/**
 * Fills `analysis.real` with frame `frame`'s Hann-windowed samples (zero-padded) and zeroes
 * `analysis.imaginary`: the input of `fourierTransform(real, imaginary)`.
 *
 * @param analysis the frame analysis ({@link createFrameAnalysis}).
 * @param samples the clip.
 * @param frame the frame index.
 */
export function loadAnalysisFrame(
  analysis: FrameAnalysis,
  samples: Float32Array,
  frame: number,
): void {
  const { hop, hann, real, imaginary } = analysis;
  real.fill(0);
  imaginary.fill(0);
  const start = frame * hop + Math.floor(hop / 2) - hann.length / 2;
  for (let i = 0; i < hann.length; i++) {
    const index = start + i;
    real[i] = index >= 0 && index < samples.length ? hann[i]! * samples[index]! : 0;
  }
}

/**
 * Frame `frame`'s power spectrum (the window loaded by {@link loadAnalysisFrame}, then the FFT):
 * fills `analysis.power[1 … size / 2)` and returns the highest bin above 0 Hz (the first of equals).
 *
 * @param analysis the frame analysis ({@link createFrameAnalysis}).
 * @param samples the clip.
 * @param frame the frame index.
 * @returns the dominant bin.
 */
export function loadFramePowerSpectrum(
  analysis: FrameAnalysis,
  samples: Float32Array,
  frame: number,
): number {
  loadAnalysisFrame(analysis, samples, frame);
  const { real, imaginary, power } = analysis;
  fourierTransform(real, imaginary);
  let peak = 1;
  for (let k = 1; k < power.length; k++) {
    power[k] = real[k]! ** 2 + imaginary[k]! ** 2;
    if (power[k]! > power[peak]!) peak = k;
  }
  return peak;
}

/**
 * Checks the half-width (bins of the 4×-padded spectrum on each side) that counts as a peak.
 *
 * @param caller the function to name in an error.
 * @param peakHalfWidth the option's value.
 * @throws RangeError naming `caller` unless it is an integer ≥ 0.
 */
export function checkPeakHalfWidth(caller: string, peakHalfWidth: number): void {
  if (!(Number.isInteger(peakHalfWidth) && peakHalfWidth >= 0)) {
    throw new RangeError(`${caller}: peakHalfWidth must be an integer ≥ 0, got ${peakHalfWidth}.`);
  }
}
