import { initBackend } from '@selfsup/core';
import { expectNoTensorLeak } from '@selfsup/core/test';
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { audioFeatureMatrix, audioSpectralFeatureNames } from './audio-features';
import {
  type AudioProbeEncoder,
  cpcProbeEncoder,
  wav2vec2ProbeEncoder,
  waveNetProbeEncoder,
} from './audio-probe-encoders';
import { spectralClassifierAccuracy } from './audio-probe-learnability';
import {
  extractAudioFeatures,
  linearProbeAccuracy,
  standardizeColumns,
} from './audio-probe-linear';
import { type SyntheticAudioSet, syntheticAudioTestSet } from './synthetic-audio';

// The settings CPC pretrains on: the generator's defaults, 8 kHz, 1 s clips (8,000 samples).
const chance = 1 / 8;
const randomProbeBound = 0.6;

/** Fits a linear probe on an encoder's pooled features of `train`, scores it on `test`. */
function probe(
  encoder: AudioProbeEncoder,
  train: SyntheticAudioSet,
  test: SyntheticAudioSet,
): { trainAccuracy: number; testAccuracy: number; seconds: number } {
  const started = performance.now();
  const [trainFeatures, testFeatures] = standardizeColumns(
    extractAudioFeatures(encoder, train),
    extractAudioFeatures(encoder, test),
    encoder.featureSize,
  );
  const accuracy = linearProbeAccuracy({
    trainFeatures,
    trainLabels: train.labels,
    testFeatures,
    testLabels: test.labels,
    featureSize: encoder.featureSize,
    classCount: train.classNames.length,
  });
  return { ...accuracy, seconds: (performance.now() - started) / 1000 };
}

function report(encoder: AudioProbeEncoder, result: ReturnType<typeof probe>, clips: string): void {
  console.info(
    `random-init ${encoder.name}: linear probe test ${(100 * result.testAccuracy).toFixed(1)}% ` +
      `(train ${(100 * result.trainAccuracy).toFixed(1)}%, ${clips}, ${result.seconds.toFixed(1)} s; ` +
      `bound ${100 * randomProbeBound}%, chance ${100 * chance}%): ${encoder.description}`,
  );
}

describe('synthetic audio: random-encoder linear-probe bound (CPC, wav2vec 2.0, WaveNet)', () => {
  let train: SyntheticAudioSet;
  let test: SyntheticAudioSet;

  beforeAll(async () => {
    await initBackend({ backend: 'wasm', quiet: true });
    train = syntheticAudioTestSet({ count: 240, seed: 31 });
    test = syntheticAudioTestSet({ count: 160, seed: 32 });
  });

  it('is learnable: a small trained classifier beats chance by far (≥ 70%)', async () => {
    const accuracy = await spectralClassifierAccuracy(train, test);
    console.info(
      `spectral-feature MLP: test ${(100 * accuracy).toFixed(1)}% (chance ${100 * chance}%)`,
    );
    expect(accuracy).toBeGreaterThanOrEqual(0.7);
  });

  it('has a probe that can pass the bound: the same linear probe on spectral features scores > 60%', async () => {
    const size = audioSpectralFeatureNames.length;
    const [trainFeatures, testFeatures] = standardizeColumns(
      audioFeatureMatrix(train),
      audioFeatureMatrix(test),
      size,
    );
    let accuracy: ReturnType<typeof linearProbeAccuracy> | undefined;
    await expectNoTensorLeak(() => {
      accuracy = linearProbeAccuracy({
        trainFeatures,
        trainLabels: train.labels,
        testFeatures,
        testLabels: test.labels,
        featureSize: size,
        classCount: train.classNames.length,
      });
    });
    console.info(
      `spectral features (${size}): linear probe test ${(100 * accuracy!.testAccuracy).toFixed(1)}% (train ${(100 * accuracy!.trainAccuracy).toFixed(1)}%)`,
    );
    expect(accuracy!.testAccuracy).toBeGreaterThan(randomProbeBound);
  });

  it('CPC: a linear probe on the random-init encoder (mean c_t, what CPC transfers) scores ≤ 60%', async () => {
    const encoder = cpcProbeEncoder({ seed: 1 });
    let result: ReturnType<typeof probe> | undefined;
    await expectNoTensorLeak(() => {
      result = probe(encoder, train, test);
    });
    encoder.dispose();
    report(encoder, result!, '240 / 160 clips');
    expect(result!.testAccuracy).toBeLessThanOrEqual(randomProbeBound);
  });

  it('wav2vec 2.0: a linear probe on the random-init encoder scores ≤ 60%', async () => {
    const encoder = wav2vec2ProbeEncoder({ seed: 1 });
    let result: ReturnType<typeof probe> | undefined;
    await expectNoTensorLeak(() => {
      result = probe(encoder, train, test);
    });
    encoder.dispose();
    report(encoder, result!, '240 / 160 clips');
    expect(result!.testAccuracy).toBeLessThanOrEqual(randomProbeBound);
  });

  it('WaveNet: a linear probe on the random-init encoder scores ≤ 60%', async () => {
    // A sample-rate network (8,000 positions × 10 layers per clip) is the costly one on wasm:
    // it is probed on the first 128 training and 64 test clips (class-balanced: i mod 8).
    const slice = (set: SyntheticAudioSet, count: number): SyntheticAudioSet => ({
      ...set,
      count,
      samples: set.samples.subarray(0, count * set.samplesPerClip),
      labels: set.labels.subarray(0, count),
    });
    const encoder = waveNetProbeEncoder({ seed: 1 });
    let result: ReturnType<typeof probe> | undefined;
    await expectNoTensorLeak(() => {
      result = probe(encoder, slice(train, 128), slice(test, 64));
    });
    encoder.dispose();
    report(encoder, result!, '128 / 64 clips');
    expect(result!.testAccuracy).toBeLessThanOrEqual(randomProbeBound);
  }, 240_000);

  it('builds encoders whose pooled features have the documented size and free their weights', async () => {
    const audio = tf.tensor3d(train.samples.subarray(0, 2 * train.samplesPerClip), [
      2,
      train.samplesPerClip,
      1,
    ]);
    for (const create of [cpcProbeEncoder, wav2vec2ProbeEncoder, waveNetProbeEncoder]) {
      await expectNoTensorLeak(() => {
        const encoder = create({ seed: 2 });
        const pooled = encoder.encode(audio);
        expect(pooled.shape).toEqual([2, encoder.featureSize]);
        expect(pooled.dataSync().every(Number.isFinite)).toBe(true);
        tf.dispose(pooled);
        encoder.dispose();
      });
    }
    audio.dispose();
  });
});
