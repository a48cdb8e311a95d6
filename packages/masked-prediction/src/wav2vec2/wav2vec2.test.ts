import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type BatchSourceV1, initBackend, pretrain } from '@selfsup/core';
import { expectNoTensorLeak } from '@selfsup/core/test';
import { syntheticAudioTestSet } from '@selfsup/data';
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { createWav2vec2, gumbelTemperatureAt } from './wav2vec2';
import { createWav2vec2Encoder } from './wav2vec2-encoder';

const negatives = 10;
const codebooks = 2;
const codebookSize = 16;

/** 16-wide encoder, one block; 0.5 s clips at 8 kHz → 23 frames. */
const smallObjective = (steps: number) =>
  createWav2vec2({
    encoder: createWav2vec2Encoder({
      featureEncoder: { channels: 16 },
      modelSize: 16,
      blocks: 1,
      heads: 2,
      positionKernelSize: 5,
      seed: 1,
    }),
    negatives,
    codebooks,
    codebookSize,
    quantizedSize: 16,
    finalSize: 16,
    gumbelTemperature: { annealingSteps: steps },
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

describe('createWav2vec2', () => {
  beforeAll(async () => {
    await initBackend({ backend: 'wasm', quiet: true });
  });

  it('learns to pick the masked frame’s quantized target among its distractors, without codebook collapse', async () => {
    const steps = 60;
    const objective = smallObjective(steps);
    const series: Record<string, number[]> = {};
    const result = await pretrain(objective, cyclingSource(32, 8), {
      steps,
      learningRate: 3e-3,
      warmupSteps: 5,
      clipNorm: 5,
      seed: 1,
      onProgress: (event) => {
        for (const [name, value] of Object.entries(event.metrics)) {
          series[name] = [...(series[name] ?? []), value];
        }
      },
    });
    expect(Object.keys(series).sort()).toEqual([
      'accuracy',
      'code_perplexity',
      'contrastive_loss',
      'diversity_loss',
      'gumbel_temperature',
      'masked_fraction',
      'probability_perplexity',
    ]);
    const contrastive = series.contrastive_loss!;
    const accuracy = series.accuracy!;
    // Chance: the positive among K + 1 = 11 candidates (accuracy 1/11, loss near ln 11 ≈ 2.4).
    expect(mean(contrastive.slice(-10))).toBeLessThan(mean(contrastive.slice(0, 5)) - 0.2);
    expect(mean(result.history.slice(-10))).toBeLessThan(mean(result.history.slice(0, 5)));
    expect(mean(accuracy.slice(-10))).toBeGreaterThan(1 / (negatives + 1) + 0.03);
    for (const name of ['code_perplexity', 'probability_perplexity']) {
      for (const value of series[name]!) {
        expect(value).toBeGreaterThanOrEqual(codebooks - 1e-3);
        expect(value).toBeLessThanOrEqual(codebooks * codebookSize + 1e-3);
      }
    }
    // No collapse: well above one code per codebook.
    expect(mean(series.code_perplexity!.slice(-10))).toBeGreaterThan(2 * codebooks);
    // About half of the frames are masked (p = 0.065, M = 10, shortened to fit 23 frames).
    expect(mean(series.masked_fraction!)).toBeGreaterThan(0.25);
    expect(mean(series.masked_fraction!)).toBeLessThan(0.75);
    const temperatures = series.gumbel_temperature!;
    expect(temperatures[0]).toBeCloseTo(2, 5);
    expect(temperatures.at(-1)!).toBeLessThan(0.6);
    objective.dispose();
  });

  it('gives every weight a gradient, leaks no tensor per step, explains bad input', async () => {
    const objective = smallObjective(10);
    expect(Object.keys(objective.heads).sort()).toEqual([
      'context_projection',
      'mask_embedding',
      'quantizer',
      'target_projection',
    ]);
    const audio = tf.randomUniform([2, 4000, 1], -0.5, 0.5, 'float32', 4) as tf.Tensor3D;
    const weightCount =
      objective.encoder.model.trainableWeights.length +
      Object.values(objective.heads).reduce((sum, head) => sum + head.trainableWeights.length, 0);
    await expectNoTensorLeak(() => {
      const { value, grads } = tf.variableGrads(() =>
        tf.tidy(() => objective.doLoss({ audio }, { step: 0, seed: 1, training: true }).loss),
      );
      expect(Number.isFinite(value.dataSync()[0]!)).toBe(true);
      expect(Object.keys(grads)).toHaveLength(weightCount);
      tf.dispose([value, ...Object.values(grads)]);
    });
    await expectNoTensorLeak(() => {
      const outputs = tf.tidy(() => {
        const { loss, metrics } = objective.doLoss(audio, { step: 3, seed: 2, training: false });
        return [loss, ...Object.values(metrics ?? {})];
      });
      tf.dispose(outputs);
    });
    const short = tf.zeros([2, 500, 1]) as tf.Tensor3D;
    expect(() => objective.doLoss(short, { step: 0, seed: 1, training: true })).toThrow(
      /at least 2 frames/,
    );
    expect(() => createWav2vec2({ quantizedSize: 63 })).toThrow(/multiple of codebooks/);
    expect(() => createWav2vec2({ maskProbability: 0 })).toThrow(/maskProbability/);
    expect(() => createWav2vec2({ gumbelTemperature: { start: 0.5, end: 2 } })).toThrow(
      /start ≥ end/,
    );
    tf.dispose([audio, short]);
    objective.dispose();
  });

  it('resumes exactly from a checkpoint (the quantizer head and mask embedding reload)', async () => {
    const tiny = () =>
      createWav2vec2({
        encoder: createWav2vec2Encoder({
          featureEncoder: { channels: 8 },
          modelSize: 8,
          blocks: 1,
          heads: 2,
          positionKernelSize: 3,
        }),
        quantizedSize: 8,
        finalSize: 8,
        codebookSize: 4,
        negatives: 3,
      });
    const noise: BatchSourceV1<tf.Tensor3D> = {
      specificationVersion: 'v1',
      *batches({ position }) {
        for (let batch = position; ; batch++)
          yield tf.randomUniform([2, 4000, 1], -0.5, 0.5, 'float32', batch) as tf.Tensor3D;
      },
    };
    const directory = mkdtempSync(join(tmpdir(), 'wav2vec2-resume-'));
    const settings = { steps: 4, seed: 1, learningRate: 1e-3 };
    const objectives = [tiny(), tiny(), tiny()] as const;
    try {
      const uninterrupted = await pretrain(objectives[0], noise, settings);
      const abort = new AbortController();
      await expect(
        pretrain(objectives[1], noise, {
          ...settings,
          checkpoint: { directory, everySteps: 2 },
          signal: abort.signal,
          onProgress: (event) => {
            if (event.step === 2) abort.abort();
          },
        }),
      ).rejects.toThrow();
      const resumed = await pretrain(objectives[2], noise, {
        ...settings,
        checkpoint: { directory, everySteps: 2 },
        resume: true,
      });
      expect(resumed.resumedFrom).toBeDefined();
      expect(resumed.history.at(-1)).toBeCloseTo(uninterrupted.history.at(-1)!, 5);
    } finally {
      for (const objective of objectives) objective.dispose();
      rmSync(directory, { recursive: true, force: true });
    }
  });

  it('anneals the Gumbel temperature geometrically from start to end', () => {
    const schedule = { start: 2, end: 0.5, annealingSteps: 100 };
    expect(gumbelTemperatureAt(0, schedule)).toBe(2);
    expect(gumbelTemperatureAt(50, schedule)).toBeCloseTo(1, 10);
    expect(gumbelTemperatureAt(100, schedule)).toBeCloseTo(0.5, 10);
    expect(gumbelTemperatureAt(10_000, schedule)).toBe(0.5);
  });
});
