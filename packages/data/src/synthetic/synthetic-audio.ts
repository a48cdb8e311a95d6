import type { BatchSourceV1 } from '@selfsup/core';
import { deriveSeed, SeededRandom } from '@selfsup/core';
import * as tf from '@tensorflow/tfjs';
import type { DatasetDescription } from '../image-dataset';

/** The 8 classes of {@link syntheticAudioExample}, in label order. */
export const syntheticAudioClassNames = [
  'pure tone',
  'chord',
  'chirp up',
  'chirp down',
  'vowel',
  'amplitude-modulated tone',
  'frequency-modulated tone',
  'noise bursts',
] as const;

/** Options of the synthetic audio generator. */
export type SyntheticAudioOptions = {
  /** Samples per second: 8 kHz or 16 kHz. @default 8000 */
  readonly sampleRate?: 8000 | 16000;
  /** Clip length in seconds. @default 1 */
  readonly duration?: number;
};

/** One synthetic clip: `samples` in [-1, 1] and its class. */
export type SyntheticAudioExample = {
  readonly samples: Float32Array;
  readonly label: number;
};

/** A batch of clips `[B, T, 1]` float32 in [-1, 1] and their labels `[B]` int32. */
export type AudioBatch = { readonly audio: tf.Tensor3D; readonly labels: tf.Tensor1D };

/** A labeled set of clips as compact arrays (`count × samplesPerClip` samples). */
export type SyntheticAudioSet = {
  readonly count: number;
  readonly sampleRate: number;
  readonly samplesPerClip: number;
  readonly samples: Float32Array;
  readonly labels: Int32Array;
  readonly classNames: readonly string[];
};

/** Stream tags of {@link deriveSeed}: training batches and the fixed test set never share a seed. */
const trainingStream = 1;
const testStream = 2;

function resolve(options: SyntheticAudioOptions): { sampleRate: 8000 | 16000; length: number } {
  const { sampleRate = 8000, duration = 1 } = options;
  if (sampleRate !== 8000 && sampleRate !== 16000) {
    throw new RangeError(`sampleRate must be 8000 or 16000, got ${sampleRate}.`);
  }
  if (!(duration >= 0.5 && duration <= 10)) {
    throw new RangeError(`duration must be in [0.5, 10] seconds, got ${duration}.`);
  }
  return { sampleRate, length: Math.round(sampleRate * duration) };
}

const uniform = (random: SeededRandom, low: number, high: number): number =>
  low + (high - low) * random.nextFloat();
const logUniform = (random: SeededRandom, low: number, high: number): number =>
  Math.exp(uniform(random, Math.log(low), Math.log(high)));

/**
 * Writes one event of class `label` (unit peak before the envelope) into `out[start, start + n)`.
 * Frequencies stay below 0.45 × the sample rate.
 */
