import type { TokenizerV1 } from '@selfsup/core';

/** A whitespace word tokenizer over a closed vocabulary (id 0 pads, id 1 is unknown), for tests. */
export function createWordTokenizer(texts: Iterable<string>): TokenizerV1 {
  const vocabulary = ['[PAD]', '[UNK]'];
  const ids = new Map<string, number>();
  for (const text of texts) {
    for (const word of text.split(/\s+/)) {
      if (word && !ids.has(word)) {
        ids.set(word, vocabulary.length);
        vocabulary.push(word);
      }
    }
  }
  return {
    specificationVersion: 'v1',
    vocabularySize: vocabulary.length,
    specialTokens: { padding: 0, unknown: 1 },
    encode: (text) =>
      text
        .split(/\s+/)
        .filter(Boolean)
        .map((word) => ids.get(word) ?? 1),
    decode: (tokens) =>
      tokens
        .filter((id) => id > 1)
        .map((id) => vocabulary[id] ?? '[UNK]')
        .join(' '),
    idToToken: (id) => vocabulary[id],
    tokenToId: (token) => (token === '[PAD]' ? 0 : token === '[UNK]' ? 1 : ids.get(token)),
  };
}
