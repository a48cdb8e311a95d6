import { initBackend, type TokenizerV1 } from '@selfsup/core';
import { expectNoTensorLeak } from '@selfsup/core/test';
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import type { ClipEmbedder } from './clip-embedder';
import { l2NormalizeRows } from './clip-loss';
import { recallAtK, retrieve } from './clip-retrieval';
import { zeroShotAccuracy, zeroShotClassEmbeddings, zeroShotClassify } from './clip-zero-shot';

const size = 12;

/**
 * A CLIP stand-in whose spaces are known: image `[1, size, 1]` → its pixels, token ids → the sum
 * of their one-hot rows (padding id 0 contributes nothing), both normalised.
 */
const oneHotEmbedder: ClipEmbedder = {
  embedImages: (images) =>
    tf.tidy(() => l2NormalizeRows(images.reshape([images.shape[0], -1]) as tf.Tensor2D)),
  embedTexts: (tokens) =>
    tf.tidy(() => {
      const [count, length] = tokens.shape;
      const counts = tf
        .oneHot(tokens.reshape([-1]), size)
        .cast('float32')
        .reshape([count, length, size])
        .sum(1)
        .mul(tf.concat([tf.zeros([1]), tf.ones([size - 1])]));
      return l2NormalizeRows(counts as tf.Tensor2D);
    }),
};

/** Image `i` lights pixel `pixels[i]`. */
function pixelImages(pixels: readonly number[]): tf.Tensor4D {
  return tf.tidy(
    () =>
      tf
        .oneHot(tf.tensor1d([...pixels], 'int32'), size)
        .cast('float32')
        .reshape([pixels.length, 1, size, 1]) as tf.Tensor4D,
  );
}

/** Words 'w1' … 'w11' are ids 1 … 11; anything else is padding-free unknown id 0. */
const wordTokenizer: TokenizerV1 = {
  specificationVersion: 'v1',
  vocabularySize: size,
  specialTokens: { padding: 0 },
  encode: (text) =>
    text
      .split(/\s+/)
      .filter(Boolean)
      .map((word) => (/^w\d+$/.test(word) ? Number(word.slice(1)) : 0)),
  decode: (ids) => ids.map((id) => `w${id}`).join(' '),
  idToToken: (id) => `w${id}`,
  tokenToId: (token) => Number(token.slice(1)),
};

describe('retrieval and zero-shot', () => {
  beforeAll(async () => {
    await initBackend({ backend: 'wasm', quiet: true });
  });

  it('counts recall@k with ties shared fairly', () => {
    tf.tidy(() => {
      expect(recallAtK(tf.eye(4) as tf.Tensor2D, [1, 2])).toEqual({ 1: 1, 2: 1 });
      // Row 0's positive ranks 3rd (two better), row 1's first, row 2's ties with both others.
      const similarities = tf.tensor2d([
        [0.1, 0.5, 0.9],
        [0.0, 0.8, 0.2],
        [0.3, 0.3, 0.3],
      ]);
      const recall = recallAtK(similarities, [1, 2, 3]);
      expect(recall[1]).toBeCloseTo((0 + 1 + 1 / 3) / 3, 6);
      expect(recall[2]).toBeCloseTo((0 + 1 + 2 / 3) / 3, 6);
      expect(recall[3]).toBeCloseTo(1, 6);
      expect(() => recallAtK(tf.ones([2, 3]) as tf.Tensor2D)).toThrow(/square/);
      expect(() => recallAtK(similarities, [0])).toThrow(/positive integers/);
    });
  });

  it('retrieves every pair of a trivial matching, and only the right ones after a swap', async () => {
    const count = 11;
    const images = pixelImages(Array.from({ length: count }, (_, i) => i + 1));
    const matched = tf.tensor2d(
      Array.from({ length: count }, (_, i) => [i + 1, 0]),
      [count, 2],
      'int32',
    );
    await expectNoTensorLeak(() => {
      const result = retrieve(oneHotEmbedder, images, matched, { batchSize: 4 });
      expect(result).toEqual({
        imageToText: { 1: 1, 5: 1, 10: 1 },
        textToImage: { 1: 1, 5: 1, 10: 1 },
        count,
      });
    });
    // Captions 0 and 1 swapped: those two pairs rank their positive behind one better caption,
    // tied with the count − 2 unrelated ones (similarity 0).
    const swapped = tf.tensor2d(
      Array.from({ length: count }, (_, i) => [i === 0 ? 2 : i === 1 ? 1 : i + 1, 0]),
      [count, 2],
      'int32',
    );
    const result = retrieve(oneHotEmbedder, images, swapped, { ks: [1, 5] });
    const swappedRecall = (k: number) => Math.min(1, Math.max(0, (k - 1) / (count - 1)));
    for (const k of [1, 5]) {
      const expected = (count - 2 + 2 * swappedRecall(k)) / count;
      expect(result.imageToText[k]).toBeCloseTo(expected, 6);
      expect(result.textToImage[k]).toBeCloseTo(expected, 6);
    }
    expect(() => retrieve(oneHotEmbedder, images, swapped.slice([0, 0], [3, 2]))).toThrow(
      /one caption per image/,
    );
    tf.dispose([images, matched, swapped]);
  });

  it('classifies zero-shot with the normalised mean of the normalised prompt embeddings', async () => {
    // Class c has prompts 'w(2c+1)' and 'w(2c+2)': its ensemble points between the two pixels.
    const prompts = [0, 1, 2, 3, 4].map((c) => [`w${2 * c + 1}`, `w${2 * c + 2} w0`]);
    await expectNoTensorLeak(() => {
      const classes = zeroShotClassEmbeddings(oneHotEmbedder, {
        tokenizer: wordTokenizer,
        prompts,
      });
      const values = classes.arraySync();
      expect(values[2]![5]).toBeCloseTo(Math.SQRT1_2, 5);
      expect(values[2]![6]).toBeCloseTo(Math.SQRT1_2, 5);
      classes.dispose();
    });
    const pixels = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11];
    const images = pixelImages(pixels);
    const expected = pixels.map((pixel) => (pixel === 11 ? 0 : Math.floor((pixel - 1) / 2)));
    await expectNoTensorLeak(() => {
      const predicted = zeroShotClassify(oneHotEmbedder, images, {
        tokenizer: wordTokenizer,
        prompts,
        batchSize: 3,
      });
      // Pixel 11 matches no class: every class scores 0, argMax takes class 0.
      expect(Array.from(predicted)).toEqual(expected);
    });
    const accuracy = zeroShotAccuracy(oneHotEmbedder, images, expected, {
      tokenizer: wordTokenizer,
      classNames: ['w1', 'w3', 'w5', 'w7', 'w9'],
      templates: ['{}', 'w0 {}'],
    });
    // Only odd pixels ≤ 9 are named: the others score 0 everywhere and fall to class 0.
    const named = pixels.map((pixel) => (pixel % 2 === 1 && pixel <= 9 ? (pixel - 1) / 2 : 0));
    const correct = named.filter((label, index) => label === expected[index]).length;
    expect(accuracy).toBeCloseTo(correct / pixels.length, 6);
    expect(() =>
      zeroShotClassify(oneHotEmbedder, images, {
        tokenizer: wordTokenizer,
        prompts,
        classNames: ['a'],
      }),
    ).toThrow(/either classNames/);
    expect(() =>
      zeroShotAccuracy(oneHotEmbedder, images, [0, 1], { tokenizer: wordTokenizer, prompts }),
    ).toThrow(/one label per image/);
    images.dispose();
  });
});
