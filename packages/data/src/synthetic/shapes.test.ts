import { deriveSeed, initBackend } from '@selfsup/core';
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { createWordTokenizer } from './__fixtures__/word-tokenizer';
import { allCaptions } from './caption-templates';
import {
  type CaptionBatch,
  shapeCaptionWords,
  shapeNames,
  shapePromptTemplates,
  shapesExample,
  shapesSource,
  shapesTestSet,
  shapesZeroShotPrompts,
  shapeTrainingTemplates,
} from './shapes';

describe('shapes', () => {
  beforeAll(async () => {
    await initBackend({ backend: 'wasm', quiet: true });
  });

  it('is reproducible from a seed and draws the shape in its colour, with a matching caption', () => {
    const example = shapesExample(deriveSeed(2, 0));
    expect(shapesExample(deriveSeed(2, 0))).toEqual(example);
    expect(shapesExample(deriveSeed(2, 1)).image).not.toEqual(example.image);
    expect(example.image.length).toBe(32 * 32 * 3);
    for (let i = 0; i < 200; i++) {
      const { image, caption, words } = shapesExample(deriveSeed(3, i));
      expect(caption).toContain(words.shape);
      expect(caption).toContain(words.colour);
      // The brightest pixels belong to the shape, whose colour dominates a dark background.
      let bright = 0;
      for (let p = 0; p < image.length; p += 3) {
        if (Math.max(image[p]!, image[p + 1]!, image[p + 2]!) > 100) bright++;
      }
      expect(bright).toBeGreaterThan(8);
    }
  });

  it('draws every shape class at a sensible size', () => {
    const area = (seedIndex: number) => {
      const { image, label } = shapesExample(deriveSeed(4, seedIndex), { size: 64 });
      let covered = 0;
      for (let p = 0; p < image.length; p += 3)
        if (Math.max(image[p]!, image[p + 1]!, image[p + 2]!) > 90) covered++;
      return { label, covered };
    };
    const samples = Array.from({ length: 300 }, (_, i) => area(i));
    // Colours differ in brightness, so only check that every class draws something of a sensible size.
    for (let label = 0; label < shapeNames.length; label++) {
      const own = samples.filter((sample) => sample.label === label);
      expect(own.length).toBeGreaterThan(20);
      const median = own.map((sample) => sample.covered).sort((a, b) => a - b)[own.length >> 1]!;
      expect(median).toBeGreaterThan(100);
      expect(median).toBeLessThan(64 * 64 * 0.5);
    }
  });

  it('holds the zero-shot prompt templates out of the training captions', () => {
    const training = allCaptions(shapeTrainingTemplates, shapeCaptionWords);
    const prompts = shapesZeroShotPrompts();
    expect(prompts).toHaveLength(shapeNames.length);
    expect(training.size).toBeGreaterThan(1000);
    for (const prompt of prompts.flat()) expect(training.has(prompt)).toBe(false);
    for (const template of shapePromptTemplates) {
      expect((shapeTrainingTemplates as readonly string[]).includes(template)).toBe(false);
    }
    const test = shapesTestSet({ count: 50 });
    for (const caption of test.captions) expect(training.has(caption)).toBe(true);
    expect(test.describe().countsPerClass).toEqual([10, 10, 10, 10, 10]);
  });

  it('gives tokenized image–caption batches that are a pure function of (seed, position)', () => {
    const tokenizer = createWordTokenizer(allCaptions(shapeTrainingTemplates, shapeCaptionWords));
    const source = shapesSource({ batchSize: 4, tokenizer, maxLength: 12, batches: 3 });
    const read = (position: number) => {
      const value = (source.batches({ position, seed: 8 }) as Iterator<CaptionBatch>).next().value!;
      const result = {
        images: value.images.shape,
        tokens: value.tokens.arraySync(),
        pixels: Array.from(value.images.dataSync() as Float32Array),
      };
      tf.dispose(value);
      return result;
    };
    const second = read(1);
    const iterator = source.batches({ position: 0, seed: 8 }) as Iterator<CaptionBatch>;
    tf.dispose(iterator.next().value);
    const again = iterator.next().value!;
    expect(Array.from(again.images.dataSync())).toEqual(second.pixels);
    tf.dispose(again);
    expect(second.images).toEqual([4, 32, 32, 3]);
    expect(second.tokens[0]).toHaveLength(12);
    expect(tokenizer.decode(second.tokens[0]!)).toMatch(/circle|square|triangle|diamond|cross/);
    expect(Math.max(...second.pixels)).toBeLessThanOrEqual(1);
  });
});
