const twiddleCache = new Map<number, { cosines: Float64Array; sines: Float64Array }>();

/** cos/sin of −2πk/n for k < n/2, computed once per transform size. */
function twiddles(n: number): { cosines: Float64Array; sines: Float64Array } {
  let table = twiddleCache.get(n);
  if (!table) {
    const cosines = new Float64Array(n / 2);
    const sines = new Float64Array(n / 2);
    for (let k = 0; k < n / 2; k++) {
      cosines[k] = Math.cos((-2 * Math.PI * k) / n);
      sines[k] = Math.sin((-2 * Math.PI * k) / n);
    }
    table = { cosines, sines };
    twiddleCache.set(n, table);
  }
  return table;
}

/**
 * In-place iterative radix-2 complex FFT (Cooley–Tukey): `(real, imaginary)` becomes its discrete
 * Fourier transform `X_k = Σ_t x_t e^{−2πikt/n}`. Plain JavaScript in float64, for the short
 * spectra of audio analysis (tfjs-wasm has no FFT kernel).
 *
 * @param real real parts, length a power of two; overwritten.
 * @param imaginary imaginary parts, the same length; overwritten.
 * @throws RangeError when the lengths differ or are not a power of two.
 * @example
 * const real = Float64Array.of(1, 0, 0, 0);
 * const imaginary = new Float64Array(4);
 * fourierTransform(real, imaginary); // real: [1, 1, 1, 1]
 */
export function fourierTransform(real: Float64Array, imaginary: Float64Array): void {
  const n = real.length;
  if (imaginary.length !== n || n < 1 || (n & (n - 1)) !== 0) {
    throw new RangeError(
      `fourierTransform: real and imaginary need one length, a power of two; got ${n} and ${imaginary.length}.`,
    );
  }
  for (let i = 1, j = 0; i < n; i++) {
    let bit = n >> 1;
    for (; j & bit; bit >>= 1) j ^= bit;
    j ^= bit;
    if (i < j) {
      [real[i], real[j]] = [real[j]!, real[i]!];
      [imaginary[i], imaginary[j]] = [imaginary[j]!, imaginary[i]!];
    }
  }
  const { cosines, sines } = twiddles(n);
  for (let size = 2; size <= n; size <<= 1) {
    const stride = n / size;
    for (let start = 0; start < n; start += size) {
      for (let k = 0; k < size / 2; k++) {
        const cos = cosines[k * stride]!;
        const sin = sines[k * stride]!;
        const a = start + k;
        const b = a + size / 2;
        const tr = real[b]! * cos - imaginary[b]! * sin;
        const ti = real[b]! * sin + imaginary[b]! * cos;
        real[b] = real[a]! - tr;
        imaginary[b] = imaginary[a]! - ti;
        real[a] = real[a]! + tr;
        imaginary[a] = imaginary[a]! + ti;
      }
    }
  }
}
