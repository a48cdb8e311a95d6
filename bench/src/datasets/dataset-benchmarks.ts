import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { BatchSourceV1 } from '@selfsup/core';
import {
  allCaptions,
  captionedMnistSource,
  distinctCharacters,
  encodeCharacters,
  fashionMnistCachePaths,
  imageBatchSource,
  loadFashionMnist,
  loadMnist,
  loadMobyDick,
  loadNames,
  loadSotu,
  loadSpamAssassin,
  mnistCaptionWords,
  mnistTrainingTemplates,
  movingMnistSource,
  resolveCacheDirectory,
  shapeCaptionWords,
  shapesSource,
  shapeTrainingTemplates,
  syntheticAudioSource,
  tokenWindowSource,
  trainCharacterTokenizer,
} from '@selfsup/data';

/** The datasets `pnpm bench --workloads datasets` times, in order. */
export const datasetIds = [
  'mnist',
  'fashion-mnist',
  'moby-dick',
  'sotu',
  'spam-assassin',
  'names',
  'synthetic-audio',
  'moving-mnist',
  'captioned-mnist',
  'shapes',
] as const;

/** One of {@link datasetIds}. */
export type DatasetId = (typeof datasetIds)[number];

/** What loading a dataset gives the iterator benchmark. */
export type LoadedDataset = {
  /** The dataset's batch iterator at the benchmark's batch size. */
  readonly source: BatchSourceV1<unknown>;
  /** What the load did besides reading, e.g. 'cache hit (…)' or 'cache built (…)'. */
  readonly note?: string;
};

/** How one dataset is loaded and iterated. */
export type DatasetBenchmark = {
  readonly id: DatasetId;
  /** What one example of a batch is: 'images', 'clips', 'windows', 'sequences', 'pairs'. */
  readonly unit: string;
  /** The typical batch size timed. */
  readonly batchSize: number;
  /** One line: the loader, the batch source and its shape. */
  readonly description: string;
  /**
   * Loads the dataset (timed as the cold load) and builds its batch source.
   *
   * @param batchSize examples per batch (the benchmark's, or a test's smaller one).
   */
  load(batchSize: number): LoadedDataset;
};

/** Characters → ids → a `tokenWindowSource` of 128-token windows (a character-level GPT's input). */
function characterWindows(texts: readonly string[], batchSize: number): LoadedDataset {
  const text = texts.join('\n');
  const ids = encodeCharacters(text, distinctCharacters([text]));
  return {
    source: tokenWindowSource(ids, { blockSize: 128, batchSize }),
    note: `${ids.length.toLocaleString('en-US')} character ids encoded`,
  };
}

function fashionMnistNote(): string {
  // fashion-mnist.ts keeps its converted IDX files in `fashion-mnist-v1/` of the cache directory.
  const directory = join(resolveCacheDirectory(), 'fashion-mnist-v1');
  return existsSync(fashionMnistCachePaths(directory, 'train').images)
    ? `cache hit (${directory})`
    : `no cache: converted the JSON and wrote ${directory}`;
}

/**
 * The benchmark of each dataset: its loader (train split, and test where it has one) and its batch
 * iterator at a typical batch size: 256 images, 32 × 128-token windows, 64 clips of 1 s at 8 kHz,
 * 16 Moving MNIST sequences of 10 × 64 × 64 frames, 128 captioned MNIST pairs, 64 shapes pairs
 * (captions tokenized by a character tokenizer over every training caption, 48 tokens).
 */
export const datasetBenchmarks: Readonly<Record<DatasetId, DatasetBenchmark>> = {
  mnist: {
    id: 'mnist',
    unit: 'images',
    batchSize: 256,
    description: "loadMnist('train' + 'test') → imageBatchSource [B, 28, 28, 1] + labels",
    load: (batchSize) => {
      const train = loadMnist('train');
      loadMnist('test');
      return { source: imageBatchSource(train, { batchSize }) };
    },
  },
  'fashion-mnist': {
    id: 'fashion-mnist',
    unit: 'images',
    batchSize: 256,
    description: "loadFashionMnist('train' + 'test') → imageBatchSource [B, 28, 28, 1] + labels",
    load: (batchSize) => {
      const note = fashionMnistNote();
      const train = loadFashionMnist('train');
      loadFashionMnist('test');
      return { source: imageBatchSource(train, { batchSize }), note };
    },
  },
  'moby-dick': {
    id: 'moby-dick',
    unit: 'windows',
    batchSize: 32,
    description: 'loadMobyDick() → train slice as character ids → tokenWindowSource [B, 128] ×2',
    load: (batchSize) => characterWindows([loadMobyDick().train], batchSize),
  },
  sotu: {
    id: 'sotu',
    unit: 'windows',
    batchSize: 32,
    description: 'loadSotu() → all addresses as character ids → tokenWindowSource [B, 128] ×2',
    load: (batchSize) =>
      characterWindows(
        loadSotu().addresses.map((address) => address.text),
        batchSize,
      ),
  },
  'spam-assassin': {
    id: 'spam-assassin',
    unit: 'windows',
    batchSize: 32,
    description:
      'loadSpamAssassin() → pretraining bodies as character ids → tokenWindowSource [B, 128] ×2',
    load: (batchSize) => characterWindows(loadSpamAssassin().pretrainingBodies(), batchSize),
  },
  names: {
    id: 'names',
    unit: 'windows',
    batchSize: 32,
    description:
      'loadNames() → names, one per line, as character ids → tokenWindowSource [B, 128] ×2',
    load: (batchSize) => characterWindows(loadNames().names, batchSize),
  },
  'synthetic-audio': {
    id: 'synthetic-audio',
    unit: 'clips',
    batchSize: 64,
    description:
      'syntheticAudioSource (generated per batch) → [B, 8000, 1] (1 s at 8 kHz) + labels',
    load: (batchSize) => ({ source: syntheticAudioSource({ batchSize }) }),
  },
  'moving-mnist': {
    id: 'moving-mnist',
    unit: 'sequences',
    batchSize: 16,
    description:
      'movingMnistSource (MNIST read on the first batch) → [B, 10, 64, 64, 1] + labels [B], [B, 1]',
    load: (batchSize) => ({ source: movingMnistSource({ batchSize, frames: 10, size: 64 }) }),
  },
  'captioned-mnist': {
    id: 'captioned-mnist',
    unit: 'pairs',
    batchSize: 128,
    description:
      'captionedMnistSource (MNIST read on the first batch) → [B, 28, 28, 1] + tokens [B, 48] + labels',
    load: (batchSize) => {
      const tokenizer = trainCharacterTokenizer([
        ...allCaptions(mnistTrainingTemplates, mnistCaptionWords),
      ]);
      return {
        source: captionedMnistSource({ batchSize, tokenizer, maxLength: 48 }),
        note: `character tokenizer, ${tokenizer.vocabularySize} tokens`,
      };
    },
  },
  shapes: {
    id: 'shapes',
    unit: 'pairs',
    batchSize: 64,
    description: 'shapesSource (drawn per batch) → [B, 32, 32, 3] + tokens [B, 48] + labels',
    load: (batchSize) => {
      const tokenizer = trainCharacterTokenizer([
        ...allCaptions(shapeTrainingTemplates, shapeCaptionWords),
      ]);
      return {
        source: shapesSource({ batchSize, tokenizer, maxLength: 48 }),
        note: `character tokenizer, ${tokenizer.vocabularySize} tokens`,
      };
    },
  },
};
