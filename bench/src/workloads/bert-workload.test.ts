import { initBackend } from '@selfsup/core';
import { expectNoTensorLeak } from '@selfsup/core/test';
import { beforeAll, describe, expect, it } from 'vitest';
import { bertStepFlops } from '../flops/bert-step-flops';
import {
  type BertWorkloadConfig,
  bertBenchConfig,
  bertPredictionsPerSequence,
  bertWorkload,
  createBertStep,
} from './bert-workload';

const tiny: BertWorkloadConfig = {
  ...bertBenchConfig,
  vocabularySize: 40,
  sequenceLength: 12,
  batchSize: 4,
  layers: 1,
  dimensions: 16,
  heads: 2,
  learningRate: 1e-2,
};

describe('BERT workload', () => {
  beforeAll(async () => {
    await initBackend({ backend: 'wasm', quiet: true });
  });

  it("is issue 10's BERT-mini step, counted as tokens", () => {
    expect([
      bertBenchConfig.layers,
      bertBenchConfig.dimensions,
      bertBenchConfig.sequenceLength,
      bertBenchConfig.batchSize,
    ]).toEqual([4, 128, 128, 16]);
    expect(bertWorkload.kind).toBe('training');
    expect(bertWorkload.unitsPerStep).toBe(16 * 128);
    expect(bertPredictionsPerSequence(128)).toBe(Math.round(0.15 * 126));
    expect(bertWorkload.flopsPerStep).toBe(
      bertStepFlops({
        ...bertBenchConfig,
        predictionsPerSequence: bertPredictionsPerSequence(128),
      }),
    );
  });

  it('trains: the loss on its fixed batch and mask is finite and falls', () => {
    const step = createBertStep(0, tiny);
    const losses = Array.from({ length: 5 }, () => step.step());
    step.dispose();
    for (const loss of losses) expect(Number.isFinite(loss)).toBe(true);
    expect(losses[4]!).toBeLessThan(losses[0]! - 0.05);
  });

  it('leaks no tensors per step, nor once disposed', async () => {
    const step = createBertStep(1, tiny);
    step.step();
    await expectNoTensorLeak(() => step.step());
    step.dispose();
    await expectNoTensorLeak(() => createBertStep(2, tiny).dispose());
  });
});
