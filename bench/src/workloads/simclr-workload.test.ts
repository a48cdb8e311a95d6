import { initBackend } from '@selfsup/core';
import { computeOnBackends, expectNoTensorLeak, expectTensorsClose } from '@selfsup/core/test';
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { simclrStepFlops } from '../flops/simclr-step-flops';
import {
  createSimclrStep,
  type SimclrWorkloadConfig,
  simclrBenchConfig,
  simclrWorkload,
} from './simclr-workload';

const tiny: SimclrWorkloadConfig = {
  ...simclrBenchConfig,
  network: {
    imageSize: 8,
    channels: 1,
    filters: [4, 8],
    representationSize: 16,
    projectionHiddenSize: 16,
    projectionSize: 8,
  },
  images: 6,
  learningRate: 1e-2,
};

describe('SimCLR workload', () => {
  beforeAll(async () => {
    await initBackend({ backend: 'wasm' });
  });

  it('is the bench configuration: 256 inputs of 28×28×1 (128 × 2 views), counted as images', () => {
    expect(simclrBenchConfig.network).toEqual({
      imageSize: 28,
      channels: 1,
      filters: [32, 64],
      representationSize: 128,
      projectionHiddenSize: 128,
      projectionSize: 64,
    });
    expect([
      simclrBenchConfig.images,
      simclrBenchConfig.temperature,
      simclrBenchConfig.learningRate,
    ]).toEqual([128, 0.5, 1e-3]);
    expect(simclrWorkload.unitsPerStep).toBe(256);
    expect(simclrWorkload.flopsPerStep).toBe(simclrStepFlops(simclrBenchConfig.network, 256));
  });

  // On wasm these need Conv2DBackpropFilter (registered by core's wasm kernels).
  it('trains: the loss on its fixed views is finite and falls step after step', () => {
    const step = createSimclrStep(0, tiny);
    const losses = Array.from({ length: 6 }, () => step.step());
    step.dispose();
    for (const loss of losses) expect(Number.isFinite(loss)).toBe(true);
    expect(losses[5]!).toBeLessThan(losses[0]! - 0.05);
  });

  it('gives the same losses on wasm and cpu', async () => {
    const { reference, actual } = await computeOnBackends(() => {
      const step = createSimclrStep(1, tiny);
      const losses = [step.step(), step.step(), step.step()];
      step.dispose();
      return tf.tensor1d(losses);
    });
    expectTensorsClose(actual[0]!, reference[0]!, { label: 'losses' });
  });

  it('leaks no tensors per step, nor once disposed', async () => {
    const step = createSimclrStep(0, tiny);
    step.step();
    await expectNoTensorLeak(() => step.step());
    step.dispose();
    await expectNoTensorLeak(() => createSimclrStep(2, tiny).dispose());
  });
});
