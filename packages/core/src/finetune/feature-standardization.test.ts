import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../backend/init-backend';
import { expectTensorsClose } from '../test/compare-tensors';
import { expectNoTensorLeak } from '../test/expect-no-tensor-leak';
import {
  foldFeatureStandardization,
  measureFeatureStandardization,
  standardizeFeatures,
} from './feature-standardization';

describe('feature standardization', () => {
  beforeAll(async () => {
    await initBackend({ backend: 'wasm', quiet: true });
  });

  const features = () =>
    tf.tidy(() =>
      tf.mul(tf.randomNormal([64, 5], 3, 2, 'float32', 1), tf.tensor1d([1, 10, 0.01, 100, 1])),
    ) as tf.Tensor2D;

  it('gives each feature mean 0 and standard deviation 1 (no variance floor)', () => {
    const raw = features();
    const statistics = measureFeatureStandardization(raw, 0);
    const standardized = standardizeFeatures(raw, statistics);
    const { mean, variance } = tf.moments(standardized, 0);
    for (const value of mean.dataSync()) expect(Math.abs(value)).toBeLessThan(1e-4);
    for (const value of variance.dataSync()) expect(value).toBeCloseTo(1, 3);
    tf.dispose([raw, statistics.mean, statistics.inverseDeviation, standardized, mean, variance]);
  });

  it('floors the scaling of a feature that is constant on the training set', () => {
    const raw = tf.tensor2d([
      [0, 1],
      [0, 3],
      [0, 5],
    ]);
    const statistics = measureFeatureStandardization(raw);
    const [constant, varying] = statistics.inverseDeviation.dataSync();
    // Average variance (0 + 8/3) / 2 = 4/3, floor 0.1 × 4/3: the constant feature is scaled by √7.5.
    expect(constant).toBeCloseTo(Math.sqrt(7.5), 3);
    expect(varying).toBeCloseTo(1 / Math.sqrt(8 / 3 + 0.4 / 3), 4);
    tf.dispose([raw, statistics.mean, statistics.inverseDeviation]);
  });

  it('folds into a dense layer so that it reads raw features', async () => {
    const raw = features();
    const statistics = measureFeatureStandardization(raw);
    const dense = tf.layers.dense({ units: 3, inputShape: [5] });
    const model = tf.sequential({ layers: [dense] });
    const onStandardized = model.predict(standardizeFeatures(raw, statistics)) as tf.Tensor;
    await expectNoTensorLeak(() => foldFeatureStandardization(dense, statistics));
    const onRaw = model.predict(raw) as tf.Tensor;
    expectTensorsClose(onRaw, onStandardized, { rtol: 1e-4, atol: 1e-4 });
    tf.dispose([raw, statistics.mean, statistics.inverseDeviation, onStandardized, onRaw]);
    model.dispose();
  });

  it('measures and standardizes without leaking tensors', async () => {
    const raw = features();
    await expectNoTensorLeak(() => {
      const statistics = measureFeatureStandardization(raw);
      tf.dispose([
        standardizeFeatures(raw, statistics),
        statistics.mean,
        statistics.inverseDeviation,
      ]);
    });
    raw.dispose();
  });
});
