import { describe, expect, it } from 'vitest';
import { fourierTransform } from './fourier-transform';

describe('fourierTransform', () => {
  it('equals the direct DFT on a random complex signal (n = 1 … 64)', () => {
    for (const n of [1, 2, 8, 64]) {
      const real = Float64Array.from({ length: n }, (_, t) => Math.sin(1.7 * t + 0.3) + 0.1 * t);
      const imaginary = Float64Array.from({ length: n }, (_, t) => Math.cos(0.9 * t * t));
      const expectedReal = new Float64Array(n);
      const expectedImaginary = new Float64Array(n);
      for (let k = 0; k < n; k++) {
        for (let t = 0; t < n; t++) {
          const angle = (-2 * Math.PI * k * t) / n;
          expectedReal[k]! += real[t]! * Math.cos(angle) - imaginary[t]! * Math.sin(angle);
          expectedImaginary[k]! += real[t]! * Math.sin(angle) + imaginary[t]! * Math.cos(angle);
        }
      }
      fourierTransform(real, imaginary);
      for (let k = 0; k < n; k++) {
        expect(real[k]).toBeCloseTo(expectedReal[k]!, 9);
        expect(imaginary[k]).toBeCloseTo(expectedImaginary[k]!, 9);
      }
    }
  });

  it('names a bad length', () => {
    expect(() => fourierTransform(new Float64Array(6), new Float64Array(6))).toThrow(
      /power of two/,
    );
    expect(() => fourierTransform(new Float64Array(4), new Float64Array(8))).toThrow(/one length/);
  });
});
