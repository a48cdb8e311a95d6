import { fourierTransform } from '@selfsup/core';

/**
 * The framing that the control, timbre and second-peak tracks share: frame `f` is centred on sample
 * `f · hop + ⌊hop / 2⌋` and analysed through a Hann window of `analysisWindow` samples, zero-padded
 * to 4× for the FFT (samples outside the clip read as 0).
 */

/**
 * Checks a hop and an analysis window, and returns the Hann window.
 *
 * @param caller the function to name in an error.
 * @param hop samples per frame (a positive integer).
 * @param analysisWindow samples of the window (a power of two ≥ 16).
 * @returns the window's `analysisWindow` Hann weights.
 * @throws RangeError naming `caller`, the option and its valid values.
 */
export function analysisHannWindow(
  caller: string,
  hop: number,
  analysisWindow: number,
): Float64Array {
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
  return Float64Array.from(
    { length: analysisWindow },
    (_, i) => 0.5 - 0.5 * Math.cos((2 * Math.PI * (i + 0.5)) / analysisWindow),
  );
}

/**
 * Fills `real` with frame `frame`'s Hann-windowed samples (zero-padded) and zeroes `imaginary`:
 * the input of `fourierTransform(real, imaginary)`.
 *
 * @param samples the clip.
 * @param frame the frame index.
 * @param hop samples per frame.
 * @param hann the window ({@link analysisHannWindow}).
 * @param real the FFT's real part (4 × the window's length).
 * @param imaginary the FFT's imaginary part (same length).
 */
export function loadAnalysisFrame(
  samples: Float32Array,
  frame: number,
  hop: number,
  hann: Float64Array,
  real: Float64Array,
  imaginary: Float64Array,
): void {
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
 * fills `power[1 … real.length / 2)` and returns the highest bin above 0 Hz (the first of equals).
 *
 * @param samples the clip.
 * @param frame the frame index.
 * @param hop samples per frame.
 * @param hann the window ({@link analysisHannWindow}).
 * @param real the FFT's real part (4 × the window's length).
 * @param imaginary the FFT's imaginary part (same length).
 * @param power the powers, half the FFT's length.
 * @returns the dominant bin.
 */
export function loadFramePowerSpectrum(
  samples: Float32Array,
  frame: number,
  hop: number,
  hann: Float64Array,
  real: Float64Array,
  imaginary: Float64Array,
  power: Float64Array,
): number {
  loadAnalysisFrame(samples, frame, hop, hann, real, imaginary);
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
