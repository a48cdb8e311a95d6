import { fourierTransform } from '@selfsup/core';
import { createFrameAnalysis, loadAnalysisFrame } from './analysis-frames';

/**
 * The control track of a clip: per frame of `hop` samples, its dominant frequency and its loudness,
 * quantized. A WaveNet conditioned on it (local conditioning, van den Oord et al. 2016, section
 * 2.5, as the paper's text-to-speech WaveNet is conditioned on a predicted log-F0 track) renders
 * the waveform; a small autoregressive prior over the quantized frames (a GPT on
 * {@link controlTokens}) supplies the slow structure (a glide, a vibrato, a tremolo, bursts) that
 * one receptive field of samples cannot see.
 *
 * Analysis, per frame `f` (centre `c = f · hop + hop / 2`):
 * - dominant frequency: the peak of the Hann-windowed magnitude spectrum of the `analysisWindow`
 *   samples around `c` (zero-padded FFT, above `lowestFrequency`), refined by a parabola through
 *   the log magnitudes of the peak bin and its neighbours;
 * - loudness: the RMS level of the `2 · hop` samples around `c`, in dB re full scale.
 *
 * Quantization ({@link controlCodebook}): `binsPerOctave` log-spaced frequency bins from
 * `lowestFrequency` and `loudnessStep`-dB loudness bins from `loudnessFloor` (clamped at both ends).
 */

/** The quantization of control tracks: frequency and loudness bins. */
export const controlCodebook = {
  /** The lower edge of frequency bin 0, Hz. */
  lowestFrequency: 40,
  /** Frequency bins per octave (16: 3/4 of a semitone each). */
  binsPerOctave: 16,
  /** Frequency bins: 104 span 6.5 octaves, 40 Hz to 3.6 kHz (below 0.45 × 8 kHz). */
  frequencyBins: 104,
  /** The lower edge of loudness bin 0, dB re full scale. */
  loudnessFloor: -66,
  /** Width of a loudness bin, dB. */
  loudnessStep: 3,
  /** Loudness bins: 22 span −66 to 0 dB. */
  loudnessBins: 22,
} as const;

/** Features per frame that a control track gives a WaveNet ({@link controlFeatures}). */
export const controlFeatureCount = 2;

/** A quantized control track: one frequency bin and one loudness bin per frame. */
export type ControlTrack = {
  /** Dominant-frequency bin of each frame, in `[0, frequencyBins)`. */
  readonly frequencyBins: Int32Array;
  /** Loudness bin of each frame, in `[0, loudnessBins)`. */
  readonly loudnessBins: Int32Array;
};

/** Options of {@link extractControlTrack}. */
export type ControlTrackOptions = {
  /** Samples per second. @default 8000 */
  readonly sampleRate?: number;
  /** Samples per frame. @default 64 (8 ms at 8 kHz) */
  readonly hop?: number;
  /** Samples of the spectrum's window (a power of two). @default 256 */
  readonly analysisWindow?: number;
};

/** The frequency bin of `hertz` (clamped to the codebook). */
export function frequencyBin(hertz: number): number {
  const { lowestFrequency, binsPerOctave, frequencyBins } = controlCodebook;
  const bin = Math.floor(Math.log2(Math.max(hertz, 1e-9) / lowestFrequency) * binsPerOctave);
  return Math.min(frequencyBins - 1, Math.max(0, bin));
}

/** The centre of frequency bin `bin`, Hz. */
export function frequencyOfBin(bin: number): number {
  const { lowestFrequency, binsPerOctave } = controlCodebook;
  return lowestFrequency * 2 ** ((bin + 0.5) / binsPerOctave);
}

/** The loudness bin of a level in dB re full scale (clamped to the codebook). */
export function loudnessBin(decibels: number): number {
  const { loudnessFloor, loudnessStep, loudnessBins } = controlCodebook;
  const bin = Math.floor((decibels - loudnessFloor) / loudnessStep);
  return Math.min(loudnessBins - 1, Math.max(0, Number.isFinite(bin) ? bin : 0));
}

/** The centre of loudness bin `bin`, dB re full scale. */
export function loudnessOfBin(bin: number): number {
  const { loudnessFloor, loudnessStep } = controlCodebook;
  return loudnessFloor + (bin + 0.5) * loudnessStep;
}

