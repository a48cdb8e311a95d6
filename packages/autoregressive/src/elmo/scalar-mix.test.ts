import { finetune, initBackend } from '@selfsup/core';
import { expectNoTensorLeak, expectTensorsClose } from '@selfsup/core/test';
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { createElmo } from './elmo-bi-lm';
import { ScalarMix, scalarMix } from './scalar-mix';

describe('scalar mix (wasm)', () => {
  beforeAll(async () => {
    await initBackend({ backend: 'wasm', quiet: true });
  });

  it('computes γ Σ softmax(w)_j h_j and differentiates in w and γ', async () => {
    await expectNoTensorLeak(() => {
      tf.tidy(() => {
        const layers = [tf.fill([2, 3], 1), tf.fill([2, 3], 2), tf.fill([2, 3], 4)];
        const logits = tf.tensor1d([0, Math.log(2), Math.log(5)]);
        // weights 1/8, 2/8, 5/8 → (1 + 4 + 20) / 8 = 3.125, times γ = 2.
        expectTensorsClose(scalarMix(layers, logits, tf.scalar(2)), tf.fill([2, 3], 6.25));
        const [logitGradient, scaleGradient] = tf.grads((w: tf.Tensor, g: tf.Tensor) =>
          tf.sum(scalarMix(layers, w as tf.Tensor1D, g)),
        )([logits, tf.scalar(2)]);
        expect(Math.abs(logitGradient!.dataSync()[2]!)).toBeGreaterThan(0);
        expect(scaleGradient!.dataSync()[0]).toBeCloseTo(6 * 3.125, 4);
      });
    });
    expect(() => scalarMix([tf.zeros([1])], tf.zeros([2]) as tf.Tensor1D, tf.scalar(1))).toThrow(
      /one logit per layer/,
    );
    expect(() => new ScalarMix({ layerCount: 0 })).toThrow(/layerCount/);
  });

  it('is the only trainable part of a frozen biLM, and the features depend on it', async () => {
    const elmo = createElmo({ vocabularySize: 11, size: 4, seed: 2 });
    elmo.setBiLmTrainable(false);
    expect(elmo.model.trainableWeights.map((weight) => weight.originalName).sort()).toEqual([
      'scalar_mix/mixing_logits',
      'scalar_mix/scale',
    ]);
    const tokens = tf.tensor2d([[1, 2, 3, 4]], [1, 4], 'int32');
    const variables = elmo.model.trainableWeights.map((weight) => weight.read() as tf.Variable);
    await expectNoTensorLeak(() => {
      const { value, grads } = tf.variableGrads(
        () => tf.sum(tf.square(elmo.doEncode(tokens, { training: true }))) as tf.Scalar,
        variables,
      );
      expect(Object.keys(grads)).toHaveLength(2);
      for (const gradient of Object.values(grads)) {
        expect(tf.tidy(() => tf.max(tf.abs(gradient)).dataSync()[0])).toBeGreaterThan(0);
      }
      tf.dispose([value, ...Object.values(grads)]);
    });
    elmo.setBiLmTrainable(true);
    expect(elmo.model.trainableWeights.length).toBeGreaterThan(2);
    tokens.dispose();
    elmo.dispose();
  });

  it("learns only the mix (and the head) in finetune 'full' on a frozen biLM, the paper's recipe", async () => {
    const elmo = createElmo({ vocabularySize: 11, size: 4, seed: 8 });
    elmo.setBiLmTrainable(false);
    const rows = Array.from({ length: 16 }, (_, row) =>
      Array.from({ length: 6 }, (_, position) => 1 + ((row * 7 + position * 3) % 10)),
    );
    const inputs = tf.tensor2d(rows, [16, 6], 'int32');
    const labels = rows.map((row) => (row.includes(4) ? 1 : 0));
    const before = elmo.model.getWeights().map((weight) => weight.arraySync());
    const model = await finetune(
      elmo,
      { inputs, labels },
      {
        mode: 'full',
        numClasses: 2,
        epochs: 2,
        batchSize: 8,
        learningRate: 1e-2,
      },
    );
    const changed = elmo.model.weights.map(
      (weight, index) =>
        JSON.stringify(weight.read().arraySync()) !== JSON.stringify(before[index]),
    );
    const changedNames = elmo.model.weights
      .filter((_, index) => changed[index])
      .map((weight) => weight.originalName)
      .sort();
    expect(changedNames).toEqual(['scalar_mix/mixing_logits', 'scalar_mix/scale']);
    model.dispose();
    inputs.dispose();
    elmo.dispose();
  });
});
