import { describe, expect, it } from 'vitest';
import { extractSecondPeakTrack } from './second-peak-track';

const sampleRate = 8000;

/** The sum of sines of `frequencies` (Hz) at `amplitudes`, `length` samples at 8 kHz. */
function tones(
  frequencies: readonly number[],
  amplitudes: readonly number[],
  length = sampleRate,
): Float32Array {
  return Float32Array.from({ length }, (_, i) =>
    frequencies.reduce(
      (sum, hertz, index) =>
        sum + amplitudes[index]! * Math.sin((2 * Math.PI * hertz * i) / sampleRate + index),
      0,
    ),
  );
}

/** The interior frames of a track (the edge frames see the zero padding). */
const interior = (values: Float32Array) => [...values.slice(3, -3)];

describe('extractSecondPeakTrack', () => {
  it('reads the floor for a lone tone, a fifth at 0 dB for two equal tones, −6 dB for one at half amplitude', () => {
    const lone = extractSecondPeakTrack(tones([440], [0.3]));
    expect(lone.decibels.length).toBe(125);
    for (const level of interior(lone.decibels)) expect(level).toBeLessThan(-25);

    const fifth = extractSecondPeakTrack(tones([300, 450], [0.2, 0.2]));
    for (const level of interior(fifth.decibels)) expect(level).toBeGreaterThan(-1);
    // Either tone may win a frame: the other lies a fifth (0.585 octave) above or below.
    for (const octaves of interior(fifth.octaves))
      expect(Math.abs(octaves)).toBeCloseTo(Math.log2(1.5), 1);

    const weaker = extractSecondPeakTrack(tones([300, 450], [0.2, 0.1]));
    for (const level of interior(weaker.decibels)) expect(level).toBeCloseTo(-6, 0);
    for (const octaves of interior(weaker.octaves)) expect(octaves).toBeCloseTo(Math.log2(1.5), 1);
  });

  it('is the same at any level, reads silence as the floor, and names bad options', () => {
    const loud = extractSecondPeakTrack(tones([300, 700], [0.4, 0.2], 1000), { hop: 100 });
    const quiet = extractSecondPeakTrack(tones([300, 700], [0.004, 0.002], 1000), { hop: 100 });
    expect(loud.decibels.length).toBe(10);
    loud.decibels.forEach((level, frame) => {
      expect(quiet.decibels[frame]).toBeCloseTo(level, 3);
      expect(quiet.octaves[frame]).toBeCloseTo(loud.octaves[frame]!, 5);
    });
    const silence = extractSecondPeakTrack(new Float32Array(200), { floorDecibels: 40 });
    expect([...silence.decibels]).toEqual([-40, -40, -40, -40]);
    expect([...silence.octaves]).toEqual([0, 0, 0, 0]);
    expect(() => extractSecondPeakTrack(tones([440], [0.3]), { hop: 0 })).toThrow(
      /hop must be a positive integer/,
    );
    expect(() => extractSecondPeakTrack(tones([440], [0.3]), { peakHalfWidth: -1 })).toThrow(
      /peakHalfWidth must be an integer ≥ 0, got -1/,
    );
    expect(() => extractSecondPeakTrack(tones([440], [0.3]), { floorDecibels: 0 })).toThrow(
      /floorDecibels must be a positive number of dB, got 0/,
    );
  });
});