function renderEvent(
  label: number,
  random: SeededRandom,
  out: Float32Array,
  start: number,
  n: number,
  sampleRate: number,
): void {
  const nyquist = 0.45 * sampleRate;
  const phase = uniform(random, 0, 2 * Math.PI);
  const step = 1 / sampleRate;
  // The base pitch: log-uniform over ~2.6 octaves, the same range for every tonal class.
  const base = logUniform(random, 150, 900);
  switch (label) {
    case 0: {
      for (let i = 0; i < n; i++) out[start + i] = Math.sin(2 * Math.PI * base * i * step + phase);
      break;
    }
    case 1: {
      const triads = [
        [0, 4, 7],
        [0, 3, 7],
        [0, 5, 9],
        [0, 4, 9],
      ];
      const triad = triads[random.nextInt(triads.length)]!;
      const phases = triad.map(() => uniform(random, 0, 2 * Math.PI));
      const frequencies = triad.map((semitones) => base * 2 ** (semitones / 12));
      for (let i = 0; i < n; i++) {
        let value = 0;
        for (let k = 0; k < 3; k++)
          value += Math.sin(2 * Math.PI * frequencies[k]! * i * step + phases[k]!);
        out[start + i] = value / 3;
      }
      break;
    }
    case 2:
    case 3: {
      // Exponential sweep over 1–2 octaves, up or down, starting anywhere in the pitch range.
      const octaves = uniform(random, 1, 2);
      const low = Math.min(base, nyquist / 2 ** octaves);
      const duration = n * step;
      let angle = phase;
      for (let i = 0; i < n; i++) {
        const progress = label === 2 ? (i * step) / duration : 1 - (i * step) / duration;
        angle += 2 * Math.PI * low * 2 ** (octaves * progress) * step;
        out[start + i] = Math.sin(angle);
      }
      break;
    }
    case 4: {
      // A glottal-like harmonic series shaped by two formant resonances (a vowel, Fant 1960).
      const pitch = logUniform(random, 90, 280);
      const formant1 = uniform(random, 300, 900);
      const formant2 = uniform(random, 1000, Math.min(2600, nyquist - 200));
      const bandwidth = uniform(random, 80, 160);
      const harmonics = Math.floor(nyquist / pitch);
      const amplitudes = new Float64Array(harmonics);
      let total = 0;
      for (let h = 1; h <= harmonics; h++) {
        const f = h * pitch;
        const gain =
          1 / (1 + ((f - formant1) / bandwidth) ** 2) +
          0.7 / (1 + ((f - formant2) / (1.5 * bandwidth)) ** 2) +
          0.02;
        amplitudes[h - 1] = gain / h ** 0.5;
        total += amplitudes[h - 1]!;
      }
      const jitter = uniform(random, 0, 0.02);
      let angle = phase;
      for (let i = 0; i < n; i++) {
        angle += 2 * Math.PI * pitch * (1 + jitter * Math.sin(2 * Math.PI * 3 * i * step)) * step;
        let value = 0;
        for (let h = 0; h < harmonics; h++) value += amplitudes[h]! * Math.sin((h + 1) * angle);
        out[start + i] = value / total;
      }
      break;
    }
    case 5: {
      const rate = uniform(random, 4, 16);
      const depth = uniform(random, 0.7, 1);
      const modulationPhase = uniform(random, 0, 2 * Math.PI);
      for (let i = 0; i < n; i++) {
        const t = i * step;
        const envelope = 1 - depth * 0.5 * (1 + Math.sin(2 * Math.PI * rate * t + modulationPhase));
        out[start + i] = envelope * Math.sin(2 * Math.PI * base * t + phase);
      }
      break;
    }
    case 6: {
      // Vibrato: the instantaneous frequency swings ±(8–20)% around the base pitch.
      const rate = uniform(random, 4, 12);
      const extent = uniform(random, 0.08, 0.2);
      let angle = phase;
      for (let i = 0; i < n; i++) {
        angle += 2 * Math.PI * base * (1 + extent * Math.sin(2 * Math.PI * rate * i * step)) * step;
        out[start + i] = Math.sin(angle);
      }
      break;
    }
    default: {
      // 2–5 bursts of low-passed white noise, 30–120 ms each.
      const bursts = 2 + random.nextInt(4);
      const smoothing = uniform(random, 0.05, 0.9);
      for (let b = 0; b < bursts; b++) {
        const length = Math.min(n, Math.round(uniform(random, 0.03, 0.12) * sampleRate));
        const offset = random.nextInt(Math.max(1, n - length));
        let state = 0;
        for (let i = 0; i < length; i++) {
          state += smoothing * (uniform(random, -1, 1) - state);
          const window = Math.sin((Math.PI * i) / length);
          out[start + offset + i] = Math.max(
            -1,
            Math.min(1, (out[start + offset + i] ?? 0) + 2 * state * window),
          );
        }
      }
    }
  }
}

