import { initBackend } from '@selfsup/core';
import { expectNoTensorLeak } from '@selfsup/core/test';
import { beforeAll, describe, expect, it } from 'vitest';
import { wavenetStepFlops } from '../flops/wavenet-step-flops';
import {
  createWavenetStep,
  seededTones,
  type WavenetWorkloadConfig,
  wavenetBenchConfig,
  wavenetWorkload,
} from './wavenet-workload';

const tiny: WavenetWorkloadConfig = {
  ...wavenetBenchConfig,
  layers: 3,
  channels: 8,
  skipChannels: 8,
  length: 64,
  batchSize: 2,
  learningRate: 1e-2,
};

describe('WaveNet workload', () => {
  beforeAll(async () => {
    await initBackend({ backend: 'wasm', quiet: true });
  });

  it("is issue 10's WaveNet step, counted as samples", () => {
    expect([
      wavenetBenchConfig.layers,
      wavenetBenchConfig.channels,
      wavenetBenchConfig.length,
      wavenetBenchConfig.batchSize,
    ]).toEqual([10, 32, 4096, 4]);
    expect(wavenetWorkload.unitsPerStep).toBe(4 * 4096);
    expect(wavenetWorkload.flopsPerStep).toBe(
      wavenetStepFlops({ ...wavenetBenchConfig, kernelSize: 2, levels: 256 }),
    );
  });

  it('draws seeded tones in [−1, 1]', () => {
    const tones = seededTones(2, 32, 3);
    const again = seededTones(2, 32, 3);
    const values = tones.dataSync();
    expect(Array.from(values)).toEqual(Array.from(again.dataSync()));
    expect(Math.max(...values.map(Math.abs))).toBeLessThanOrEqual(1);
    expect(Math.max(...values.map(Math.abs))).toBeGreaterThan(0.1);
    tones.dispose();
    again.dispose();
  });

  it('trains: the loss on its fixed clips is finite and falls', () => {
    const step = createWavenetStep(0, tiny);
    const losses = Array.from({ length: 4 }, () => step.step());
    step.dispose();
    for (const loss of losses) expect(Number.isFinite(loss)).toBe(true);
    expect(losses[3]!).toBeLessThan(losses[0]! - 0.05);
  });

  it('leaks no tensors per step, nor once disposed', async () => {
    const step = createWavenetStep(1, tiny);
    step.step();
    await expectNoTensorLeak(() => step.step());
    step.dispose();
    await expectNoTensorLeak(() => createWavenetStep(2, tiny).dispose());
  });
});
