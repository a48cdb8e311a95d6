import { describe, expect, it } from 'vitest';
import { createTopicCorpus, topicCosines } from './__fixtures__/topic-corpus';
import { countCooccurrences } from './cooccurrence-counts';
import { createGlove, trainGlove } from './glove';

describe('countCooccurrences', () => {
  it('adds 1/distance for both directions within the window', () => {
    const counts = countCooccurrences([Int32Array.from([1, 2, 1, 3])], 2);
    const table = new Map<string, number>();
    for (let entry = 0; entry < counts.size; entry++) {
      table.set(`${counts.first[entry]},${counts.second[entry]}`, counts.values[entry]!);
    }
    // Pairs: (2,1) d1, (1,2) d1, (1,1) d2 (diagonal: both directions), (3,1) d1, (3,2) d2.
    expect(table).toEqual(
      new Map([
        ['1,2', 2],
        ['1,1', 1],
        ['1,3', 1],
        ['2,3', 0.5],
      ]),
    );
  });

  it('matches a brute-force count on a random corpus, through table growth', () => {
    const corpus = createTopicCorpus({ sentences: 40, wordsPerTopic: 60, topics: 4 });
    const counts = countCooccurrences(corpus.sentences, 5);
    const expected = new Map<string, number>();
    for (const sentence of corpus.sentences) {
      for (let position = 0; position < sentence.length; position++) {
        for (let context = Math.max(0, position - 5); context < position; context++) {
          const a = Math.min(sentence[position]!, sentence[context]!);
          const b = Math.max(sentence[position]!, sentence[context]!);
          const weight = (a === b ? 2 : 1) / (position - context);
          expected.set(`${a},${b}`, (expected.get(`${a},${b}`) ?? 0) + weight);
        }
      }
    }
    expect(counts.size).toBe(expected.size);
    for (let entry = 0; entry < counts.size; entry++) {
      const key = `${counts.first[entry]},${counts.second[entry]}`;
      expect(counts.values[entry]).toBeCloseTo(expected.get(key)!, 9);
    }
  });
});

describe('GloVe', () => {
  it('lowers its weighted least-squares cost and groups words by topic', async () => {
    const corpus = createTopicCorpus();
    const model = createGlove({
      vocabularySize: corpus.words.length,
      dimension: 16,
      window: 5,
      xMax: 10,
      seed: 1,
    });
    const losses: number[] = [];
    const result = await trainGlove(model, corpus.sentences, {
      epochs: 30,
      onProgress: (progress) => losses.push(progress.loss),
    });
    expect(result.epochs).toBe(30);
    expect(losses).toHaveLength(30);
    expect(result.lastLoss).toBeLessThan(0.5 * result.firstLoss);
    const vectors = model.wordVectors(corpus.words);
    const { within, across } = topicCosines((a, b) => vectors.similarity(a, b), corpus);
    expect(within).toBeGreaterThan(across + 0.3);
    expect(vectors.nearest('b3', 1)[0]!.word.startsWith('b')).toBe(true);
  });

  it('rejects bad options with messages that say what to fix', async () => {
    expect(() => createGlove({ vocabularySize: 10, xMax: 0 })).toThrow(/xMax/);
    expect(() => createGlove({ vocabularySize: 0 })).toThrow(/vocabularySize/);
    const model = createGlove({ vocabularySize: 10 });
    expect(() => model.wordVectors(['a'])).toThrow(/trainGlove first/);
    await expect(trainGlove(model, [[1, 2]], { epochs: 0 })).rejects.toThrow(/epochs/);
    await expect(trainGlove(model, [[1, 2]])).rejects.toThrow(/lower minCount/);
  });

  it('stops when its signal is aborted, keeping the counts', async () => {
    const corpus = createTopicCorpus({ sentences: 20 });
    const model = createGlove({ vocabularySize: corpus.words.length, dimension: 4 });
    const controller = new AbortController();
    controller.abort();
    const result = await trainGlove(model, corpus.sentences, { signal: controller.signal });
    expect(result.aborted).toBe(true);
    expect(result.epochs).toBe(0);
    expect(model.wordVectors(corpus.words).size).toBeGreaterThan(0);
  });
});
