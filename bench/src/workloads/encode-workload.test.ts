import { initBackend } from '@selfsup/core';
import { expectNoTensorLeak } from '@selfsup/core/test';
import { beforeAll, describe, expect, it } from 'vitest';
import { convNetForwardFlops, transformerForwardFlops } from '../flops/inference-flops';
import {
  createEncodeConvNetStep,
  createEncodeTransformerStep,
  encodeConvNetBenchConfig,
  encodeConvNetWorkload,
  encodeTransformerBenchConfig,
  encodeTransformerWorkload,
} from './encode-workload';

describe('encode workloads', () => {
  beforeAll(async () => {
    await initBackend({ backend: 'wasm', quiet: true });
  });

  it('encode an MNIST batch with the ConvNet and token sequences with the Transformer', () => {
    expect(encodeConvNetBenchConfig.images).toBe('mnist');
    expect(encodeConvNetWorkload.unitsPerStep).toBe(encodeConvNetBenchConfig.batchSize);
    expect(encodeConvNetWorkload.flopsPerStep).toBe(
      convNetForwardFlops({ ...encodeConvNetBenchConfig, channels: 1 }, 256),
    );
    expect(encodeTransformerWorkload.unitsPerStep).toBe(32 * 128);
    expect(encodeTransformerWorkload.flopsPerStep).toBe(
      transformerForwardFlops(encodeTransformerBenchConfig, 32, 128),
    );
  });

  it('run 2 steps each with the same finite features, without leaking', async () => {
    const steps = [
      createEncodeConvNetStep(0, {
        images: 'uniform',
        imageSize: 8,
        batchSize: 3,
        filters: [4, 8],
        outputSize: 8,
      }),
      createEncodeTransformerStep(0, {
        vocabularySize: 20,
        sequenceLength: 6,
        batchSize: 3,
        layers: 1,
        heads: 2,
        dimensions: 8,
      }),
    ];
    for (const step of steps) {
      const first = step.step();
      expect(first).toBeGreaterThan(0);
      expect(Number.isFinite(first)).toBe(true);
      await expectNoTensorLeak(() => expect(step.step()).toBeCloseTo(first, 5));
      step.dispose();
    }
    await expectNoTensorLeak(() =>
      createEncodeTransformerStep(1, {
        vocabularySize: 20,
        sequenceLength: 6,
        batchSize: 3,
        layers: 1,
        heads: 2,
        dimensions: 8,
      }).dispose(),
    );
  });

  it('reads the first MNIST test images as [B, 28, 28, 1] in [0, 1]', async () => {
    const step = createEncodeConvNetStep(0, { ...encodeConvNetBenchConfig, batchSize: 2 });
    expect(Number.isFinite(step.step())).toBe(true);
    step.dispose();
  });
});
