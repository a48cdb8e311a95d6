import type { SyntheticAudioSet } from '@selfsup/data';
import { UsageError } from '../commands/parse-flags';
import { datasets, findDataset, isDataPath } from './dataset-registry';

/** The clip format of an audio dataset: samples per second and seconds per clip. */
export type AudioClipFormat = {
  readonly sampleRate: 8000 | 16000;
  readonly duration: number;
};

/** The clips used when neither the run nor the flags say otherwise: 1 s at 8 kHz. */
export const defaultAudioClipFormat: AudioClipFormat = { sampleRate: 8000, duration: 1 };

/** Labeled clips per split when `--pool-size`/`--test-size` are not given (CPC's probe sizes). */
export const defaultAudioSplitSize = 800;

/**
 * The ids of the datasets whose examples are audio clips that methods and probes can use.
 *
 * @returns the ids, e.g. `['synthetic-audio']`.
 * @example audioDatasetIds().join(', '); // 'synthetic-audio'
 */
export function audioDatasetIds(): string[] {
  return datasets.filter((entry) => entry.loadAudio !== undefined).map((entry) => entry.id);
}

/**
 * Whether a `--data` value names a built-in audio dataset (so downstream commands load clips,
 * not images).
 *
 * @param data the `--data` value.
 * @returns true for audio dataset ids.
 * @example isAudioData('synthetic-audio'); // true
 */
export function isAudioData(data: string): boolean {
  return !isDataPath(data) && audioDatasetIds().includes(data);
}

/**
 * Checks that a `--data` value is an audio dataset, with a usage error that names the modality
 * of what was given and the audio datasets to use instead.
 *
 * @param data the `--data` value.
 * @param purpose what needs audio, for the message (e.g. `'cpc'`).
 * @throws UsageError for images, text, video, paths and unknown ids.
 * @example checkAudioData('mnist', 'cpc'); // throws: --data mnist is an image dataset, but cpc needs audio…
 */
export function checkAudioData(data: string, purpose: string): void {
  const use = `use ${audioDatasetIds().join(' or ')}`;
  if (isDataPath(data)) {
    throw new UsageError(
      `--data ${data}: ${purpose} needs audio clips, and folders of your own audio are not supported yet: ${use}.`,
    );
  }
  const entry = findDataset(data);
  if (entry.loadAudio === undefined) {
    throw new UsageError(
      `--data ${data} is ${entry.modality === 'image' ? 'an' : 'a'} ${entry.modality} dataset, but ${purpose} needs audio (modality mismatch): ${use}.`,
    );
  }
}

/**
 * The clip format a checkpoint was pretrained on, from its manifest's dataset reference
 * (`{ id, sampleRate, duration }` as {@link prepareAudioData} records it), or the default.
 *
 * @param reference the manifest's `dataset`.
 * @returns the sample rate and clip duration.
 * @example clipFormatOf({ id: 'synthetic-audio', sampleRate: 8000, duration: 0.5 }).duration; // 0.5
 */
export function clipFormatOf(reference: unknown): AudioClipFormat {
  if (typeof reference !== 'object' || reference === null || Array.isArray(reference)) {
    return defaultAudioClipFormat;
  }
  const { sampleRate, duration } = reference as Record<string, unknown>;
  return {
    sampleRate: sampleRate === 16000 ? 16000 : defaultAudioClipFormat.sampleRate,
    duration: typeof duration === 'number' ? duration : defaultAudioClipFormat.duration,
  };
}

/**
 * The labeled clips of a split of an audio dataset: a fixed, seeded, class-balanced set of
 * `count` clips (the train pool and the test split never share a clip, nor do pretraining batches).
 *
 * @param data an audio dataset id.
 * @param split 'train' (the labeled pool) or 'test'.
 * @param count clips; default {@link defaultAudioSplitSize}.
 * @param format sample rate and clip duration (use the checkpoint's, {@link clipFormatOf}).
 * @param purpose what needs the clips, for error messages.
 * @returns the clips as compact arrays (`audioSetToTensor` makes the `[N, T, 1]` tensor).
 * @throws UsageError for datasets that are not audio.
 * @example const test = await loadAudioData('synthetic-audio', 'test', 200, defaultAudioClipFormat, 'evaluation');
 */
export async function loadAudioData(
  data: string,
  split: 'train' | 'test',
  count: number | undefined,
  format: AudioClipFormat,
  purpose: string,
): Promise<SyntheticAudioSet> {
  checkAudioData(data, purpose);
  const load = findDataset(data).loadAudio;
  if (load === undefined) throw new UsageError(`--data ${data}: ${purpose} needs audio.`);
  try {
    return await load(split, {
      count: count ?? defaultAudioSplitSize,
      sampleRate: format.sampleRate,
      duration: format.duration,
    });
  } catch (error) {
    throw new UsageError(`--data ${data}: ${(error as Error).message}`);
  }
}
