import { beforeAll, describe, expect, it } from 'vitest';
import { readMobyDick } from './__fixtures__/moby-dick';
import type { HuggingFaceTokenizer } from './hugging-face-tokenizer';
import { trainWordPieceTokenizer } from './word-piece-tokenizer';

describe('trainWordPieceTokenizer', () => {
  let tokenizer: HuggingFaceTokenizer;
  beforeAll(() => {
    tokenizer = trainWordPieceTokenizer(readMobyDick(0, 300_000), { vocabularySize: 1500 });
  });

  it('reaches the requested vocabulary size, specials first, ## pieces inside words', () => {
    expect(tokenizer.vocabularySize).toBe(1500);
    expect(tokenizer.specialTokens).toEqual({
      padding: 0,
      unknown: 1,
      classification: 2,
      separator: 3,
      mask: 4,
      endOfText: 5,
    });
    const tokens = Array.from({ length: 1500 }, (_, id) => tokenizer.idToToken(id) as string);
    expect(tokens.slice(0, 6)).toEqual([
      '[PAD]',
      '[UNK]',
      '[CLS]',
      '[SEP]',
      '[MASK]',
      '<|endoftext|>',
    ]);
    expect(new Set(tokens).size).toBe(1500);
    expect(tokens).toContain('the');
    expect(tokens.filter((token) => token.startsWith('##')).length).toBeGreaterThan(100);
    expect(tokens.slice(6).some((token) => /[A-Z]/.test(token))).toBe(false);
    const pieces = tokenizer.encode('unwhaleable').map((id) => tokenizer.idToToken(id) as string);
    expect(pieces.length).toBeGreaterThan(1);
    expect(pieces.slice(1).every((piece) => piece.startsWith('##'))).toBe(true);
  });

  it('maps a word with an unseen character to one [UNK]', () => {
    const ids = tokenizer.encode('the 🐳whale sea');
    expect(ids).toEqual([tokenizer.tokenToId('the'), 1, tokenizer.tokenToId('sea')]);
    expect(tokenizer.decode(ids, { keepSpecialTokens: true })).toBe('the [UNK] sea');
  });

  it('round-trips normalised text: lowercase, single spaces, . , ! ? attached', () => {
    const plain = 'call me ishmael some years ago never mind how long precisely';
    expect(tokenizer.decode(tokenizer.encode(plain))).toBe(plain);
    expect(
      tokenizer.decode(tokenizer.encode('  Call me\tIshmael.\n\nSome  years ago, never!  ')),
    ).toBe('call me ishmael. some years ago, never!');
    // Other punctuation comes back spaced.
    expect(tokenizer.decode(tokenizer.encode('the sea-side (briny)'))).toBe(
      'the sea - side ( briny )',
    );
    expect(tokenizer.decode(tokenizer.encode('Café'))).toBe('cafe');
  });

  it('keeps case with lowercase: false', () => {
    const cased = trainWordPieceTokenizer(readMobyDick(0, 50_000), {
      vocabularySize: 600,
      lowercase: false,
    });
    expect(cased.decode(cased.encode('Call me Ishmael'))).toBe('Call me Ishmael');
  });

  it('rejects a vocabulary smaller than the specials plus the alphabet', () => {
    expect(() => trainWordPieceTokenizer('abc abc', { vocabularySize: 8 })).toThrow(/at least 12/);
  });
});
