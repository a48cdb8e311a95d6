import { describe, expect, it } from 'vitest';
import { loadNames } from './names';

describe('loadNames', () => {
  it('merges and de-duplicates 8,422 lowercase names over a 27-character alphabet', () => {
    const corpus = loadNames();
    expect(corpus.names).toHaveLength(8422);
    expect(corpus.male).toHaveLength(3897);
    expect(corpus.female).toHaveLength(4944);
    expect(new Set(corpus.names).size).toBe(corpus.names.length);
    expect(corpus.names).toEqual([...corpus.names].sort());
    expect(corpus.names.every((name) => /^[a-z-]+$/.test(name))).toBe(true);
    expect(corpus.names).toContain('anne-marie');
    expect(corpus.describe()).toMatchObject({ documents: 8422, distinctCharacters: 27 });
  });

  it('keeps the original case when asked', () => {
    const { names, describe: describeCorpus } = loadNames({ lowercase: false });
    expect(names).toHaveLength(8422);
    expect(names).toContain('Aaron');
    expect(describeCorpus().distinctCharacters).toBe(53);
  });
});