/**
 * Generates synthetic audio clip number `index` of a seeded stream: one sound event of one of 8
 * classes ({@link syntheticAudioClassNames}) with strong nuisance variation, so that no single
 * trivial feature (loudness, one frequency, the onset) gives the class away.
 *
 * Generative process (all draws from `SeededRandom(seed)`):
 * 1. class: uniform over the 8 classes (or `label` when given);
 * 2. event: pure tone; major/minor/sus triad; exponential chirp up or down (1–2 octaves); a vowel
 *    (harmonics of a 90–280 Hz pitch through two formants); amplitude modulation (4–16 Hz, depth
 *    0.7–1); vibrato (4–12 Hz, ±8–20%); or 2–5 bursts of low-passed noise. Tonal classes share one
 *    base pitch range (150–900 Hz, log-uniform) and a random phase;
 * 3. speed: the event lasts 0.25–0.9 of the clip and starts at a uniform onset;
 * 4. envelope: attack 5–80 ms, release 10–200 ms;
 * 5. loudness: peak 0.05–0.8 (log-uniform, ≈ 24 dB range);
 * 6. background: white noise with a standard deviation 10–40 dB below the event's peak, plus a
 *    mains-like hum (50 or 60 Hz and its third harmonic, 2–15% of the peak) on half of the clips;
 *    clipped to [-1, 1].
 *
 * @param seed the example's seed (use `deriveSeed(runSeed, ...)`); the same seed gives the same bytes.
 * @param options sample rate (8000 or 16000) and duration (1 s); see {@link SyntheticAudioOptions}.
 * @param label force the class (e.g. for a balanced set); random when absent.
 * @returns `samples` (`sampleRate × duration` floats in [-1, 1]) and `label`.
 * @example
 * const { samples, label } = syntheticAudioExample(deriveSeed(1, 0));
 */
export function syntheticAudioExample(
  seed: number,
  options: SyntheticAudioOptions = {},
  label?: number,
): SyntheticAudioExample {
  const { sampleRate, length } = resolve(options);
  const random = new SeededRandom(seed);
  const drawn = random.nextInt(syntheticAudioClassNames.length);
  const classId = label ?? drawn;
  if (!(Number.isInteger(classId) && classId >= 0 && classId < syntheticAudioClassNames.length)) {
    throw new RangeError(`label must be an integer in [0, 8), got ${label}.`);
  }
  const eventLength = Math.round(uniform(random, 0.25, 0.9) * length);
  const onset = random.nextInt(length - eventLength + 1);
  const event = new Float32Array(length);
  renderEvent(classId, random, event, onset, eventLength, sampleRate);
  let eventPeak = 1e-9;
  for (let i = onset; i < onset + eventLength; i++)
    eventPeak = Math.max(eventPeak, Math.abs(event[i]!));
  for (let i = onset; i < onset + eventLength; i++) event[i] = event[i]! / eventPeak;
  const attack = Math.max(1, Math.round(uniform(random, 0.005, 0.08) * sampleRate));
  const release = Math.max(1, Math.round(uniform(random, 0.01, 0.2) * sampleRate));
  const peak = logUniform(random, 0.05, 0.8);
  const noise = peak * 10 ** (-uniform(random, 0, 30) / 20) * 0.3;
  const humFrequency = random.nextFloat() < 0.5 ? 0 : random.nextFloat() < 0.5 ? 50 : 60;
  const humLevel = peak * uniform(random, 0.02, 0.15);
  const humPhase = uniform(random, 0, 2 * Math.PI);
  const samples = new Float32Array(length);
  for (let i = 0; i < length; i++) {
    const local = i - onset;
    let gain = 0;
    if (local >= 0 && local < eventLength) {
      gain = Math.min(1, (local + 1) / attack, (eventLength - local) / release);
    }
    let value = peak * gain * event[i]! + noise * random.nextNormal();
    if (humFrequency > 0) {
      const angle = (2 * Math.PI * humFrequency * i) / sampleRate + humPhase;
      value += humLevel * (Math.sin(angle) + 0.5 * Math.sin(3 * angle));
    }
    samples[i] = Math.max(-1, Math.min(1, value));
  }
  return { samples, label: classId };
}

/**
 * A resumable, seeded {@link BatchSourceV1} of synthetic audio clips `{ audio [B, T, 1], labels [B] }`
 * (see {@link syntheticAudioExample} for the generative process), generated on demand.
 *
 * Example `j` of batch `p` is `syntheticAudioExample(deriveSeed(seed, 1, p × B + j))`, so a batch is
 * a pure function of (seed, position) and a resumed run sees exactly the batches an uninterrupted
 * one does. Infinite unless `batches` is given; never overlaps {@link syntheticAudioTestSet}.
 *
 * @param options batch size, the number of batches (infinite when absent), sample rate, duration.
 * @returns the batch source, with `describe()`.
 * @example
 * const source = syntheticAudioSource({ batchSize: 32 });
 * await pretrain(objective, source, { steps: 200, seed: 3 });
 */
