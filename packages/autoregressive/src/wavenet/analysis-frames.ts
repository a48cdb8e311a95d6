/**
 * The framing that the control and timbre tracks share: frame `f` is centred on sample
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
