import { describe, expect, it } from 'vitest';
import { loadMobyDick } from './moby-dick';
import { distinctCharacters, encodeCharacters } from './text-corpus';

describe('loadMobyDick', () => {
  it('holds the 135 chapters: 1,190,317 characters, 83 distinct', () => {
    const { text, describe: describeCorpus } = loadMobyDick();
    expect(text.length).toBe(1_190_317);
    expect(text.startsWith('CHAPTER 1. Loomings.\n\nCall me Ishmael. Some years ago—never')).toBe(
      true,
    );
    expect(text.match(/^CHAPTER \d+\./gm)).toHaveLength(135);
    expect(text.trimEnd().endsWith('as it rolled five thousand years ago.')).toBe(true);
    const description = describeCorpus();
    expect(description.distinctCharacters).toBe(83);
    expect(description.splits).toEqual({
      train: { documents: 1, characters: 1_071_285 },
      validation: { documents: 1, characters: 119_032 },
    });
  });

  it('splits 90/10 into two contiguous slices that rebuild the text', () => {
    const { text, train, validation } = loadMobyDick();
    expect(train.length).toBe(Math.floor(text.length * 0.9));
    expect(train + validation).toBe(text);
    expect(text.startsWith(train)).toBe(true);
    expect(text.endsWith(validation)).toBe(true);
  });

  it('encodes the text as compact character ids and back', () => {
    const { text, validation } = loadMobyDick();
    const characters = distinctCharacters([text]);
    const ids = encodeCharacters(validation, characters);
    expect(ids).toBeInstanceOf(Uint16Array);
    expect(ids.length).toBe(validation.length);
    expect(Math.max(...ids)).toBeLessThan(83);
    const decoded = Array.from(ids.subarray(0, 200), (id) => characters[id]).join('');
    expect(decoded).toBe(validation.slice(0, 200));
    expect(() => encodeCharacters('Ishmael ☃', characters)).toThrow(
      /offset 8 is not in the vocabulary/,
    );
  });
});
