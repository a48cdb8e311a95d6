import { mkdtemp, readdir, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { WordVectors } from './word-vectors';

// Four words on a plane: king − man + woman lands on queen.
const words = ['man', 'woman', 'king', 'queen', 'apple'];
const plane = new Float32Array([1, 0, 0, 0, 1, 0, 1, 1, 0.2, 0.9, 1.9, 0.2, 0, 0, 3]);

describe('WordVectors', () => {
  it('measures cosine similarity and finds neighbours', () => {
    const vectors = new WordVectors(['a', 'b', 'c'], new Float32Array([1, 0, 0.8, 0.6, 0, 1]), 2);
    expect(vectors.similarity('a', 'b')).toBeCloseTo(0.8, 6);
    expect(vectors.nearest('a', 2).map((neighbour) => neighbour.word)).toEqual(['b', 'c']);
    expect(vectors.nearest(new Float32Array([0, 2]), 1)[0]!.word).toBe('c');
    expect(() => vectors.similarity('a', 'zebra')).toThrow(/'zebra' has no vector/);
  });

  it('solves an analogy with 3CosAdd, leaving the question words out', () => {
    const vectors = new WordVectors(words, plane, 3);
    expect(vectors.analogy('man', 'king', 'woman')[0]!.word).toBe('queen');
    expect(vectors.analogy('man', 'woman', 'king', 2).map((answer) => answer.word)).not.toContain(
      'king',
    );
  });

  it('averages the vectors of tokenizer ids, skipping unknown ones', () => {
    const vectors = new WordVectors(['a', 'b'], new Float32Array([1, 2, 3, 4]), 2, {
      tokenIds: [5, 9],
    });
    expect([...vectors.averageVectors([5, 9, 0, 42])]).toEqual([2, 3]);
    expect([...vectors.averageVectors([1])]).toEqual([0, 0]);
    const byRow = new WordVectors(['a', 'b'], new Float32Array([1, 2, 3, 4]), 2);
    expect([...byRow.averageVectors([1])]).toEqual([3, 4]);
  });

  it('round-trips the word2vec text format and writes it atomically', async () => {
    const vectors = new WordVectors(words, plane, 3);
    const text = vectors.toWord2vecText();
    expect(text.split('\n')[0]).toBe('5 3');
    expect(text.split('\n')[3]).toBe('king 1.000000 1.000000 0.200000');
    const read = WordVectors.fromWord2vecText(text);
    expect(read.words).toEqual(words);
    for (let i = 0; i < plane.length; i++) expect(read.vectors[i]).toBeCloseTo(plane[i]!, 6);
    const directory = await mkdtemp(join(tmpdir(), 'word-vectors-'));
    const path = join(directory, 'vectors.txt');
    await vectors.writeWord2vecText(path);
    expect(await readFile(path, 'utf8')).toBe(text);
    expect(await readdir(directory)).toEqual(['vectors.txt']);
  });

  it('rejects malformed input with a message that names it', () => {
    expect(() => WordVectors.fromWord2vecText('two 3\n')).toThrow(/Line 1/);
    expect(() => WordVectors.fromWord2vecText('1 3\nwar 1 2\n')).toThrow(/Line 2/);
    expect(() => new WordVectors(['a'], new Float32Array(3), 2)).toThrow(/1 words × 2/);
    expect(() => new WordVectors(['a', 'a'], new Float32Array(2), 1)).toThrow(/twice/);
    expect(() => new WordVectors(['a b'], new Float32Array(1), 1).toWord2vecText()).toThrow(
      /white space/,
    );
    const random = WordVectors.random(['a', 'b'], 4, 3);
    expect(random.vectors.length).toBe(8);
    expect(WordVectors.random(['a', 'b'], 4, 3).vectors).toEqual(random.vectors);
  });
});
