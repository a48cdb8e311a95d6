import { initBackend } from '@selfsup/core';
import { computeOnBackends, expectNoTensorLeak, expectTensorsClose } from '@selfsup/core/test';
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { gptStepFlops } from '../flops/gpt-step-flops';
import {
  createGptStep,
  type GptWorkloadConfig,
  gptBenchConfig,
  gptDoubleBatchConfig,
  gptDoubleBatchWorkload,
  gptWorkload,
} from './gpt-workload';

const tiny: GptWorkloadConfig = {
  ...gptBenchConfig,
  model: { vocabularySize: 13, blockSize: 8, layers: 1, heads: 2, dimensions: 16 },
  batchSize: 3,
  learningRate: 1e-2,
};

describe('GPT workload', () => {
  beforeAll(async () => {
    await initBackend({ backend: 'wasm' });
  });

  it("is nanoGPT's CPU configuration, counted as tokens", () => {
    expect(gptBenchConfig.model).toEqual({
      vocabularySize: 65,
      blockSize: 64,
      layers: 4,
      heads: 4,
      dimensions: 128,
    });
    expect([
      gptBenchConfig.batchSize,
      gptBenchConfig.learningRate,
      gptBenchConfig.weightDecay,
      gptBenchConfig.clipNorm,
    ]).toEqual([12, 1e-3, 0.1, 1]);
    expect(gptBenchConfig.betas).toEqual([0.9, 0.99]);
    expect(gptWorkload.unitsPerStep).toBe(12 * 64);
    expect(gptWorkload.flopsPerStep).toBe(gptStepFlops(gptBenchConfig.model, 12));
    // gpt-batch-24: the recipe with twice the batch, on one thread.
    expect(gptDoubleBatchConfig).toEqual({ ...gptBenchConfig, batchSize: 24 });
    expect(gptDoubleBatchWorkload.unitsPerStep).toBe(24 * 64);
    expect(gptDoubleBatchWorkload.flopsPerStep).toBe(gptStepFlops(gptBenchConfig.model, 24));
  });

  it('trains: the loss on its fixed batch is finite and falls step after step', () => {
    const step = createGptStep(0, tiny);
    const losses = Array.from({ length: 6 }, () => step.step());
    step.dispose();
    for (const loss of losses) expect(Number.isFinite(loss)).toBe(true);
    expect(losses[5]!).toBeLessThan(losses[0]! - 0.05);
  });

  it('gives the same losses on wasm and cpu', async () => {
    const { reference, actual } = await computeOnBackends(() => {
      const step = createGptStep(1, tiny);
      const losses = [step.step(), step.step(), step.step()];
      step.dispose();
      return tf.tensor1d(losses);
    });
    expectTensorsClose(actual[0]!, reference[0]!, { label: 'losses' });
  });

  it('leaks no tensors per step, nor once disposed', async () => {
    const step = createGptStep(0, tiny);
    step.step();
    await expectNoTensorLeak(() => step.step());
    step.dispose();
    await expectNoTensorLeak(() => createGptStep(2, tiny).dispose());
  });
});
