import { describe, expect, it } from 'vitest';
import {
  backgroundLoudnessGap,
  controlCodebook,
  controlFeatures,
  controlSequenceLength,
  controlTokenConstraint,
  controlTokens,
  controlTrackFromTokens,
  controlVocabularySize,
  extractControlTrack,
  frequencyBin,
  frequencyOfBin,
  holdFrequencyOverGroups,
  loudnessBin,
  upsampleControlTrack,
} from './control-track';

const sampleRate = 8000;

/** A sine of `hertz` (or a frequency per sample) at `amplitude`, 1 s at 8 kHz. */
function sine(hertz: (t: number) => number, amplitude: number, length = sampleRate): Float32Array {
  const samples = new Float32Array(length);
  let angle = 0.3;
  for (let i = 0; i < length; i++) {
    angle += (2 * Math.PI * hertz(i / sampleRate)) / sampleRate;
    samples[i] = amplitude * Math.sin(angle);
  }
  return samples;
}

describe('control tracks', () => {
  it('finds the frequency and level of a steady tone in every frame, 125 frames of 64 samples', () => {
    for (const hertz of [157, 440, 1234]) {
      const track = extractControlTrack(sine(() => hertz, 0.4));
      expect(track.frequencyBins.length).toBe(125);
      // Interior frames (the edges see the zero padding): the bin that holds the frequency.
      const interior = [...track.frequencyBins.slice(2, -2)];
      expect(new Set(interior)).toEqual(new Set([frequencyBin(hertz)]));
      // RMS 0.4 / √2 = −11.0 dB → bin ⌊(−11.0 + 66) / 3⌋ = 18 (mid-bin: ±1 dB of ripple stays in it).
      expect(new Set(track.loudnessBins.slice(2, -2))).toEqual(new Set([18]));
      expect(Math.abs(Math.log2(frequencyOfBin(frequencyBin(hertz)) / hertz))).toBeLessThan(
        1 / controlCodebook.binsPerOctave,
      );
    }
  });

  it('follows a glide up and a tremolo, and marks silence at the lowest level', () => {
    const glide = extractControlTrack(sine((t) => 200 * 4 ** t, 0.3));
    const bins = [...glide.frequencyBins.slice(2, -2)];
    for (let i = 1; i < bins.length; i++) expect(bins[i]!).toBeGreaterThanOrEqual(bins[i - 1]!);
    // Two octaves: 32 bins from the first interior frame to the last.
    expect(bins.at(-1)! - bins[0]!).toBeGreaterThanOrEqual(29);
    // 8 Hz tremolo: the level rises and falls 8 times (counted as crossings of its middle).
    const tremolo = new Float32Array(sampleRate);
    const tone = sine(() => 500, 0.5);
    for (let i = 0; i < sampleRate; i++)
      tremolo[i] = tone[i]! * (0.55 + 0.45 * Math.sin((2 * Math.PI * 8 * i) / sampleRate));
    const levels = [...extractControlTrack(tremolo).loudnessBins];
    const middle = (Math.max(...levels) + Math.min(...levels)) / 2;
    let rises = 0;
    for (let i = 1; i < levels.length; i++)
      if (levels[i - 1]! < middle && levels[i]! >= middle) rises++;
    expect(rises).toBeGreaterThanOrEqual(7);
    expect(rises).toBeLessThanOrEqual(9);
    const silence = extractControlTrack(new Float32Array(640));
    expect([...silence.loudnessBins]).toEqual(new Array(10).fill(0));
    expect(loudnessBin(Number.NEGATIVE_INFINITY)).toBe(0);
    expect(loudnessBin(6)).toBe(controlCodebook.loudnessBins - 1);
  });

  it('turns a track into class-prefixed tokens and back, background frames as one token, and repairs wrong ones', () => {
    const track = extractControlTrack(sine((t) => 300 + 200 * t, 0.2));
    const tokens = controlTokens(track, 3, 8);
    expect(tokens.length).toBe(1 + 2 * 125);
    expect(tokens[0]).toBe(3);
    expect(Math.max(...tokens)).toBeLessThan(controlVocabularySize(8));
    expect(Math.min(...tokens.slice(1))).toBeGreaterThanOrEqual(8);
    // A steady glide: no frame is background, so the track comes back exactly.
    const { track: back, malformed } = controlTrackFromTokens(tokens.subarray(1), 8, 3);
    expect(malformed).toBe(0);
    expect([...back.frequencyBins]).toEqual([...track.frequencyBins]);
    expect([...back.loudnessBins]).toEqual([...track.loudnessBins]);
    // Every class has its own frame tokens: class 4's sequence shares no token with class 3's.
    const other = controlTokens(track, 4, 8);
    expect(other.subarray(1).some((id) => tokens.subarray(1).includes(id))).toBe(false);
    expect(controlTrackFromTokens(other.subarray(1), 8, 3).malformed).toBe(250);
    // A tone with 0.3 s of silence: the quiet frames (over 15 dB down) share one frequency token,
    // which reads back as the 60 Hz bin; their loudness is kept.
    const gapped = sine(() => 500, 0.5);
    gapped.fill(0, 3200, 5600);
    const gappedTrack = extractControlTrack(gapped);
    const gappedTokens = controlTokens(gappedTrack, 0, 8);
    const quiet = [...gappedTrack.loudnessBins.keys()].filter(
      (frame) =>
        gappedTrack.loudnessBins[frame]! <
        Math.max(...gappedTrack.loudnessBins) - backgroundLoudnessGap,
    );
    expect(quiet.length).toBeGreaterThanOrEqual(33);
    expect(new Set(quiet.map((frame) => gappedTokens[2 + 2 * frame]))).toHaveProperty('size', 1);
    const gappedBack = controlTrackFromTokens(gappedTokens.subarray(1), 8, 0).track;
    for (const frame of quiet) expect(gappedBack.frequencyBins[frame]).toBe(frequencyBin(60));
    expect([...gappedBack.loudnessBins]).toEqual([...gappedTrack.loudnessBins]);
    expect(gappedBack.frequencyBins[10]).toBe(frequencyBin(500));
    // Loudness first: a frequency token in a loudness slot, a prompt in a frequency slot, another
    // class's token: the previous frame's values.
    const broken = Array.from(tokens.subarray(1));
    broken[2] = broken[1]!;
    broken[3] = 0;
    broken[5] = other[6]!;
    const repaired = controlTrackFromTokens(broken, 8, 3);
    expect(repaired.malformed).toBe(3);
    expect(repaired.track.loudnessBins[1]).toBe(track.loudnessBins[0]);
    expect(repaired.track.frequencyBins[1]).toBe(track.frequencyBins[0]);
    expect(repaired.track.frequencyBins[2]).toBe(track.frequencyBins[0]);
    expect(() => controlTokens(track, 8, 8)).toThrow(/classId must be an integer in \[0, 8\)/);
  });

  it('constrains sampled tokens to the class and the slot: real sequences obey it, nothing else does', () => {
    const track = extractControlTrack(sine((t) => 300 + 200 * t, 0.2));
    const gapped = sine(() => 500, 0.5);
    gapped.fill(0, 3200, 5600);
    for (const [sequence, classId] of [
      [controlTokens(track, 3, 8), 3],
      [controlTokens(extractControlTrack(gapped), 0, 8), 0],
    ] as const) {
      const allowed = controlTokenConstraint(classId, 8);
      for (let position = 1; position < sequence.length; position++) {
        const choices = allowed(Array.from(sequence.subarray(0, position)));
        expect(choices).toContain(sequence[position]);
      }
    }
    const allowed = controlTokenConstraint(3, 8);
    const loudness = allowed([3]);
    const frequency = allowed([3, loudness[0]!]);
    expect(loudness.length).toBe(controlCodebook.loudnessBins);
    expect(frequency.length).toBe(controlCodebook.frequencyBins + 1);
    // Every allowed id reads back as a well-formed frame of class 3; none is another class's.
    const decoded = controlTrackFromTokens(
      Array.from(loudness, (id, i) => [id, frequency[i]!]).flat(),
      8,
      3,
    );
    expect(decoded.malformed).toBe(0);
    const other = controlTokenConstraint(4, 8);
    expect([...other([4])].some((id) => loudness.includes(id))).toBe(false);
    expect([...other([4, 0])].some((id) => frequency.includes(id))).toBe(false);
    expect(() => controlTokenConstraint(-1, 8)).toThrow(/classId must be an integer in \[0, 8\)/);
  });

  it('shares one frequency token among a group of frames: levels kept (a tremolo), the loudest frame’s pitch', () => {
    // An 8 Hz tremolo on a glide, 16-ms frames, two frames per frequency token.
    const tone = sine((t) => 300 * 2 ** t, 0.5);
    tone.fill(0, 6400); // the last 0.2 s silent: background groups
    const tremolo = tone.map(
      (value, i) => value * (0.55 + 0.45 * Math.sin((2 * Math.PI * 8 * i) / sampleRate)),
    );
    const track = extractControlTrack(tremolo, { hop: 128 });
    expect(track.frequencyBins.length).toBe(63);
    const layout = { framesPerFrequencyToken: 2 };
    const tokens = controlTokens(track, 5, 8, layout);
    expect(tokens.length).toBe(controlSequenceLength(63, layout));
    expect(tokens.length).toBe(1 + 32 * 3);
    const { track: back, malformed } = controlTrackFromTokens(tokens.subarray(1), 8, 5, layout);
    expect(malformed).toBe(0);
    expect(back.loudnessBins.length).toBe(64); // the padded last group
    expect([...back.loudnessBins.subarray(0, 63)]).toEqual([...track.loudnessBins]);
    // The level still rises and falls 8 times (7–9 counted, as at 8 ms).
    const levels = [...back.loudnessBins.subarray(0, 50)];
    const middle = (Math.max(...levels) + Math.min(...levels)) / 2;
    let rises = 0;
    for (let i = 1; i < levels.length; i++)
      if (levels[i - 1]! < middle && levels[i]! >= middle) rises += 1;
    expect(rises).toBeGreaterThanOrEqual(6);
    expect(rises).toBeLessThanOrEqual(9);
    // Pitch: each pair reads its louder frame's bin; silent pairs the background's 60 Hz.
    const held = holdFrequencyOverGroups(track, 2);
    for (let frame = 0; frame < 50; frame += 2) {
      const louder =
        track.loudnessBins[frame + 1]! > track.loudnessBins[frame]! ? frame + 1 : frame;
      expect(held.frequencyBins[frame]).toBe(track.frequencyBins[louder]);
      expect(held.frequencyBins[frame + 1]).toBe(track.frequencyBins[louder]);
      expect(back.frequencyBins[frame]).toBe(track.frequencyBins[louder]);
    }
    expect(back.frequencyBins[60]).toBe(frequencyBin(60));
    expect([...holdFrequencyOverGroups(track, 1).frequencyBins]).toEqual([...track.frequencyBins]);
    // The constraint follows the groups: two loudness slots, then a frequency slot.
    const allowed = controlTokenConstraint(5, 8, layout);
    for (let position = 1; position < tokens.length; position++)
      expect(allowed(Array.from(tokens.subarray(0, position)))).toContain(tokens[position]);
    expect(allowed([5, tokens[1]!]).length).toBe(controlCodebook.loudnessBins);
    expect(allowed([5, tokens[1]!, tokens[2]!]).length).toBe(controlCodebook.frequencyBins + 1);
    expect(() => controlTokens(track, 5, 8, { framesPerFrequencyToken: 0 })).toThrow(
      /framesPerFrequencyToken must be a positive integer, got 0/,
    );
  });

  it('reads a coarse track at the fine hop: glides interpolated, onsets kept sharp', () => {
    // A glide up two octaves: 32 frames of 256 samples read as 125 frames of 64 samples follow the
    // fine analysis within a bin or so, and stay monotone.
    const glide = sine((t) => 200 * 4 ** t, 0.3);
    const fine = extractControlTrack(glide);
    const coarse = extractControlTrack(glide, { hop: 256 });
    expect(coarse.frequencyBins.length).toBe(32);
    const upsampled = upsampleControlTrack(coarse, 4, 125);
    expect(upsampled.frequencyBins.length).toBe(125);
    let error = 0;
    for (let frame = 4; frame < 121; frame++) {
      error += Math.abs(upsampled.frequencyBins[frame]! - fine.frequencyBins[frame]!);
      expect(upsampled.frequencyBins[frame]!).toBeGreaterThanOrEqual(
        upsampled.frequencyBins[frame - 1]!,
      );
    }
    expect(error / 117).toBeLessThan(1);
    // Factor 1 is the identity.
    const same = upsampleControlTrack(fine, 1, 125);
    expect([...same.frequencyBins]).toEqual([...fine.frequencyBins]);
    expect([...same.loudnessBins]).toEqual([...fine.loudnessBins]);
    // A jump of an octave is not a glide (the nearer frame's frequency); loudness is interpolated.
    const step = {
      frequencyBins: Int32Array.from([20, 20, 36, 36]),
      loudnessBins: Int32Array.from([0, 0, 12, 12]),
    };
    const read = upsampleControlTrack(step, 4, 18);
    expect([...read.frequencyBins]).toEqual([
      20, 20, 20, 20, 20, 20, 20, 20, 36, 36, 36, 36, 36, 36, 36, 36, 36, 36,
    ]);
    expect([...read.loudnessBins.slice(4, 12)]).toEqual([0, 0, 2, 5, 8, 11, 12, 12]);
    // Two frames 4 bins apart: a fine frame's centre 1/8, 3/8, … of the way between them.
    const small = {
      frequencyBins: Int32Array.from([20, 24]),
      loudnessBins: Int32Array.from([5, 5]),
    };
    expect([...upsampleControlTrack(small, 4, 8).frequencyBins]).toEqual([
      20, 20, 21, 22, 23, 24, 24, 24,
    ]);
    expect(() => upsampleControlTrack(step, 0, 8)).toThrow(/factor must be a positive integer/);
    expect(() => upsampleControlTrack(step, 2, 0)).toThrow(/frames must be a positive integer/);
    expect(() =>
      upsampleControlTrack(
        { frequencyBins: new Int32Array(0), loudnessBins: new Int32Array(0) },
        2,
        4,
      ),
    ).toThrow(/at least one frame/);
  });

  it('gives the WaveNet two bounded features per frame', () => {
    const features = controlFeatures(extractControlTrack(sine(() => 400, 1)));
    expect(features.length).toBe(250);
    expect(Math.abs(features[2 * 60]!)).toBeLessThan(0.03);
    // RMS 1/√2 = −3 dB: (−3 + 33) / 33 within half a bin.
    expect(features[2 * 60 + 1]!).toBeCloseTo(30 / 33, 1);
    for (const value of features) expect(Math.abs(value)).toBeLessThanOrEqual(1.7);
  });

  it('names a bad option', () => {
    expect(() => extractControlTrack(new Float32Array(10), { hop: 0 })).toThrow(
      /hop must be a positive integer/,
    );
    expect(() => extractControlTrack(new Float32Array(10), { analysisWindow: 100 })).toThrow(
      /analysisWindow must be a power of two/,
    );
  });
});