export function syntheticAudioSource(
  options: SyntheticAudioOptions & { readonly batchSize: number; readonly batches?: number },
): BatchSourceV1<AudioBatch> & { describe(): DatasetDescription } {
  const { batchSize, batches: batchCount } = options;
  const { sampleRate, length } = resolve(options);
  if (!(Number.isInteger(batchSize) && batchSize > 0)) {
    throw new RangeError(`batchSize must be a positive integer, got ${batchSize}.`);
  }
  return {
    specificationVersion: 'v1',
    *batches({ position, seed }) {
      for (let batch = position; batchCount === undefined || batch < batchCount; batch++) {
        const audio = new Float32Array(batchSize * length);
        const labels = new Int32Array(batchSize);
        for (let row = 0; row < batchSize; row++) {
          const example = syntheticAudioExample(
            deriveSeed(seed, trainingStream, batch * batchSize + row),
            { sampleRate, duration: length / sampleRate },
          );
          audio.set(example.samples, row * length);
          labels[row] = example.label;
        }
        yield {
          audio: tf.tensor3d(audio, [batchSize, length, 1]),
          labels: tf.tensor1d(labels, 'int32'),
        };
      }
    },
    describe: () => describeSyntheticAudio(sampleRate, length, 'train'),
  };
}

function describeSyntheticAudio(
  sampleRate: number,
  length: number,
  split: string,
  labels?: Int32Array,
): DatasetDescription {
  const countsPerClass = new Array<number>(syntheticAudioClassNames.length).fill(0);
  for (const label of labels ?? []) countsPerClass[label] = (countsPerClass[label] ?? 0) + 1;
  return {
    id: `synthetic-audio-${sampleRate / 1000}khz`,
    split,
    count: labels?.length ?? Number.POSITIVE_INFINITY,
    shape: [length, 1],
    classes: syntheticAudioClassNames,
    countsPerClass,
  };
}

/**
 * A fixed, class-balanced labeled set of synthetic clips (example `i` has class `i mod 8`), drawn
 * from a stream that training batches never use.
 *
 * @param options `count` (default 800), `seed` (default 0), sample rate and duration.
 * @returns compact arrays; {@link audioSetToTensor} makes the `[N, T, 1]` input tensor.
 * @example
 * const test = syntheticAudioTestSet({ count: 400 });
 * const report = await evaluate(model, { inputs: audioSetToTensor(test), labels: test.labels });
 */
export function syntheticAudioTestSet(
  options: SyntheticAudioOptions & { readonly count?: number; readonly seed?: number } = {},
): SyntheticAudioSet & { describe(): DatasetDescription } {
  const { count = 800, seed = 0 } = options;
  const { sampleRate, length } = resolve(options);
  const samples = new Float32Array(count * length);
  const labels = new Int32Array(count);
  for (let i = 0; i < count; i++) {
    const example = syntheticAudioExample(
      deriveSeed(seed, testStream, i),
      { sampleRate, duration: length / sampleRate },
      i % syntheticAudioClassNames.length,
    );
    samples.set(example.samples, i * length);
    labels[i] = example.label;
  }
  return {
    count,
    sampleRate,
    samplesPerClip: length,
    samples,
    labels,
    classNames: syntheticAudioClassNames,
    describe: () => describeSyntheticAudio(sampleRate, length, 'test', labels),
  };
}

/**
 * The clips of a set as one `[N, T, 1]` float32 tensor (the input format of audio encoders).
 *
 * @param set a set from {@link syntheticAudioTestSet}.
 * @returns the tensor; the caller disposes it.
 * @example const inputs = audioSetToTensor(syntheticAudioTestSet({ count: 80 }));
 */
export function audioSetToTensor(set: SyntheticAudioSet): tf.Tensor3D {
  return tf.tensor3d(set.samples, [set.count, set.samplesPerClip, 1]);
}
