import {
  type ClassificationReport,
  createAudioConvEncoder,
  createMlpEncoder,
  deriveSeed,
  evaluate,
  finetune,
  initBackend,
} from '@selfsup/core';
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { audioFeatureMatrix, audioSpectralFeatureNames } from './audio-features';
import { standardizeColumns } from './audio-probe-linear';
import {
  type AudioBatch,
  audioSetToTensor,
  syntheticAudioClassNames,
  syntheticAudioExample,
  syntheticAudioSource,
  syntheticAudioTestSet,
} from './synthetic-audio';

function take(
  source: ReturnType<typeof syntheticAudioSource>,
  position: number,
  seed: number,
  count: number,
) {
  const iterator = source.batches({ position, seed }) as Iterator<AudioBatch>;
  const batches: { audio: Float32Array; labels: Int32Array }[] = [];
  for (let i = 0; i < count; i++) {
    const { value } = iterator.next();
    batches.push({
      audio: value!.audio.dataSync() as Float32Array,
      labels: value!.labels.dataSync() as Int32Array,
    });
    tf.dispose(value);
  }
  return batches;
}

describe('synthetic audio', () => {
  beforeAll(async () => {
    await initBackend({ backend: 'wasm', quiet: true });
  });

  it('is reproducible from a seed, in [-1, 1], at 8 kHz and 16 kHz', () => {
    const first = syntheticAudioExample(deriveSeed(7, 3));
    expect(first.samples.length).toBe(8000);
    expect(syntheticAudioExample(deriveSeed(7, 3))).toEqual(first);
    expect(syntheticAudioExample(deriveSeed(7, 4)).samples).not.toEqual(first.samples);
    const wide = syntheticAudioExample(5, { sampleRate: 16000 }, 2);
    expect(wide.samples.length).toBe(16000);
    expect(wide.label).toBe(2);
    for (const clip of [first.samples, wide.samples]) {
      expect(Math.max(...clip)).toBeLessThanOrEqual(1);
      expect(Math.min(...clip)).toBeGreaterThanOrEqual(-1);
    }
    expect(() => syntheticAudioExample(1, {}, 8)).toThrow(/label/);
  });

  it('varies loudness strongly within a class (loudness alone does not give the class)', () => {
    const set = syntheticAudioTestSet({ count: 160, seed: 3 });
    const peaks = Array.from({ length: set.count }, (_, i) => {
      let peak = 0;
      for (let j = 0; j < set.samplesPerClip; j++)
        peak = Math.max(peak, Math.abs(set.samples[i * set.samplesPerClip + j]!));
      return peak;
    });
    for (let label = 0; label < 8; label++) {
      const own = peaks.filter((_, i) => set.labels[i] === label);
      expect(Math.max(...own) / Math.min(...own)).toBeGreaterThan(3);
    }
    expect(set.describe().countsPerClass).toEqual(new Array(8).fill(20));
    expect(set.describe().classes).toEqual(syntheticAudioClassNames);
  });

  it('gives [B, T, 1] float32 batches that are a pure function of (seed, position)', () => {
    const source = syntheticAudioSource({ batchSize: 4 });
    const uninterrupted = take(source, 0, 9, 3);
    expect(take(source, 2, 9, 1)[0]).toEqual(uninterrupted[2]);
    expect(take(source, 0, 10, 1)[0]!.audio).not.toEqual(uninterrupted[0]!.audio);
    const iterator = source.batches({ position: 0, seed: 1 }) as Iterator<AudioBatch>;
    const batch = iterator.next().value!;
    expect(batch.audio.shape).toEqual([4, 8000, 1]);
    expect(batch.audio.dtype).toBe('float32');
    expect(batch.labels.dtype).toBe('int32');
    tf.dispose(batch);
    const finite = syntheticAudioSource({ batchSize: 2, batches: 2 });
    expect(take(finite, 0, 1, 2)).toHaveLength(2);
    expect((finite.batches({ position: 2, seed: 1 }) as Iterator<AudioBatch>).next().done).toBe(
      true,
    );
  });

  it('is learnable from spectral features (≥ 70%) but not by a linear probe on a random conv encoder (≤ 60%)', async () => {
    const started = performance.now();
    const train = syntheticAudioTestSet({ count: 320, seed: 11 });
    const test = syntheticAudioTestSet({ count: 160, seed: 12 });
    const size = audioSpectralFeatureNames.length;
    const [trainFeatures, testFeatures] = standardizeColumns(
      audioFeatureMatrix(train),
      audioFeatureMatrix(test),
      size,
    );
    const trainInputs = tf.tensor2d(trainFeatures, [train.count, size]);
    const testInputs = tf.tensor2d(testFeatures, [test.count, size]);
    const mlp = createMlpEncoder({ inputShape: [size], hiddenSizes: [64, 64], seed: 1 });
    const classifier = await finetune(
      mlp,
      { inputs: trainInputs, labels: train.labels },
      { mode: 'full', epochs: 30, batchSize: 64, learningRate: 1e-2, numClasses: 8, seed: 1 },
    );
    const learned = (await evaluate(classifier, {
      inputs: testInputs,
      labels: test.labels,
    })) as ClassificationReport;

    const learnedSeconds = (performance.now() - started) / 1000;
    const probeTrain = syntheticAudioTestSet({ count: 240, seed: 11 });
    const probeInputs = audioSetToTensor(probeTrain);
    const audioInputs = audioSetToTensor(test);
    const probe = await finetune(
      createAudioConvEncoder({ seed: 1 }),
      { inputs: probeInputs, labels: probeTrain.labels },
      { mode: 'linear-probe', epochs: 30, numClasses: 8, seed: 1 },
    );
    const random = (await evaluate(probe, {
      inputs: audioInputs,
      labels: test.labels,
    })) as ClassificationReport;
    console.info(
      `synthetic audio: spectral-feature MLP ${(100 * learned.accuracy).toFixed(1)}%, ` +
        `random conv encoder linear probe ${(100 * random.accuracy).toFixed(1)}% (chance 12.5%); ` +
        `${learnedSeconds.toFixed(1)} s + ${((performance.now() - started) / 1000 - learnedSeconds).toFixed(1)} s`,
    );
    expect(learned.accuracy).toBeGreaterThanOrEqual(0.7);
    expect(random.accuracy).toBeLessThanOrEqual(0.6);
    tf.dispose([trainInputs, testInputs, probeInputs, audioInputs]);
  });
});
