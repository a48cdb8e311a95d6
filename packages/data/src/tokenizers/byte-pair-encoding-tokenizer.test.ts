import { beforeAll, describe, expect, it } from 'vitest';
import { readMobyDick } from './__fixtures__/moby-dick';
import { trainBytePairEncodingTokenizer } from './byte-pair-encoding-tokenizer';
import type { HuggingFaceTokenizer } from './hugging-face-tokenizer';

const variedTexts = [
  'Call me Ishmael. Some years ago—never mind how long precisely—having little or no money',
  "It's the whale's    spout!\n\n\tThere she blows!  ",
  'naïve café, Ærøskøbing, 中文字符, ελληνικά, русский, 😀🐳 and \u0000\u0007 control bytes',
  'numbers 1851 3.14159 -42 and symbols @#$%^&*()_+{}|:"<>?',
  '',
  ' ',
];

describe('trainBytePairEncodingTokenizer', () => {
  let tokenizer: HuggingFaceTokenizer;
  beforeAll(() => {
    tokenizer = trainBytePairEncodingTokenizer(readMobyDick(0, 300_000), { vocabularySize: 1000 });
  });

  it('reaches the requested vocabulary size with stable special-token and byte ids', () => {
    expect(tokenizer.vocabularySize).toBe(1000);
    expect(tokenizer.specialTokens).toEqual({
      padding: 0,
      unknown: 1,
      classification: 2,
      separator: 3,
      mask: 4,
      endOfText: 5,
    });
    expect(tokenizer.idToToken(5)).toBe('<|endoftext|>');
    expect(tokenizer.idToToken(6 + 0x41)).toBe('A');
    expect(tokenizer.idToToken(6 + 0x20)).toBe('Ġ');
    expect(tokenizer.tokenToId('Ġthe')).toBeGreaterThan(261);
    expect(tokenizer.idToToken(999)).toBeDefined();
    expect(tokenizer.idToToken(1000)).toBeUndefined();
  });

  it('round-trips any text exactly and never needs [UNK] (every byte is a token)', () => {
    for (const text of variedTexts) {
      const ids = tokenizer.encode(text);
      expect(ids.every((id) => id >= 6 && id < 1000)).toBe(true);
      expect(tokenizer.decode(ids)).toBe(text);
    }
  });

  it('compresses held-out English text well below one token per character', () => {
    const heldOut = readMobyDick(600_000, 620_000);
    const ids = tokenizer.encode(heldOut);
    expect(ids.length / heldOut.length).toBeLessThan(0.4);
    expect(tokenizer.decode(ids)).toBe(heldOut);
  });

  it('encodes special-token strings as their ids and decodes them only when asked', () => {
    const ids = tokenizer.encode('<|endoftext|>whale[SEP]');
    expect(ids[0]).toBe(5);
    expect(ids.at(-1)).toBe(3);
    expect(tokenizer.decode(ids)).toBe('whale');
    expect(tokenizer.decode(ids, { keepSpecialTokens: true })).toBe('<|endoftext|>whale[SEP]');
  });

  it('stops early when the corpus has no pair left to merge', () => {
    const tiny = trainBytePairEncodingTokenizer(['abab', 'ab'], { vocabularySize: 5000 });
    expect(tiny.vocabularySize).toBe(264);
    expect(tiny.encode('abab')).toEqual([tiny.tokenToId('abab')]);
  });

  it('rejects a vocabulary smaller than the specials plus 256 bytes', () => {
    expect(() => trainBytePairEncodingTokenizer('abc', { vocabularySize: 100 })).toThrow(
      /at least 262/,
    );
  });

  it('trains on 1 MB of text to 2,000 tokens in seconds', () => {
    const text = readMobyDick(0, 1_000_000);
    const start = performance.now();
    const large = trainBytePairEncodingTokenizer(text, { vocabularySize: 2000 });
    const seconds = (performance.now() - start) / 1000;
    expect(large.vocabularySize).toBe(2000);
    expect(seconds).toBeLessThan(15);
  });
});
