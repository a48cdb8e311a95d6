import { randomBytes } from 'node:crypto';
import { readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import wavefile from 'wavefile';

/** Decoded audio of a WAV file: interleaved samples in [-1, 1]. */
export type WavAudio = {
  /** Samples per second and channel. */
  readonly sampleRate: number;
  /** Channels; `samples` interleaves them (frame `i`, channel `c` at `i × channels + c`). */
  readonly channels: number;
  /** `frames × channels` samples in [-1, 1] (integer PCM scaled by its full range). */
  readonly samples: Float32Array;
};

/** Options of {@link writeWav}. */
export type WriteWavOptions = {
  /** Interleaved channels in `samples`. @default 1 */
  readonly channels?: number;
  /** Sample format: 32-bit float (exact) or 16-bit PCM (the most portable). @default '32f' */
  readonly bitDepth?: '32f' | '16';
};

type WaveFileData = { chunkSize: number; samples: Uint8Array };
type WaveFileFormat = { numChannels: number; sampleRate: number };

const integerFullScale: Record<string, number> = {
  '16': 32768,
  '24': 8388608,
  '32': 2147483648,
};

/**
 * Reads a WAV file (RIFF/RIFX/RF64; 8/16/24/32-bit integer PCM, 32/64-bit float, A-law, µ-law or
 * IMA ADPCM) into float samples in [-1, 1], with `wavefile` (MIT, rochars/wavefile).
 *
 * Integer PCM is scaled by its full range (16-bit: ÷ 32768; 8-bit is unsigned, centred at 128);
 * compressed codecs are decoded to 16-bit first. A file whose data chunk is shorter than its header
 * says (truncated) is rejected rather than silently cut.
 *
 * @param source a file path, or the file's bytes.
 * @param name how errors call the source when `source` is bytes. @default 'WAV bytes'
 * @returns the sample rate, the channel count and the interleaved samples.
 * @example
 * const { sampleRate, channels, samples } = readWav('clip.wav');
 */
export function readWav(source: string | Uint8Array, name?: string): WavAudio {
  const label = typeof source === 'string' ? source : (name ?? 'WAV bytes');
  let bytes: Uint8Array;
  try {
    bytes = typeof source === 'string' ? readFileSync(source) : source;
  } catch (error) {
    throw new Error(`Cannot read the WAV file ${label}: ${(error as Error).message}`);
  }
  const file = new wavefile.WaveFile();
  try {
    file.fromBuffer(bytes);
  } catch (error) {
    throw new Error(
      `${label} is not a readable WAV file (${(error as Error).message}): pass a RIFF/WAVE file.`,
    );
  }
  const format = file.fmt as WaveFileFormat;
  const data = file.data as WaveFileData;
  if (data.samples.length < data.chunkSize) {
    throw new Error(
      `The WAV file ${label} is truncated: its data chunk declares ${data.chunkSize} bytes but holds ` +
        `${data.samples.length}; re-export or re-download the file.`,
    );
  }
  const compressed: Record<string, () => void> = {
    '4': () => file.fromIMAADPCM(),
    '8a': () => file.fromALaw(),
    '8m': () => file.fromMuLaw(),
  };
  compressed[file.bitDepth]?.();
  const bitDepth = file.bitDepth;
  const raw = file.getSamples(true, Float64Array) as unknown as Float64Array;
  const samples = new Float32Array(raw.length);
  if (bitDepth === '32f' || bitDepth === '64') {
    samples.set(raw);
  } else if (bitDepth === '8') {
    for (let i = 0; i < raw.length; i++) samples[i] = (raw[i]! - 128) / 128;
  } else {
    const fullScale = integerFullScale[bitDepth];
    if (fullScale === undefined) {
      throw new Error(
        `The WAV file ${label} has an unsupported bit depth '${bitDepth}': convert it to 16-bit PCM.`,
      );
    }
    for (let i = 0; i < raw.length; i++) samples[i] = raw[i]! / fullScale;
  }
  return { sampleRate: format.sampleRate, channels: format.numChannels, samples };
}

/** A short name for an argument's type in an error message (never its contents). */
function describeArgument(value: unknown): string {
  if (value === null) return 'null';
  if (typeof value !== 'object') return typeof value;
  return value.constructor?.name ?? 'object';
}

/**
 * Writes float samples in [-1, 1] to a WAV file atomically (a temporary file in the same folder,
 * then a rename), with `wavefile`.
 *
 * Samples outside [-1, 1] are clipped when written as 16-bit PCM (`round(x × 32767)`); 32-bit float
 * keeps them exactly.
 *
 * @param path the destination file (replaced if present).
 * @param samples interleaved samples (`frames × channels`).
 * @param sampleRate samples per second and channel.
 * @param options channels and sample format; see {@link WriteWavOptions}.
 * @example
 * writeWav('tone.wav', new Float32Array(8000).map((_, i) => Math.sin(i / 5)), 8000);
 */
export function writeWav(
  path: string,
  samples: Float32Array,
  sampleRate: number,
  options: WriteWavOptions = {},
): void {
  const { channels = 1, bitDepth = '32f' } = options;
  if (typeof path !== 'string' || !(samples instanceof Float32Array)) {
    throw new TypeError(
      `writeWav takes (path, samples, sampleRate): a file path string, then a Float32Array, got a ${describeArgument(path)} and a ${describeArgument(samples)}.`,
    );
  }
  if (!(Number.isInteger(sampleRate) && sampleRate > 0)) {
    throw new RangeError(
      `writeWav(${path}): sampleRate must be a positive integer, got ${sampleRate}.`,
    );
  }
  if (!(Number.isInteger(channels) && channels > 0) || samples.length % channels !== 0) {
    throw new RangeError(
      `writeWav(${path}): ${samples.length} samples do not split into ${channels} channels; pass interleaved frames × channels samples.`,
    );
  }
  let encoded: Float32Array | Int16Array = samples;
  if (bitDepth === '16') {
    encoded = new Int16Array(samples.length);
    for (let i = 0; i < samples.length; i++) {
      encoded[i] = Math.round(Math.max(-1, Math.min(1, samples[i]!)) * 32767);
    }
  }
  const channelArrays =
    channels === 1
      ? [encoded]
      : Array.from({ length: channels }, (_, channel) =>
          encoded.filter((_, index) => index % channels === channel),
        );
  const file = new wavefile.WaveFile();
  file.fromScratch(channels, sampleRate, bitDepth, channelArrays);
  const temporary = join(dirname(path), `.${basename(path)}.${randomBytes(6).toString('hex')}.tmp`);
  try {
    writeFileSync(temporary, file.toBuffer());
    renameSync(temporary, path);
  } catch (error) {
    rmSync(temporary, { force: true });
    throw new Error(`Cannot write the WAV file ${path}: ${(error as Error).message}`);
  }
}
