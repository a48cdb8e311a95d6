import type { ImageDataset, SyntheticAudioSet } from '@selfsup/data';
import { UsageError } from '../commands/parse-flags';

/** One dataset the CLI knows by id. */
export type DatasetEntry = {
  /** The id users type (`--data mnist`). */
  readonly id: string;
  /** What one example is. */
  readonly modality: 'image' | 'text' | 'audio' | 'video' | 'image-text';
  /** One line for `selfsup datasets`. */
  readonly description: string;
  /** The labeled image splits, for image datasets that methods and probes can use. */
  readonly loadImages?: (split: 'train' | 'test') => Promise<ImageDataset>;
  /**
   * The labeled clips of a split, for audio datasets that methods and probes can use: `count`
   * clips of `duration` seconds at `sampleRate` (a fixed, seeded, class-balanced set per split).
   */
  readonly loadAudio?: (
    split: 'train' | 'test',
    options: {
      readonly count: number;
      readonly sampleRate: 8000 | 16000;
      readonly duration: number;
    },
  ) => Promise<SyntheticAudioSet>;
  /** Counts, shapes, classes and sizes (plain JSON). */
  describe(): Promise<unknown>;
};

/** `@selfsup/data`, imported when a dataset is first used (not at start-up). */
const data = () => import('@selfsup/data');

const bothImageSplits = (load: (split: 'train' | 'test') => Promise<ImageDataset>) => async () => {
  const { describeImageDataset } = await data();
  return {
    train: describeImageDataset(await load('train')),
    test: describeImageDataset(await load('test')),
  };
};

/** The datasets of `@selfsup/data`, by id (a plain table: nothing loads until asked). */
export const datasets: readonly DatasetEntry[] = [
  {
    id: 'mnist',
    modality: 'image',
    description: 'MNIST handwritten digits, 28×28 grey, 10 classes, 60,000 + 10,000',
    loadImages: async (split) => (await data()).loadMnist(split),
    describe: bothImageSplits(async (split) => (await data()).loadMnist(split)),
  },
  {
    id: 'fashion-mnist',
    modality: 'image',
    description: 'Fashion-MNIST articles, 28×28 grey, 10 classes, 60,000 + 10,000',
    loadImages: async (split) => (await data()).loadFashionMnist(split),
    describe: bothImageSplits(async (split) => (await data()).loadFashionMnist(split)),
  },
  {
    id: 'moby-dick',
    modality: 'text',
    description: "Melville's Moby Dick, one book for character-level language models",
    describe: async () => (await data()).loadMobyDick().describe(),
  },
  {
    id: 'sotu',
    modality: 'text',
    description: 'US State of the Union addresses, 1790 onwards',
    describe: async () => (await data()).loadSotu().describe(),
  },
  {
    id: 'spam-assassin',
    modality: 'text',
    description: 'SpamAssassin e-mails, spam vs ham',
    describe: async () => (await data()).loadSpamAssassin().describe(),
  },
  {
    id: 'names',
    modality: 'text',
    description: 'English first names (makemore-style character models)',
    describe: async () => (await data()).loadNames().describe(),
  },
  {
    id: 'synthetic-audio',
    modality: 'audio',
    description: 'Synthetic labeled audio clips (tones, chirps, noise), generated',
    // Labeled splits: fixed class-balanced sets of the test stream (seed 1: the train pool, seed 2:
    // the test split, as CPC's full-run script probes); pretraining batches never overlap them.
    loadAudio: async (split, options) =>
      (await data()).syntheticAudioTestSet({ ...options, seed: split === 'train' ? 1 : 2 }),
    describe: async () => {
      const { syntheticAudioSource, syntheticAudioTestSet } = await data();
      return {
        train: syntheticAudioSource({ batchSize: 1 }).describe(),
        test: syntheticAudioTestSet({ count: 80 }).describe(),
      };
    },
  },
  {
    id: 'moving-mnist',
    modality: 'video',
    description: 'Moving MNIST: digits bouncing in short frame sequences, generated',
    describe: async () => (await data()).movingMnistSource({ batchSize: 1 }).describe(),
  },
  {
    id: 'captioned-mnist',
    modality: 'image-text',
    description: 'MNIST images with generated captions and zero-shot prompts (CLIP)',
    describe: async () => (await data()).captionedMnistTestSet({ count: 100 }).describe(),
  },
  {
    id: 'shapes',
    modality: 'image-text',
    description: 'Coloured shapes with captions, 32×32 RGB, generated (CLIP)',
    describe: async () => (await data()).shapesTestSet({ count: 50 }).describe(),
  },
];

/**
 * The dataset of an id, or a usage error listing the ids.
 *
 * @param id what the user typed.
 * @returns the entry.
 * @throws UsageError naming every dataset id.
 * @example findDataset('mnist').modality; // 'image'
 */
export function findDataset(id: string): DatasetEntry {
  const entry = datasets.find((candidate) => candidate.id === id);
  if (entry === undefined) {
    throw new UsageError(
      `Unknown dataset '${id}'. Datasets: ${datasets.map((known) => known.id).join(', ')} ` +
        '(`selfsup datasets` lists them), or give a path to your own data (a folder of images).',
    );
  }
  return entry;
}

/**
 * Whether a `--data` value names a path rather than a dataset id (it has a slash, a dot or a
 * backslash).
 *
 * @param data the `--data` value.
 * @returns true for paths.
 * @example isDataPath('./photos'); // true
 */
export function isDataPath(data: string): boolean {
  return /[/\\.]/.test(data);
}
