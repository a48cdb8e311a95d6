import { initBackend } from '@selfsup/core';
import { expectNoTensorLeak } from '@selfsup/core/test';
import { beforeAll, describe, expect, it } from 'vitest';
import { gptGenerationFlops } from '../flops/inference-flops';
import {
  createGenerateStep,
  type GenerateWorkloadConfig,
  generateBenchConfig,
  generateCachedWorkload,
  generateUncachedWorkload,
} from './generate-workload';

const tiny: GenerateWorkloadConfig = {
  vocabularySize: 13,
  blockSize: 16,
  layers: 1,
  heads: 2,
  dimensions: 16,
  promptLength: 4,
  tokens: 6,
  temperature: 1,
};

describe('GPT generation workloads', () => {
  beforeAll(async () => {
    await initBackend({ backend: 'wasm', quiet: true });
  });

  it('generate the GPT workload model within one block, counted as tokens', () => {
    const { promptLength, tokens, blockSize } = generateBenchConfig;
    expect(promptLength + tokens).toBeLessThanOrEqual(blockSize);
    expect(generateCachedWorkload.kind).toBe('inference');
    expect(generateCachedWorkload.unitsPerStep).toBe(tokens);
    expect(generateUncachedWorkload.unitsPerStep).toBe(tokens);
    // The cache saves work: fewer counted FLOPs per generated token.
    expect(generateCachedWorkload.flopsPerStep).toBeLessThan(
      generateUncachedWorkload.flopsPerStep / 4,
    );
    expect(generateCachedWorkload.flopsPerStep).toBe(
      gptGenerationFlops(generateBenchConfig, promptLength, tokens, true),
    );
  });

  it('generates the configured tokens with and without the cache, without leaking', async () => {
    for (const useCache of [true, false]) {
      const step = createGenerateStep(0, useCache, tiny);
      expect(await step.step()).toBe(tiny.tokens);
      await expectNoTensorLeak(async () => {
        expect(await step.step()).toBe(tiny.tokens);
      });
      step.dispose();
    }
    await expectNoTensorLeak(() => createGenerateStep(1, true, tiny).dispose());
  });

  it('refuses a prompt and length that outgrow the block', () => {
    expect(() => createGenerateStep(0, true, { ...tiny, tokens: 13 })).toThrow(/block size 16/);
  });
});
