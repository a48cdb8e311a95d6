import { readWav } from '../synthetic/wav-file';
import { listDataFiles, type SkippedFile, unsupportedFileError } from './data-files';

/** Options of {@link loadWavFolder}. */
export type LoadWavFolderOptions = {
  /** Resample every clip to this rate (linear interpolation); required when the files' rates differ. */
  readonly sampleRate?: number;
  /** Skip unreadable, corrupt, truncated or non-`.wav` files (listed in `skipped`) instead of throwing. @default false */
  readonly skipBadFiles?: boolean;
};

/** The clips of {@link loadWavFolder}. */
export type WavFolderClips = {
  /** One mono clip per file (channels averaged), samples in [-1, 1], in file order. */
  readonly clips: Float32Array[];
  /** The sample rate of every clip. */
  readonly sampleRate: number;
  /** The class of each clip from its subfolder (all 0 for a flat folder). */
  readonly labels: Int32Array;
  /** Sorted subfolder names; `[]` for a flat (unlabeled) folder. */
  readonly classNames: readonly string[];
  /** The file of each clip. */
  readonly files: readonly string[];
  /** Files left out because `skipBadFiles` was on, with the reason. */
  readonly skipped: readonly SkippedFile[];
};

const wavExtensions = ['.wav', '.wave'];

function toMono(samples: Float32Array, channels: number): Float32Array {
  if (channels === 1) return samples;
  const frames = Math.floor(samples.length / channels);
  const mono = new Float32Array(frames);
  for (let frame = 0; frame < frames; frame++) {
    let sum = 0;
    for (let channel = 0; channel < channels; channel++) {
      sum += samples[frame * channels + channel]!;
    }
    mono[frame] = sum / channels;
  }
  return mono;
}

/**
 * Resamples a mono clip by linear interpolation between neighbouring samples.
 *
 * The output has `round(length × to / from)` samples; sample `i` reads the input at time
 * `i × from / to`. Linear interpolation does not low-pass, so downsampling may alias; it suits
 * features such as log-mel spectrograms of speech.
 *
 * @param samples the clip.
 * @param from its sample rate.
 * @param to the wanted sample rate.
 * @returns the resampled clip (`samples` itself when the rates match).
 * @example
 * const clip16k = resampleLinear(clip, 44100, 16000);
 */
export function resampleLinear(samples: Float32Array, from: number, to: number): Float32Array {
  if (from === to) return samples;
  const length = Math.round((samples.length * to) / from);
  const resampled = new Float32Array(length);
  const step = from / to;
  for (let i = 0; i < length; i++) {
    const position = i * step;
    const left = Math.min(Math.floor(position), samples.length - 1);
    const right = Math.min(left + 1, samples.length - 1);
    const weight = position - left;
    resampled[i] = samples[left]! * (1 - weight) + samples[right]! * weight;
  }
  return resampled;
}

/**
 * Loads a folder of WAV files (the user's own audio) as mono clips, decoded by `readWav`
 * (`wavefile`, MIT).
 *
 * Layout as `loadImageFolder`: a folder of subfolders is labeled (each subfolder a class, sorted
 * names give the ids); a flat folder is unlabeled (labels 0, `classNames: []`). Channels are
 * averaged to mono. Clips keep their own lengths. Files with different sample rates need
 * `sampleRate` (else an error names the first mismatching file); with it every clip is resampled.
 *
 * @param path a folder of `.wav` files, of one subfolder per class, or one `.wav` file.
 * @param options sampleRate, skipBadFiles; see {@link LoadWavFolderOptions}.
 * @returns the clips, their sample rate, labels, class names, files and the skipped files.
 * @example
 * const { clips, labels, classNames } = loadWavFolder('commands', { sampleRate: 16000 });
 */
export function loadWavFolder(path: string, options: LoadWavFolderOptions = {}): WavFolderClips {
  const { sampleRate, skipBadFiles = false } = options;
  const loader = 'loadWavFolder';
  if (sampleRate !== undefined && !(Number.isInteger(sampleRate) && sampleRate > 0)) {
    throw new RangeError(
      `${loader}(${path}): sampleRate must be a positive integer, got ${sampleRate}.`,
    );
  }
  const listing = listDataFiles(path, wavExtensions, loader);
  const skipped: SkippedFile[] = [];
  for (const file of listing.unsupported) {
    const error = unsupportedFileError(file, wavExtensions, loader);
    if (!skipBadFiles) throw error;
    skipped.push({ file, reason: error.message });
  }
  const clips: Float32Array[] = [];
  const files: string[] = [];
  const classIndices: number[] = [];
  let rate = sampleRate ?? 0;
  let firstFile = '';
  for (const { path: file, classIndex } of listing.files) {
    let audio: ReturnType<typeof readWav>;
    try {
      audio = readWav(file);
      if (!(audio.channels > 0 && audio.sampleRate > 0)) {
        throw new Error(
          `${file} declares ${audio.channels} channels at ${audio.sampleRate} Hz; re-export it.`,
        );
      }
    } catch (error) {
      const message = (error as Error).message;
      const reason = message.includes('skipBadFiles')
        ? message
        : `${message} Remove the file or pass skipBadFiles: true.`;
      if (!skipBadFiles) throw new Error(`${loader}: ${reason}`);
      skipped.push({ file, reason });
      continue;
    }
    if (clips.length === 0 && sampleRate === undefined) {
      rate = audio.sampleRate;
      firstFile = file;
    } else if (sampleRate === undefined && audio.sampleRate !== rate) {
      throw new Error(
        `${loader}: ${file} is sampled at ${audio.sampleRate} Hz but ${firstFile} at ${rate} Hz; ` +
          `pass sampleRate (e.g. ${rate}) to resample every clip.`,
      );
    }
    clips.push(resampleLinear(toMono(audio.samples, audio.channels), audio.sampleRate, rate));
    files.push(file);
    classIndices.push(classIndex);
  }
  if (clips.length === 0) {
    throw new Error(
      `${loader}: no readable WAV file in ${path} (${skipped.length} skipped, the first: ${skipped[0]?.reason ?? 'none'}); fix or replace those files.`,
    );
  }
  return {
    clips,
    sampleRate: rate,
    labels: Int32Array.from(classIndices),
    classNames: listing.classNames,
    files,
    skipped,
  };
}