/**
 * The quantized control track of a waveform (see the module comment for the analysis): one frame
 * per `hop` samples, `ceil(length / hop)` frames.
 *
 * @param samples the waveform in [-1, 1].
 * @param options sample rate, hop and analysis window (see {@link ControlTrackOptions}).
 * @returns the frequency and loudness bins of every frame.
 * @throws RangeError for a bad hop, window or sample rate (naming the valid values).
 * @example
 * const tone = Float32Array.from({ length: 8000 }, (_, i) => 0.5 * Math.sin((2 * Math.PI * 440 * i) / 8000));
 * const track = extractControlTrack(tone); // 125 frames; frequencyOfBin(track.frequencyBins[60]) ≈ 440
 */
export function extractControlTrack(
  samples: Float32Array,
  options: ControlTrackOptions = {},
): ControlTrack {
  const { sampleRate = 8000, hop = 64, analysisWindow = 256 } = options;
  const analysis = createFrameAnalysis('extractControlTrack', hop, analysisWindow);
  if (!(sampleRate > 0 && Number.isFinite(sampleRate))) {
    throw new RangeError(`extractControlTrack: sampleRate must be positive, got ${sampleRate}.`);
  }
  const frames = Math.ceil(samples.length / hop);
  const { size, real, imaginary } = analysis;
  const lowestBin = Math.ceil((controlCodebook.lowestFrequency * size) / sampleRate);
  const logMagnitude = new Float64Array(size / 2);
  const frequencyBins = new Int32Array(frames);
  const loudnessBins = new Int32Array(frames);
  const at = (index: number) => (index >= 0 && index < samples.length ? samples[index]! : 0);
  for (let frame = 0; frame < frames; frame++) {
    const centre = frame * hop + Math.floor(hop / 2);
    let energy = 0;
    for (let i = centre - hop; i < centre + hop; i++) energy += at(i) ** 2;
    loudnessBins[frame] = loudnessBin(10 * Math.log10(energy / (2 * hop) + 1e-12));
    loadAnalysisFrame(analysis, samples, frame);
    fourierTransform(real, imaginary);
    let peak = lowestBin;
    for (let k = lowestBin; k < size / 2; k++) {
      logMagnitude[k] = Math.log(real[k]! ** 2 + imaginary[k]! ** 2 + 1e-20);
      if (logMagnitude[k]! > logMagnitude[peak]!) peak = k;
    }
    let offset = 0;
    if (peak > lowestBin && peak < size / 2 - 1) {
      const left = logMagnitude[peak - 1]!;
      const middle = logMagnitude[peak]!;
      const right = logMagnitude[peak + 1]!;
      const curvature = left - 2 * middle + right;
      if (curvature < 0) offset = (0.5 * (left - right)) / curvature;
    }
    frequencyBins[frame] = frequencyBin(((peak + offset) * sampleRate) / size);
  }
  return { frequencyBins, loudnessBins };
}

/**
 * The WaveNet's conditioning features of a control track, frame-major `[frames, 2]`: the octave
 * of the bin's centre frequency relative to 400 Hz, halved (about −1.7 … 1.6), and the bin's level
 * mapped from −66…0 dB to −1…1.
 *
 * @param track a quantized control track.
 * @returns `frames × controlFeatureCount` floats.
 * @example const features = controlFeatures(extractControlTrack(samples)); // Float32Array(250)
 */
export function controlFeatures(track: ControlTrack): Float32Array {
  const frames = track.frequencyBins.length;
  const { loudnessFloor } = controlCodebook;
  const features = new Float32Array(frames * controlFeatureCount);
  for (let frame = 0; frame < frames; frame++) {
    features[2 * frame] = Math.log2(frequencyOfBin(track.frequencyBins[frame]!) / 400) / 2;
    features[2 * frame + 1] =
      (loudnessOfBin(track.loudnessBins[frame]!) - loudnessFloor / 2) / (-loudnessFloor / 2);
  }
  return features;
}

/**
 * Tokens of one class's frames: its loudness tokens, its frequency tokens, then its "background"
 * token (a frame too quiet for its dominant frequency to describe the event).
 */
export const controlTokensPerClass =
  controlCodebook.loudnessBins + controlCodebook.frequencyBins + 1;

/**
 * The id of class `classId`'s first frame token (its loudness bin 0): the class prompts come
 * first, then each class's loudness, frequency and background tokens. `caller` names the function
 * in the error for a class id outside `[0, classes)`.
 */
export function classTokenOffset(caller: string, classId: number, classes: number): number {
  if (!(Number.isInteger(classId) && classId >= 0 && classId < classes)) {
    throw new RangeError(
      `${caller}: classId must be an integer in [0, ${classes}), got ${classId}.`,
    );
  }
  return classes + classId * controlTokensPerClass;
}

