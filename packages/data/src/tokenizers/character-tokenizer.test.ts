import { describe, expect, it } from 'vitest';
import { readMobyDick } from './__fixtures__/moby-dick';
import { trainCharacterTokenizer } from './character-tokenizer';

/** A seeded linear congruential generator, for reproducible random strings. */
function randomIndices(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
}

describe('trainCharacterTokenizer', () => {
  it('has the special tokens at 0-5, then the sorted unique code points', () => {
    const tokenizer = trainCharacterTokenizer(['hello world', 'well']);
    expect(tokenizer.specificationVersion).toBe('v1');
    expect(tokenizer.specialTokens).toEqual({
      padding: 0,
      unknown: 1,
      classification: 2,
      separator: 3,
      mask: 4,
      endOfText: 5,
    });
    const tokens = Array.from({ length: tokenizer.vocabularySize }, (_, id) =>
      tokenizer.idToToken(id),
    );
    expect(tokens).toEqual([
      '[PAD]',
      '[UNK]',
      '[CLS]',
      '[SEP]',
      '[MASK]',
      '<|endoftext|>',
      ' ',
      'd',
      'e',
      'h',
      'l',
      'o',
      'r',
      'w',
    ]);
    expect(tokenizer.encode('hold')).toEqual([9, 11, 10, 7]);
    expect(tokenizer.tokenToId('w')).toBe(13);
    expect(tokenizer.tokenToId('z')).toBeUndefined();
    expect(tokenizer.idToToken(14)).toBeUndefined();
  });

  it('round-trips any string of known characters exactly, astral characters included', () => {
    const corpus = `${readMobyDick(0, 20_000)} é ß 中文 😀🐳 \t\r\n`;
    const tokenizer = trainCharacterTokenizer(corpus);
    const characters = [...new Set(corpus)];
    expect(tokenizer.vocabularySize).toBe(6 + characters.length);
    expect(tokenizer.encode('🐳')).toHaveLength(1);
    const random = randomIndices(7);
    for (let trial = 0; trial < 50; trial += 1) {
      const length = Math.floor(random() * 200);
      const text = Array.from(
        { length },
        () => characters[Math.floor(random() * characters.length)],
      ).join('');
      const ids = tokenizer.encode(text);
      expect(ids).toHaveLength([...text].length);
      expect(tokenizer.decode(ids)).toBe(text);
    }
  });

  it('maps unseen characters to [UNK], and drops special tokens in decode unless asked', () => {
    const tokenizer = trainCharacterTokenizer('abc');
    const ids = tokenizer.encode('a🐳cz');
    expect(ids).toEqual([6, 1, 8, 1]);
    expect(tokenizer.decode(ids)).toBe('ac');
    expect(tokenizer.decode(ids, { keepSpecialTokens: true })).toBe('a[UNK]c[UNK]');
    expect(tokenizer.encode('a[MASK]b')).toEqual([6, 4, 7]);
  });

  it('without special tokens, throws on an unseen character with its code point', () => {
    const tokenizer = trainCharacterTokenizer('abc', { specialTokens: false });
    expect(tokenizer.vocabularySize).toBe(3);
    expect(tokenizer.specialTokens).toEqual({});
    expect(tokenizer.encode('cab')).toEqual([2, 0, 1]);
    expect(() => tokenizer.encode('ab🐳')).toThrow(
      /"🐳" \(U\+1F433\) is not in the vocabulary and there is no \[UNK\]/,
    );
  });

  it('rejects an empty corpus and a corpus that is not text', () => {
    expect(() => trainCharacterTokenizer('')).toThrow(/no characters/);
    expect(() => trainCharacterTokenizer(['a', 3 as unknown as string])).toThrow(
      /corpus item 1 is number/,
    );
  });
});
