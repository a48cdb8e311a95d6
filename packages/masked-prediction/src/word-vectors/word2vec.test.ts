import { initBackend } from '@selfsup/core';
import { expectNoTensorLeak } from '@selfsup/core/test';
import * as tf from '@tensorflow/tfjs';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createTopicCorpus, topicCosines } from './__fixtures__/topic-corpus';
import { trainWord2vec } from './train-word2vec';
import { createWord2vec, type Word2vec } from './word2vec';

const corpus = createTopicCorpus();
const vocabularySize = corpus.words.length;
const models: Word2vec[] = [];
const track = (model: Word2vec): Word2vec => {
  models.push(model);
  return model;
};

describe('Word2Vec', () => {
  beforeAll(async () => {
    await initBackend({ backend: 'wasm', quiet: true });
  });
  afterEach(() => {
    for (const model of models.splice(0)) model.dispose();
  });

  for (const mode of ['skip-gram', 'cbow'] as const) {
    it(`${mode} (js engine) lowers its loss and groups words by topic`, async () => {
      const model = track(
        createWord2vec({
          vocabularySize,
          mode,
          dimension: 16,
          window: 3,
          minCount: 5,
          subsamplingThreshold: 0,
          seed: 1,
        }),
      );
      const result = await trainWord2vec(model, corpus.sentences, {
        epochs: 8,
        batchSize: 128,
        progressEvery: 5,
      });
      expect(result.lastLoss).toBeLessThan(0.8 * result.firstLoss);
      const vectors = model.wordVectors(corpus.words);
      expect(vectors.has('<unk>')).toBe(false); // count 0: never in the text
      const { within, across } = topicCosines((a, b) => vectors.similarity(a, b), corpus);
      expect(within).toBeGreaterThan(across + 0.3);
      const neighbour = vectors.nearest('a0', 1)[0]!.word;
      expect(neighbour.startsWith('a')).toBe(true);
    });
  }

  it('the js engine makes the same updates as the tf engine (one example per step)', async () => {
    const sentence = [corpus.sentences[0]!.slice(0, 24)];
    const options = {
      vocabularySize,
      dimension: 6,
      window: 2,
      negatives: 1,
      minCount: 1,
      subsamplingThreshold: 0,
      seed: 3,
    };
    const js = track(createWord2vec(options));
    const viaTf = track(createWord2vec(options));
    const train = { epochs: 1, batchSize: 1, learningRate: 0.5 };
    const jsResult = await trainWord2vec(js, sentence, { ...train, engine: 'js' });
    const tfResult = await trainWord2vec(viaTf, sentence, { ...train, engine: 'tf' });
    expect(tfResult.examples).toBe(jsResult.examples);
    const difference = (a: tf.Variable, b: tf.Variable): number =>
      tf.tidy(() => tf.max(tf.abs(tf.sub(a, b))).dataSync()[0]!);
    const moved = tf.tidy(() => tf.max(tf.abs(js.outputVectors)).dataSync()[0]!);
    expect(moved).toBeGreaterThan(1e-3);
    expect(difference(js.inputVectors, viaTf.inputVectors)).toBeLessThan(1e-3 * moved);
    expect(difference(js.outputVectors, viaTf.outputVectors)).toBeLessThan(1e-3 * moved);
  });

  it('trains CBOW with the tf engine on wasm without leaking tensors', async () => {
    const model = track(
      createWord2vec({
        vocabularySize,
        mode: 'cbow',
        dimension: 8,
        window: 2,
        subsamplingThreshold: 0,
        seed: 2,
      }),
    );
    let result: Awaited<ReturnType<typeof trainWord2vec>> | undefined;
    await expectNoTensorLeak(async () => {
      result = await trainWord2vec(model, corpus.sentences.slice(0, 60), {
        engine: 'tf',
        epochs: 3,
        batchSize: 64,
        progressEvery: 4,
      });
    });
    expect(result!.lastLoss).toBeLessThan(result!.firstLoss);
  });

  it('subsampling drops occurrences of frequent words', async () => {
    const options = { vocabularySize, dimension: 4, window: 2, seed: 0 };
    const all = await trainWord2vec(
      track(createWord2vec({ ...options, subsamplingThreshold: 0 })),
      corpus.sentences,
      { epochs: 1 },
    );
    const thinned = await trainWord2vec(
      track(createWord2vec({ ...options, subsamplingThreshold: 1e-3 })),
      corpus.sentences,
      { epochs: 1 },
    );
    expect(thinned.examples).toBeLessThan(0.6 * all.examples);
  });

  it('stops when its signal is aborted', async () => {
    const controller = new AbortController();
    controller.abort();
    const model = track(createWord2vec({ vocabularySize, dimension: 4 }));
    const result = await trainWord2vec(model, corpus.sentences, { signal: controller.signal });
    expect(result.aborted).toBe(true);
    expect(result.examples).toBe(0);
  });

  it('rejects bad options and ids with messages that say what to fix', async () => {
    expect(() => createWord2vec({ vocabularySize, mode: 'glove' as 'cbow' })).toThrow(/mode/);
    expect(() => createWord2vec({ vocabularySize, window: 0 })).toThrow(/window/);
    const model = track(createWord2vec({ vocabularySize, dimension: 4 }));
    await expect(trainWord2vec(model, [[1, 999]])).rejects.toThrow(/outside \[0, 27\)/);
    await expect(trainWord2vec(model, [[1, 2]], { engine: 'gpu' as 'js' })).rejects.toThrow(
      /engine/,
    );
    expect(() => model.wordVectors(corpus.words)).toThrow(/trainWord2vec first/);
  });
});
