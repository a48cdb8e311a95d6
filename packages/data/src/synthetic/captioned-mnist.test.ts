import { initBackend } from '@selfsup/core';
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { type ImageDataset, selectImages } from '../image-dataset';
import { loadMnist } from '../mnist';
import { createWordTokenizer } from './__fixtures__/word-tokenizer';
import { allCaptions } from './caption-templates';
import {
  captionedMnistSource,
  captionedMnistTestSet,
  captionMnistImage,
  mnistCaptionWords,
  mnistPromptTemplates,
  mnistTrainingTemplates,
  mnistZeroShotPrompts,
} from './captioned-mnist';
import type { CaptionBatch } from './shapes';

describe('captioned MNIST', () => {
  let test: ImageDataset;
  beforeAll(async () => {
    await initBackend({ backend: 'wasm', quiet: true });
    test = loadMnist('test');
  });

  it('captions each image with its digit and varied, reproducible templates', () => {
    const first = captionMnistImage(test, 0, 1);
    expect(captionMnistImage(test, 0, 1)).toEqual(first);
    expect(first.label).toBe(7);
    expect(first.caption).toMatch(/seven|7/);
    const set = captionedMnistTestSet({ count: 600, dataset: test });
    expect(new Set(set.captions).size).toBeGreaterThan(100);
    expect(set.images.length).toBe(600 * 784);
    // Every thickness and slant word is used for a fair share of the digits.
    for (const word of [...mnistCaptionWords.thickness, ...mnistCaptionWords.slant]) {
      const share =
        Array.from({ length: 600 }, (_, i) => captionMnistImage(test, i, 0).words).filter(
          (words) => words.thickness === word || words.slant === word,
        ).length / 600;
      expect(share).toBeGreaterThan(0.1);
    }
  });

  it('holds the zero-shot prompt templates out of the training captions', () => {
    const training = allCaptions(mnistTrainingTemplates, mnistCaptionWords);
    const prompts = mnistZeroShotPrompts();
    expect(prompts).toHaveLength(10);
    expect(prompts[7]).toContain('a photo of the number seven');
    for (const prompt of prompts.flat()) expect(training.has(prompt)).toBe(false);
    for (const template of mnistPromptTemplates) {
      expect((mnistTrainingTemplates as readonly string[]).includes(template)).toBe(false);
    }
  });

  it('gives tokenized image–caption batches that are a pure function of (seed, position)', () => {
    const tokenizer = createWordTokenizer(allCaptions(mnistTrainingTemplates, mnistCaptionWords));
    const dataset = selectImages(
      test,
      Array.from({ length: 200 }, (_, i) => i),
    );
    const source = captionedMnistSource({ batchSize: 8, tokenizer, dataset });
    const read = (position: number, skip: number) => {
      const iterator = source.batches({ position, seed: 3 }) as Iterator<CaptionBatch>;
      for (let i = 0; i < skip; i++) tf.dispose(iterator.next().value);
      const value = iterator.next().value!;
      const result = {
        tokens: value.tokens.arraySync(),
        labels: Array.from(value.labels.dataSync() as Int32Array),
        shape: value.images.shape,
      };
      tf.dispose(value);
      return result;
    };
    const resumed = read(2, 0);
    expect(read(0, 2)).toEqual(resumed);
    expect(resumed.shape).toEqual([8, 28, 28, 1]);
    expect(resumed.tokens[0]).toHaveLength(16);
    const caption = tokenizer.decode(resumed.tokens[0]!);
    expect(caption).toMatch(
      new RegExp(`${mnistCaptionWords.name[resumed.labels[0]!]}|${resumed.labels[0]}`),
    );
  });
});
