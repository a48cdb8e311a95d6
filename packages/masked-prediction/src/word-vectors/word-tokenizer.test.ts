import { describe, expect, it } from 'vitest';
import { createWordTokenizer, splitWords } from './word-tokenizer';

describe('createWordTokenizer', () => {
  const texts = ['The war, the peace.', "The Nation's war in 1812!"];

  it('splits lower-case words and orders ids by frequency', () => {
    expect(splitWords("The Nation's 2 ships.")).toEqual(['the', "nation's", 'ships']);
    const tokenizer = createWordTokenizer(texts);
    expect(tokenizer.words.slice(0, 3)).toEqual(['<unk>', 'the', 'war']);
    expect([...tokenizer.counts.slice(0, 3)]).toEqual([0, 3, 2]);
    expect(tokenizer.vocabularySize).toBe(tokenizer.words.length);
    expect(tokenizer.decode(tokenizer.encode('the war in peace'))).toBe('the war in peace');
    expect(tokenizer.encode('the zebra')).toEqual([1, 0]);
    expect(tokenizer.tokenToId('war')).toBe(2);
    expect(tokenizer.idToToken(2)).toBe('war');
    expect(tokenizer.specialTokens.unknown).toBe(0);
  });

  it('sends rare words to <unk> and counts them there', () => {
    const tokenizer = createWordTokenizer(texts, { minCount: 2 });
    expect(tokenizer.words).toEqual(['<unk>', 'the', 'war']);
    expect(tokenizer.counts[0]).toBe(3); // peace, nation's, in
    expect(tokenizer.decode([1, 0], { keepSpecialTokens: true })).toBe('the <unk>');
    expect(() => createWordTokenizer(texts, { minCount: 9 })).toThrow(/lower minCount/);
  });
});