/** Options of the control-token layout ({@link controlTokens} and the functions that read it). */
export type ControlTokenOptions = {
  /**
   * Frames that share one frequency token: each group of this many frames writes its loudness
   * tokens, then one frequency token (its loudest frame's bin), so a track keeps a fine level
   * (a tremolo) with a coarser pitch in a shorter sequence. @default 1
   */
  readonly framesPerFrequencyToken?: number;
};

/** The group size of {@link ControlTokenOptions}, checked; `caller` names the function in the error. */
export function framesPerFrequencyToken(caller: string, options: ControlTokenOptions): number {
  const size = options.framesPerFrequencyToken ?? 1;
  if (!(Number.isInteger(size) && size >= 1)) {
    throw new RangeError(
      `${caller}: framesPerFrequencyToken must be a positive integer, got ${size}.`,
    );
  }
  return size;
}

/**
 * Control tokens of a track of `frames` frames: the class prompt, then per group of
 * `framesPerFrequencyToken` frames (the last one padded) its loudness tokens and one frequency
 * token.
 *
 * @param frames frames of the track.
 * @param options the token layout.
 * @returns the sequence's length, the prompt included.
 * @example controlSequenceLength(63, { framesPerFrequencyToken: 2 }); // 1 + 32 · 3 = 97
 */
export function controlSequenceLength(frames: number, options: ControlTokenOptions = {}): number {
  const size = framesPerFrequencyToken('controlSequenceLength', options);
  return 1 + Math.ceil(frames / size) * (size + 1);
}

/**
 * A track whose frequency is held over groups of `size` frames: every frame of a group takes the
 * bin of the group's loudest frame (the first of equals), the pitch a frequency token of
 * {@link controlTokens} carries for the group. The loudness is kept. What a renderer should learn
 * from when its prior writes such tokens.
 *
 * @param track a quantized control track.
 * @param size frames per group (1 returns an equal track).
 * @returns the track with group-constant frequency bins.
 * @example holdFrequencyOverGroups(extractControlTrack(samples, { hop: 128 }), 2); // pitch at 32 ms, level at 16
 */
export function holdFrequencyOverGroups(track: ControlTrack, size: number): ControlTrack {
  framesPerFrequencyToken('holdFrequencyOverGroups', { framesPerFrequencyToken: size });
  const frames = track.frequencyBins.length;
  const frequencyBins = new Int32Array(frames);
  for (let start = 0; start < frames; start += size) {
    const end = Math.min(frames, start + size);
    let loudest = start;
    for (let frame = start + 1; frame < end; frame++)
      if (track.loudnessBins[frame]! > track.loudnessBins[loudest]!) loudest = frame;
    frequencyBins.fill(track.frequencyBins[loudest]!, start, end);
  }
  return { frequencyBins, loudnessBins: Int32Array.from(track.loudnessBins) };
}

/**
 * Frames more than this many loudness bins (3 dB each) below the clip's loudest frame are
 * background in {@link controlTokens}: their frequency token is the background token.
 */
export const backgroundLoudnessGap = 5;

/** The frequency a background frame reads back as: 60 Hz, where the mains hum of quiet frames lies. */
const backgroundFrequencyBin = frequencyBin(60);

/**
 * The vocabulary size of control-token sequences for `classes` classes: the class prompts, then
 * each class's own loudness, frequency and background tokens ({@link controlTokens}).
 *
 * @param classes the number of classes.
 * @returns `classes · (2 + loudnessBins + frequencyBins)`.
 * @example controlVocabularySize(8); // 1024
 */
export function controlVocabularySize(classes: number): number {
  return classes * (1 + controlTokensPerClass);
}

/**
 * A control track as a token sequence for an autoregressive prior: the class prompt, then each
 * frame's loudness token and frequency token (`1 + 2 · frames` ids, vocabulary
 * {@link controlVocabularySize}). Three choices make the prior's task a small model's:
 * - every class has its own tokens, so each token carries the class (with shared tokens a small
 *   GPT forgot the prompt and continued tracks of any class);
 * - loudness comes first, so the frequency is drawn knowing whether the frame is in the event;
 * - a frame more than {@link backgroundLoudnessGap} bins (15 dB) below the clip's loudest frame
 *   gets the background token instead of its frequency, whose peak there is noise or hum (random
 *   tokens that the prior would otherwise have to model and sample, frame after frame).
 *
 * With `framesPerFrequencyToken: n` (> 1) each group of `n` frames writes its `n` loudness tokens,
 * then one frequency token: the bin of its loudest frame ({@link holdFrequencyOverGroups}), or the
 * background token when even that frame is background; the last group repeats the track's last
 * frame ({@link controlSequenceLength} ids). A 16-ms track with `n = 2` keeps a 4–16 Hz tremolo in
 * its levels with the pitch of 32-ms frames: 97 ids for 1 s instead of 127.
 *
 * @param track a quantized control track.
 * @param classId the clip's class, in `[0, classes)`.
 * @param classes the number of classes.
 * @param options the token layout ({@link ControlTokenOptions}: `framesPerFrequencyToken` [1]).
 * @returns the token ids.
 * @throws RangeError for a class id out of range or a bad group size.
 * @example const ids = controlTokens(extractControlTrack(samples), 2, 8); // Int32Array(251)
 */
