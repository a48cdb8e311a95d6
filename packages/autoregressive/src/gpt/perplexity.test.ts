import { initBackend } from '@selfsup/core';
import { expectNoTensorLeak } from '@selfsup/core/test';
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { createGpt } from './gpt';
import { perplexity } from './perplexity';

describe('perplexity', () => {
  beforeAll(async () => {
    await initBackend({ backend: 'wasm', quiet: true });
  });

  it('scores every token after the first once, in consecutive windows, without leaks', async () => {
    const gpt = createGpt({
      vocabularySize: 7,
      blockSize: 4,
      layers: 1,
      heads: 2,
      embeddingSize: 8,
      seed: 2,
    });
    const ids = [0, 3, 1, 4, 1, 5, 2, 6, 5, 3, 5];
    // By hand: windows of 4 predictions starting at 0 and 4, then the 2 left over.
    const manual = tf.tidy(() => {
      let total = 0;
      for (const [start, length] of [
        [0, 4],
        [4, 4],
        [8, 2],
      ] as const) {
        const inputs = tf.tensor2d([ids.slice(start, start + length)], [1, length], 'int32');
        const logProbabilities = tf
          .logSoftmax(gpt.logits(inputs, { training: false }))
          .arraySync() as number[][][];
        for (let position = 0; position < length; position++)
          total -= logProbabilities[0]![position]![ids[start + position + 1]!]!;
      }
      return total / 10;
    });
    await perplexity(gpt, ids, { batchSize: 1 }); // warm-up: builds the causal masks
    await expectNoTensorLeak(async () => {
      for (const batchSize of [1, 2, 16]) {
        const result = await perplexity(gpt, ids, { batchSize });
        expect(result.tokens).toBe(10);
        expect(result.loss).toBeCloseTo(manual, 5);
        expect(result.perplexity).toBeCloseTo(Math.exp(manual), 4);
      }
    });
    // An untrained model is close to uniform: perplexity near V.
    const { perplexity: value } = await perplexity(gpt, ids);
    expect(value).toBeGreaterThan(5);
    expect(value).toBeLessThan(9);
    await expect(perplexity(gpt, [1])).rejects.toThrow(/at least 2/);
    await expect(perplexity(gpt, ids, { blockSize: 5 })).rejects.toThrow(/blockSize/);
    gpt.dispose();
  });
});
