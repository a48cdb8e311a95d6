import { type BatchSourceV1, createAudioConvEncoder, initBackend, pretrain } from '@selfsup/core';
import { expectNoTensorLeak } from '@selfsup/core/test';
import { syntheticAudioTestSet } from '@selfsup/data';
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { createCpc } from './cpc';
import { createCpcEncoder } from './cpc-encoder';

/** The paper's conv stack (160×) at 16 channels and a 16-unit context: 0.5 s at 8 kHz → 24 steps. */
const smallEncoder = () =>
  createCpcEncoder({
    latent: createAudioConvEncoder({
      channels: 16,
      activation: 'relu',
      normalization: 'none',
      seed: 1,
    }),
    contextUnits: 16,
    seed: 2,
  });

/** Batches of `batchSize` clips cycling over a fixed small set of synthetic clips (labels unused). */
function cyclingSource(clipCount: number, batchSize: number): BatchSourceV1<tf.Tensor3D> {
  const set = syntheticAudioTestSet({ count: clipCount, seed: 5, duration: 0.5 });
  const length = set.samplesPerClip;
  return {
    specificationVersion: 'v1',
    *batches({ position }) {
      for (let batch = position; ; batch++) {
        const first = (batch * batchSize) % clipCount;
        const samples = set.samples.subarray(first * length, (first + batchSize) * length);
        yield tf.tensor3d(samples, [batchSize, length, 1]);
      }
    },
  };
}

const mean = (values: readonly number[]) =>
  values.reduce((sum, value) => sum + value, 0) / values.length;

describe('createCpc', () => {
  beforeAll(async () => {
    await initBackend({ backend: 'wasm', quiet: true });
  });

  it('learns to pick each future latent among the batch (loss falls, per-step accuracy rises)', async () => {
    const objective = createCpc({ encoder: smallEncoder(), predictionSteps: 3, seed: 3 });
    const accuracies: number[] = [];
    const firstStep: number[] = [];
    const result = await pretrain(objective, cyclingSource(32, 8), {
      steps: 80,
      learningRate: 1e-2,
      clipNorm: 5,
      seed: 1,
      onProgress: (event) => {
        accuracies.push(event.metrics.accuracy ?? Number.NaN);
        firstStep.push(event.metrics.accuracy_k1 ?? Number.NaN);
        expect(Object.keys(event.metrics).sort()).toEqual([
          'accuracy',
          'accuracy_k1',
          'accuracy_k2',
          'accuracy_k3',
        ]);
      },
    });
    // Chance is 1/(8 clips × 24 steps) ≈ 0.005 and the loss starts near ln 192 ≈ 5.26.
    expect(mean(result.history.slice(-10))).toBeLessThan(mean(result.history.slice(0, 5)) - 0.5);
    expect(mean(accuracies.slice(-10))).toBeGreaterThan(mean(accuracies.slice(0, 5)) + 0.02);
    expect(mean(firstStep.slice(-10))).toBeGreaterThan(mean(firstStep.slice(0, 5)) + 0.02);
    objective.dispose();
  });

  it('leaks no tensor per training step and refuses clips shorter than the prediction horizon', async () => {
    const objective = createCpc({ encoder: smallEncoder(), predictionSteps: 4 });
    expect(objective.heads.predictors?.outputs[0]?.shape).toEqual([null, 4 * 16]);
    const audio = tf.randomUniform([2, 4000, 1], -0.5, 0.5, 'float32', 4) as tf.Tensor3D;
    await expectNoTensorLeak(() => {
      const { value, grads } = tf.variableGrads(() =>
        tf.tidy(() => objective.doLoss({ audio }, { step: 0, seed: 1, training: true }).loss),
      );
      expect(Number.isFinite(value.dataSync()[0]!)).toBe(true);
      // Conv stack (5 kernels + 5 biases), context (3), predictors (1): every weight gets a gradient.
      expect(Object.keys(grads)).toHaveLength(14);
      tf.dispose([value, ...Object.values(grads)]);
    });
    await expectNoTensorLeak(() => {
      const outputs = tf.tidy(() => {
        const { loss, metrics } = objective.doLoss(audio, { step: 0, seed: 1, training: false });
        return [loss, ...Object.values(metrics ?? {})];
      });
      tf.dispose(outputs);
    });
    // 800 samples → 3 latent steps: K = 4 reaches past the clip.
    const short = tf.zeros([2, 800, 1]) as tf.Tensor3D;
    expect(() =>
      tf.tidy(() => objective.doLoss(short, { step: 0, seed: 1, training: true }).loss),
    ).toThrow(/only 3 latent steps/);
    expect(() => createCpc({ predictionSteps: 0 })).toThrow(/predictionSteps/);
    tf.dispose([audio, short]);
    objective.dispose();
  });
});
