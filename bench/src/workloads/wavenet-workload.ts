import { createWavenetObjective } from '@selfsup/autoregressive';
import { SeededRandom } from '@selfsup/core';
import * as tf from '@tensorflow/tfjs';
import { wavenetStepFlops } from '../flops/wavenet-step-flops';
import { createObjectiveStep, type ObjectiveStepOptimizer } from './objective-step';
import type { TrainingStep, Workload } from './workload';

/** The configuration of the WaveNet workload. */
export type WavenetWorkloadConfig = ObjectiveStepOptimizer & {
  /** Gated residual layers (dilations 1, 2, …, 2^(L−1)). */
  readonly layers: number;
  /** Residual channels C. */
  readonly channels: number;
  /** Skip channels S. */
  readonly skipChannels: number;
  /** Samples per clip T. */
  readonly length: number;
  /** Clips per step B. */
  readonly batchSize: number;
};

/**
 * The WaveNet workload (issue 10): `createWavenet`'s defaults, 10 layers (dilations 1…512),
 * 32 residual and 64 skip channels, 2 taps, unconditional, 256 μ-law levels; 4 clips of 4,096
 * samples (every sample predicted); AdamW lr 1e-3, β 0.9/0.999, weight decay 0.01, clip 1.0.
 */
export const wavenetBenchConfig: WavenetWorkloadConfig = {
  layers: 10,
  channels: 32,
  skipChannels: 64,
  length: 4096,
  batchSize: 4,
  learningRate: 1e-3,
  weightDecay: 0.01,
  betas: [0.9, 0.999],
  clipNorm: 1,
};

/**
 * A fixed batch of seeded tones `[B, T, 1]`: per clip, three sines of random frequency (80–2,000
 * Hz at 8 kHz) and phase, amplitude 0.25 each, plus N(0, 0.01) noise.
 *
 * @param batchSize B.
 * @param length T.
 * @param seed seeds frequencies, phases and noise.
 * @returns the waveforms in [−1, 1].
 * @example const audio = seededTones(4, 4096, 0);
 */
export function seededTones(batchSize: number, length: number, seed: number): tf.Tensor3D {
  const random = new SeededRandom(seed);
  const values = new Float32Array(batchSize * length);
  for (let clip = 0; clip < batchSize; clip++) {
    const tones = Array.from({ length: 3 }, () => ({
      step: (2 * Math.PI * (80 + 1920 * random.nextFloat())) / 8000,
      phase: 2 * Math.PI * random.nextFloat(),
    }));
    for (let t = 0; t < length; t++) {
      let value = 0.01 * random.nextNormal();
      for (const tone of tones) value += 0.25 * Math.sin(tone.phase + tone.step * t);
      values[clip * length + t] = Math.max(-1, Math.min(1, value));
    }
  }
  return tf.tensor3d(values, [batchSize, length, 1]);
}

/**
 * Builds one live WaveNet step on the current backend: `createWavenetObjective` of
 * `@selfsup/autoregressive` on a fixed batch of {@link seededTones} (whole clips, no crop).
 *
 * @param seed seeds the weights and the tones.
 * @param config the workload configuration.
 * @default config {@link wavenetBenchConfig}
 * @returns a {@link TrainingStep}.
 * @example const step = createWavenetStep(0); step.step(); step.dispose();
 */
export function createWavenetStep(
  seed: number,
  config: WavenetWorkloadConfig = wavenetBenchConfig,
): TrainingStep {
  const audio = seededTones(config.batchSize, config.length, seed);
  const objective = createWavenetObjective({
    wavenet: {
      layers: config.layers,
      channels: config.channels,
      skipChannels: config.skipChannels,
      seed: seed + 1,
    },
  });
  return createObjectiveStep(objective, audio, config, seed);
}

/** The WaveNet training step, as the bench runs it. */
export const wavenetWorkload: Workload = {
  name: 'wavenet',
  kind: 'training',
  description:
    'WaveNet step: 10 layers (dilations 1…512), 32 residual / 64 skip channels, 4 × 4,096 samples, 256 μ-law levels, AdamW, clip 1.0',
  unit: 'samples',
  unitsPerStep: wavenetBenchConfig.batchSize * wavenetBenchConfig.length,
  flopsPerStep: wavenetStepFlops({ ...wavenetBenchConfig, kernelSize: 2, levels: 256 }),
  createStep: (seed) => createWavenetStep(seed),
};
