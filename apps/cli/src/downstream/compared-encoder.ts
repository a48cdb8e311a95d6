import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { createEncoder, type EncoderV1, loadEncoder } from '@selfsup/core';
import { WORD_VECTORS_MANIFEST_FILE } from '../methods/word-vectors-method';
import { datasetOfManifest, encoderFactoriesOf, openCheckpoint } from './open-checkpoint';
import { type TextInputs, textInputsOfCheckpoint, wordVectorInputs } from './text-inputs';

/**
 * A pretrained encoder as `selfsup compare` uses it: from a checkpoint of `selfsup pretrain`, or
 * from word vectors (`selfsup pretrain word2vec|glove`) held by an embedding bag.
 */
export type ComparedEncoder = {
  /** The method that pretrained it (the runner's name in results). */
  readonly method: string;
  /** The directory actually read (a checkpoint's latest `step-N`, or the word-vectors run). */
  readonly directory: string;
  /** The dataset id it was pretrained on, if recorded. */
  readonly dataset: string | undefined;
  /** What the checkpoint manifest records about that dataset (an audio clip format, …). */
  readonly datasetRecord: unknown;
  /** One opened copy, to check the data against (the caller disposes it). */
  readonly encoder: EncoderV1;
  /** A fresh copy of the pretrained encoder (one per finetuning run). */
  load(): Promise<EncoderV1>;
  /** The same architecture from random initialisation. */
  createScratch(seed: number): EncoderV1 | Promise<EncoderV1>;
  /** How it reads documents, for text encoders. */
  readonly text: TextInputs | undefined;
};

/**
 * Opens what `selfsup compare` was given: a checkpoint (or run) directory of `selfsup pretrain`,
 * or a word-vectors run, whose vectors become core's embedding-bag encoder (their mean over a
 * document's words; the vectors are finetuned in `full` mode, frozen for the linear probe).
 *
 * @param path the run or checkpoint directory.
 * @returns the encoder and how to copy it.
 * @throws UsageError for a missing or damaged run.
 * @example const compared = await openComparedEncoder('runs/word2vec');
 */
export async function openComparedEncoder(path: string): Promise<ComparedEncoder> {
  if (existsSync(join(path, WORD_VECTORS_MANIFEST_FILE))) return openWordVectors(path);
  const { manifest, directory, encoder } = await openCheckpoint(path);
  // Encoder types the method brings (e.g. CPC's), for reloading and for scratch copies.
  const encoders = await encoderFactoriesOf(directory);
  const config = manifest.encoder.config;
  const type = manifest.encoder.type;
  const text =
    encoder.inputSpec.modality === 'tokens'
      ? await textInputsOfCheckpoint(directory, config as Record<string, unknown>)
      : undefined;
  return {
    method: manifest.method,
    directory,
    dataset: datasetOfManifest(manifest),
    datasetRecord: manifest.dataset,
    encoder,
    load: () => loadEncoder(directory, encoders),
    createScratch: (seed) => createEncoder({ ...config, type, seed } as never, encoders),
    text,
  };
}

async function openWordVectors(path: string): Promise<ComparedEncoder> {
  const { loadWordVectorsRun } = await import('../methods/word-vectors-method');
  const { manifest, vectors } = await loadWordVectorsRun(path, 'compare');
  const { createEmbeddingBagEncoder } = await import('@selfsup/core');
  // Row 0 is the padding / no-vector id: zeros, and left out of the mean anyway.
  const table = new Float32Array((vectors.size + 1) * vectors.dimension);
  table.set(vectors.vectors, vectors.dimension);
  const sizes = {
    vocabularySize: vectors.size + 1,
    embeddingSize: vectors.dimension,
    paddingId: 0,
  };
  const load = () => {
    const encoder = createEmbeddingBagEncoder(sizes);
    encoder.setTokenEmbeddings(table);
    return encoder;
  };
  return {
    method: manifest.method,
    directory: path,
    dataset: manifest.data,
    datasetRecord: { id: manifest.data },
    encoder: load(),
    load: async () => load(),
    createScratch: (seed) => createEmbeddingBagEncoder({ ...sizes, seed }),
    text: await wordVectorInputs(vectors.words, path),
  };
}