export function controlTokens(
  track: ControlTrack,
  classId: number,
  classes: number,
  options: ControlTokenOptions = {},
): Int32Array {
  const offset = classTokenOffset('controlTokens', classId, classes);
  const size = framesPerFrequencyToken('controlTokens', options);
  const { loudnessBins: loudnessCount, frequencyBins: frequencyCount } = controlCodebook;
  const frames = track.frequencyBins.length;
  let loudest = 0;
  for (const bin of track.loudnessBins) loudest = Math.max(loudest, bin);
  const held = holdFrequencyOverGroups(track, size);
  const tokens = new Int32Array(controlSequenceLength(frames, options));
  tokens[0] = classId;
  let next = 1;
  for (let start = 0; start < frames; start += size) {
    let groupLoudest = 0;
    for (let index = 0; index < size; index++) {
      // The last group is padded with its last frame.
      const loudness = track.loudnessBins[Math.min(frames - 1, start + index)]!;
      groupLoudest = Math.max(groupLoudest, loudness);
      tokens[next++] = offset + loudness;
    }
    const background = groupLoudest < loudest - backgroundLoudnessGap;
    tokens[next++] =
      offset + loudnessCount + (background ? frequencyCount : held.frequencyBins[start]!);
  }
  return tokens;
}

/**
 * Reads a control track back from the frame tokens a prior generated for class `classId` (the
 * prompt left out): token `2f` is frame `f`'s loudness, token `2f + 1` its frequency (the
 * background token reads as 60 Hz, the hum of quiet frames); with `framesPerFrequencyToken: n`,
 * each group of `n + 1` tokens is `n` frames' loudness and their shared frequency. A token of the
 * wrong kind for its slot or of another class (possible when the prior samples without
 * {@link controlTokenConstraint}) repeats the previous frame's value and is counted in `malformed`.
 *
 * @param tokens `2 · frames` generated ids (after the prompt); `(n + 1) · groups` with groups of `n`.
 * @param classes the number of classes of the vocabulary.
 * @param classId the class the sequence was prompted with.
 * @param options the token layout the sequence was written in ({@link ControlTokenOptions}).
 * @returns the track (`groups · n` frames) and how many tokens were of the wrong kind.
 * @example const { track } = controlTrackFromTokens(generatedIds, 8, 2);
 */
export function controlTrackFromTokens(
  tokens: ArrayLike<number>,
  classes: number,
  classId: number,
  options: ControlTokenOptions = {},
): { track: ControlTrack; malformed: number } {
  const { frequencyBins: frequencyCount, loudnessBins: loudnessCount } = controlCodebook;
  const offset = classes + classId * controlTokensPerClass;
  const size = framesPerFrequencyToken('controlTrackFromTokens', options);
  const groups = Math.floor(tokens.length / (size + 1));
  const frames = groups * size;
  const frequencyBins = new Int32Array(frames);
  const loudnessBins = new Int32Array(frames);
  let malformed = 0;
  for (let group = 0; group < groups; group++) {
    const first = group * size;
    for (let index = 0; index < size; index++) {
      const frame = first + index;
      const loudness = tokens[group * (size + 1) + index]! - offset;
      if (loudness >= 0 && loudness < loudnessCount) loudnessBins[frame] = loudness;
      else {
        loudnessBins[frame] = frame > 0 ? loudnessBins[frame - 1]! : 0;
        malformed += 1;
      }
    }
    const frequency = tokens[group * (size + 1) + size]! - offset - loudnessCount;
    let bin: number;
    if (frequency >= 0 && frequency < frequencyCount) bin = frequency;
    else if (frequency === frequencyCount) bin = backgroundFrequencyBin;
    else {
      bin = first > 0 ? frequencyBins[first - 1]! : backgroundFrequencyBin;
      malformed += 1;
    }
    frequencyBins.fill(bin, first, first + size);
  }
  return { track: { frequencyBins, loudnessBins }, malformed };
}

