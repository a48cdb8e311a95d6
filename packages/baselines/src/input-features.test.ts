import { initBackend, labelEfficiency } from '@selfsup/core';
import { expectNoTensorLeak } from '@selfsup/core/test';
import { loadSpamAssassin, trainWordPieceTokenizer } from '@selfsup/data';
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { bagOfWordsFeatures, withInputFeatures } from './input-features';
import { createClusteringRunner, createPcaProbeRunner } from './unsupervised-runners';

describe('withInputFeatures and bagOfWordsFeatures', () => {
  beforeAll(async () => {
    await initBackend({ backend: 'wasm', quiet: true });
  });

  it('counts ids per document (padding left out), log(1 + count), rows of unit length', () => {
    const ids = tf.tensor2d(
      [
        [1, 1, 3, 0],
        [0, 0, 0, 0],
      ],
      [2, 4],
      'int32',
    );
    const features = bagOfWordsFeatures(4)(ids);
    const a = Math.log(3);
    const b = Math.log(2);
    const norm = Math.hypot(a, b);
    const values = Array.from(features.dataSync());
    expect(values.map((value) => Number(value.toFixed(5)))).toEqual(
      [0, a / norm, 0, b / norm, 0, 0, 0, 0].map((value) => Number(value.toFixed(5))),
    );
    expect(() => bagOfWordsFeatures(3)(ids)).toThrow(/token id 3 is outside \[0, 3\)/);
    expect(() => bagOfWordsFeatures(0)).toThrow(/positive integer/);
    tf.dispose([ids, features]);
  });

  it('runs PCA + probe (LSA) and k-means on token ids of SpamAssassin, without leaking tensors', async () => {
    const spam = loadSpamAssassin();
    // Every 8th message: both classes, a quick study.
    const train = spam.train.filter((_, index) => index % 8 === 0);
    const test = spam.test.filter((_, index) => index % 4 === 0);
    const tokenizer = trainWordPieceTokenizer(
      train.map((message) => message.text),
      { vocabularySize: 500 },
    );
    const length = 64;
    const toIds = (texts: readonly string[]) => {
      const ids = new Int32Array(texts.length * length);
      texts.forEach((text, row) => {
        ids.set(tokenizer.encode(text).slice(0, length), row * length);
      });
      return tf.tensor2d(ids, [texts.length, length], 'int32');
    };
    const pool = { inputs: toIds(train.map((m) => m.text)), labels: train.map((m) => m.label) };
    const testSet = { inputs: toIds(test.map((m) => m.text)), labels: test.map((m) => m.label) };
    const features = bagOfWordsFeatures(tokenizer.vocabularySize, {
      paddingId: tokenizer.specialTokens.padding ?? 0,
    });
    const lsa = withInputFeatures(createPcaProbeRunner({ components: 20 }), features);
    const kMeans = withInputFeatures(
      createClusteringRunner({ algorithm: 'k-means', components: 20, clusters: 8 }),
      features,
    );
    const before = tf.memory().numTensors;
    const result = await labelEfficiency({
      train: pool,
      test: testSet,
      numClasses: 2,
      budgets: [100],
      seeds: [0, 1, 2],
      runners: [lsa, kMeans],
      recipe: { epochs: 30, batchSize: 32 },
    });
    lsa.dispose();
    kMeans.dispose();
    expect(tf.memory().numTensors).toBe(before);
    const accuracy = (runner: string) =>
      result.summary.find((row) => row.runner === runner && row.metric === 'accuracy')!.mean;
    const majority = Math.max(
      ...[0, 1].map((label) => test.filter((m) => m.label === label).length / test.length),
    );
    // Bag-of-words LSA separates spam from ham with 100 labels, well above the majority class.
    expect(accuracy('pca')).toBeGreaterThan(majority + 0.1);
    expect(accuracy('k-means')).toBeGreaterThan(majority);
    await expectNoTensorLeak(() => tf.dispose(features(testSet.inputs)));
    tf.dispose([pool.inputs, testSet.inputs]);
  });
});
