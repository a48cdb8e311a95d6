import { SeededRandom } from '@selfsup/core';
import { describe, expect, it } from 'vitest';
import { extractTimbreTrack } from './timbre-track';

const sampleRate = 8000;

/** The sum of sines of `frequencies` (Hz), each at `amplitude`, `length` samples at 8 kHz. */
function tones(frequencies: readonly number[], amplitude = 0.2, length = sampleRate): Float32Array {
  return Float32Array.from({ length }, (_, i) =>
    frequencies.reduce(
      (sum, hertz, index) =>
        sum + amplitude * Math.sin((2 * Math.PI * hertz * i) / sampleRate + index),
      0,
    ),
  );
}

/** The interior frames of a track (the edge frames see the zero padding). */
const interior = (track: Float32Array) => [...track.slice(3, -3)];

describe('extractTimbreTrack', () => {
  it('reads a pure tone near 0, a chord and a harmonic series in between, white noise near 1', () => {
    const pure = interior(extractTimbreTrack(tones([440])));
    expect(pure.length).toBe(125 - 6);
    expect(Math.max(...pure)).toBeLessThan(0.01);

    // Three equally loud, well-separated tones: two thirds of the energy off the peak.
    for (const share of interior(extractTimbreTrack(tones([300, 700, 1500]))))
      expect(share).toBeCloseTo(2 / 3, 2);

    // A harmonic series with 1/n amplitudes (a buzzy vowel-like source): its fundamental holds
    // 1 / Σ 1/n² of the energy (6/π² ≈ 61%; 62% for these 25 harmonics), so 38% lies off the peak.
    const harmonics = Float32Array.from({ length: sampleRate }, (_, i) => {
      let value = 0;
      for (let n = 1; n * 150 < 3800; n++)
        value += (0.2 / n) * Math.sin((2 * Math.PI * 150 * n * i) / sampleRate);
      return value;
    });
    for (const share of interior(extractTimbreTrack(harmonics))) expect(share).toBeCloseTo(0.38, 1);

    const random = new SeededRandom(3);
    const noise = Float32Array.from({ length: sampleRate }, () => 0.2 * random.nextNormal());
    for (const share of interior(extractTimbreTrack(noise))) expect(share).toBeGreaterThan(0.8);
  });

  it('has one frame per hop, whatever the level, and names bad options', () => {
    const loud = extractTimbreTrack(tones([300, 900], 0.4, 1000), { hop: 100 });
    const quiet = extractTimbreTrack(tones([300, 900], 0.004, 1000), { hop: 100 });
    expect(loud.length).toBe(10);
    // A share is a ratio: scaling the waveform leaves it (up to float rounding).
    loud.forEach((share, frame) => {
      expect(quiet[frame]).toBeCloseTo(share, 5);
    });
    // Silence has no peak: all of its (zero) energy counts as off the peak.
    expect([...extractTimbreTrack(new Float32Array(200))]).toEqual([1, 1, 1, 1]);
    expect(() => extractTimbreTrack(tones([440]), { hop: 0 })).toThrow(
      /hop must be a positive integer/,
    );
    expect(() => extractTimbreTrack(tones([440]), { analysisWindow: 100 })).toThrow(
      /analysisWindow must be a power of two ≥ 16, got 100/,
    );
    expect(() => extractTimbreTrack(tones([440]), { peakHalfWidth: -1 })).toThrow(
      /peakHalfWidth must be an integer ≥ 0/,
    );
  });
});
