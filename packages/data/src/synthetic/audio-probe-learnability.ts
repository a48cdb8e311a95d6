import { type ClassificationReport, createMlpEncoder, evaluate, finetune } from '@selfsup/core';
import * as tf from '@tensorflow/tfjs';
import { audioFeatureMatrix, audioSpectralFeatureNames } from './audio-features';
import { standardizeColumns } from './audio-probe-linear';
import type { SyntheticAudioSet } from './synthetic-audio';

/**
 * The learnability check of the synthetic audio: a small trained classifier (an MLP 64-64 on the
 * standardized hand-made spectral features of `audioFeatureMatrix`, trained with core's
 * `finetune`, 30 epochs, batch 64, lr 1e-2) and its test accuracy, to compare with chance
 * (1/8) and with linear probes on random-init encoders.
 *
 * @param train the training clips (e.g. `syntheticAudioTestSet({ count: 320, seed: 11 })`).
 * @param test held-out clips from another seed.
 * @param seed seed of the MLP's weights and of finetuning. @default 1
 * @returns the test accuracy in [0, 1].
 * @example
 * const accuracy = await spectralClassifierAccuracy(
 *   syntheticAudioTestSet({ count: 320, seed: 11 }),
 *   syntheticAudioTestSet({ count: 160, seed: 12 }),
 * );
 */
export async function spectralClassifierAccuracy(
  train: SyntheticAudioSet,
  test: SyntheticAudioSet,
  seed = 1,
): Promise<number> {
  const size = audioSpectralFeatureNames.length;
  const [trainFeatures, testFeatures] = standardizeColumns(
    audioFeatureMatrix(train),
    audioFeatureMatrix(test),
    size,
  );
  const trainInputs = tf.tensor2d(trainFeatures, [train.count, size]);
  const testInputs = tf.tensor2d(testFeatures, [test.count, size]);
  const encoder = createMlpEncoder({ inputShape: [size], hiddenSizes: [64, 64], seed });
  try {
    const classifier = await finetune(
      encoder,
      { inputs: trainInputs, labels: train.labels },
      {
        mode: 'full',
        epochs: 30,
        batchSize: 64,
        learningRate: 1e-2,
        numClasses: train.classNames.length,
        seed,
      },
    );
    const report = (await evaluate(classifier, {
      inputs: testInputs,
      labels: test.labels,
    })) as ClassificationReport;
    classifier.dispose();
    return report.accuracy;
  } finally {
    tf.dispose([trainInputs, testInputs]);
    encoder.model.dispose();
  }
}