/**
 * The constraint that keeps a prior's sampled control tokens well formed (constrained decoding,
 * for `generate`'s `allowedTokens`): after the class prompt, a loudness token of class `classId`
 * in every loudness slot and one of its frequency tokens or its background token in every
 * frequency slot, so that {@link controlTrackFromTokens} never has to repair a token.
 *
 * @param classId the class the sequence is prompted with, in `[0, classes)`.
 * @param classes the number of classes of the vocabulary.
 * @param options the token layout ({@link ControlTokenOptions}; its slots come in groups).
 * @returns a function from the context (the prompt `[classId]`, then the generated ids) to the ids
 *   allowed next.
 * @example
 * const { ids } = await generate(prior, [classId], {
 *   maxTokens: 250, allowedTokens: controlTokenConstraint(classId, 8),
 * });
 */
export function controlTokenConstraint(
  classId: number,
  classes: number,
  options: ControlTokenOptions = {},
): (context: readonly number[]) => Int32Array {
  const offset = classTokenOffset('controlTokenConstraint', classId, classes);
  const size = framesPerFrequencyToken('controlTokenConstraint', options);
  const { loudnessBins: loudnessCount, frequencyBins: frequencyCount } = controlCodebook;
  const loudness = Int32Array.from({ length: loudnessCount }, (_, bin) => offset + bin);
  const frequency = Int32Array.from(
    { length: frequencyCount + 1 },
    (_, bin) => offset + loudnessCount + bin,
  );
  // The prompt is one token: after it, each group is `size` loudness slots, then a frequency slot.
  return (context) => ((context.length - 1) % (size + 1) < size ? loudness : frequency);
}

/**
 * A control track of coarse frames (`factor` times the hop) read at the fine hop: each fine frame
 * takes its place between the two coarse frames around its centre (coarse frame g covers fine
 * frames g·factor … g·factor + factor − 1) and interpolates their bins linearly, rounded. A
 * frequency step wider than half an octave (an onset, a burst's edge, a background frame) is not a
 * glide: there the nearer coarse frame's frequency is kept. This lets a prior write a clip's track
 * in fewer, longer frames (a shorter sequence) for a renderer trained on the fine one.
 *
 * @param track a coarse control track.
 * @param factor fine frames per coarse frame, a positive integer.
 * @param frames fine frames to return (e.g. `ceil(samples / fineHop)`); frames past the coarse
 *   track's end repeat its last frame.
 * @returns the fine track.
 * @throws RangeError for a bad factor or frame count, or an empty track.
 * @example
 * const coarse = extractControlTrack(samples, { hop: 256 }); // 32 frames of 32 ms
 * const fine = upsampleControlTrack(coarse, 4, 125); // 125 frames of 8 ms
 */
export function upsampleControlTrack(
  track: ControlTrack,
  factor: number,
  frames: number,
): ControlTrack {
  if (!(Number.isInteger(factor) && factor >= 1)) {
    throw new RangeError(`upsampleControlTrack: factor must be a positive integer, got ${factor}.`);
  }
  if (!(Number.isInteger(frames) && frames >= 1)) {
    throw new RangeError(`upsampleControlTrack: frames must be a positive integer, got ${frames}.`);
  }
  const coarseFrames = track.frequencyBins.length;
  if (coarseFrames === 0 || track.loudnessBins.length !== coarseFrames) {
    throw new RangeError(
      `upsampleControlTrack: the track needs at least one frame and as many loudness as frequency bins, got ${track.loudnessBins.length} and ${coarseFrames}.`,
    );
  }
  const glideLimit = controlCodebook.binsPerOctave / 2;
  const frequencyBins = new Int32Array(frames);
  const loudnessBins = new Int32Array(frames);
  for (let frame = 0; frame < frames; frame++) {
    // The fine frame's centre in coarse frames (coarse frame g's centre is at g).
    const position = Math.min(coarseFrames - 1, Math.max(0, (frame + 0.5) / factor - 0.5));
    const before = Math.floor(position);
    const after = Math.min(coarseFrames - 1, before + 1);
    const weight = position - before;
    const lowLoudness = track.loudnessBins[before]!;
    const highLoudness = track.loudnessBins[after]!;
    loudnessBins[frame] = Math.round(lowLoudness + weight * (highLoudness - lowLoudness));
    const low = track.frequencyBins[before]!;
    const high = track.frequencyBins[after]!;
    frequencyBins[frame] =
      Math.abs(high - low) <= glideLimit
        ? Math.round(low + weight * (high - low))
        : weight < 0.5
          ? low
          : high;
  }
  return { frequencyBins, loudnessBins };
}
