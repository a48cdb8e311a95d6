import { initBackend } from '@selfsup/core';
import { expectNoTensorLeak } from '@selfsup/core/test';
import { beforeAll, describe, expect, it } from 'vitest';
import { maeStepFlops } from '../flops/mae-step-flops';
import { createMaeStep, type MaeWorkloadConfig, maeBenchConfig, maeWorkload } from './mae-workload';

const tiny: MaeWorkloadConfig = {
  ...maeBenchConfig,
  images: 'uniform',
  imageSize: 8,
  batchSize: 4,
  patchSize: 2,
  layers: 1,
  dimensions: 16,
  heads: 2,
  decoderLayers: 1,
  decoderDimensions: 16,
  learningRate: 1e-2,
};

describe('MAE workload', () => {
  beforeAll(async () => {
    await initBackend({ backend: 'wasm', quiet: true });
  });

  it("is issue 10's MAE step on MNIST, counted as images", () => {
    expect([
      maeBenchConfig.images,
      maeBenchConfig.layers,
      maeBenchConfig.dimensions,
      maeBenchConfig.patchSize,
      maeBenchConfig.batchSize,
    ]).toEqual(['mnist', 4, 64, 4, 64]);
    expect(maeWorkload.unitsPerStep).toBe(64);
    expect(maeWorkload.flopsPerStep).toBe(
      maeStepFlops({ ...maeBenchConfig, channels: 1, classToken: true }),
    );
  });

  it('trains: the loss on its fixed images and mask is finite and falls', () => {
    const step = createMaeStep(0, tiny);
    const losses = Array.from({ length: 5 }, () => step.step());
    step.dispose();
    for (const loss of losses) expect(Number.isFinite(loss)).toBe(true);
    expect(losses[4]!).toBeLessThan(losses[0]!);
  });

  it('leaks no tensors per step, nor once disposed', async () => {
    const step = createMaeStep(1, tiny);
    step.step();
    await expectNoTensorLeak(() => step.step());
    step.dispose();
    await expectNoTensorLeak(() => createMaeStep(2, tiny).dispose());
  });
});
