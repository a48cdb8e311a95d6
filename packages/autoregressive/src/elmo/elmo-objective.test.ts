import { initBackend, pretrain } from '@selfsup/core';
import { expectNoTensorLeak, expectTensorsClose } from '@selfsup/core/test';
import {
  distinctCharacters,
  encodeCharacters,
  loadMobyDick,
  tokenWindowSource,
} from '@selfsup/data';
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { createElmo } from './elmo-bi-lm';
import { createElmoObjective } from './elmo-objective';

const mean = (values: number[]) => values.reduce((sum, value) => sum + value, 0) / values.length;

describe('createElmoObjective (wasm)', () => {
  beforeAll(async () => {
    await initBackend({ backend: 'wasm', quiet: true });
  });

  it('learns both directions of a character language model on Moby Dick (loss falls, accuracy far above chance)', async () => {
    const text = loadMobyDick().train.slice(0, 60_000);
    const characters = distinctCharacters([text]);
    const ids = encodeCharacters(text, characters);
    const chance = 1 / characters.length;
    const objective = createElmoObjective({
      elmo: createElmo({ vocabularySize: characters.length, size: 32, layers: 1, seed: 1 }),
    });
    const forwardAccuracies: number[] = [];
    const backwardAccuracies: number[] = [];
    const result = await pretrain(
      objective,
      tokenWindowSource(ids, { blockSize: 16, batchSize: 16 }),
      {
        steps: 40,
        learningRate: 2e-2,
        schedule: 'constant',
        seed: 2,
        onProgress: (event) => {
          forwardAccuracies.push(event.metrics.forwardAccuracy ?? Number.NaN);
          backwardAccuracies.push(event.metrics.backwardAccuracy ?? Number.NaN);
        },
      },
    );
    // Starts near 2·ln(V) (two uniform guesses), falls as both directions learn.
    expect(mean(result.history.slice(0, 3))).toBeGreaterThan(1.8 * Math.log(characters.length));
    expect(mean(result.history.slice(-5))).toBeLessThan(mean(result.history.slice(0, 3)) - 1.5);
    expect(mean(forwardAccuracies.slice(-5))).toBeGreaterThan(5 * chance);
    expect(mean(backwardAccuracies.slice(-5))).toBeGreaterThan(5 * chance);
    objective.dispose();
  });

  it('predicts token t + 1 forward and t − 1 backward from causal states only', () => {
    const objective = createElmoObjective({
      elmo: createElmo({ vocabularySize: 17, size: 8, softmax: 'untied', seed: 4 }),
    });
    expect(Object.keys(objective.heads)).toEqual(['softmax']);
    const original = [[3, 5, 7, 2, 9, 11, 4, 6]];
    const at = 3;
    // Change the token the forward LM predicts at `at` (and later ones)…
    const predictedChanged = [
      original[0]!.map((id, position) => (position > at ? (id + 5) % 17 : id)),
    ];
    // …and, mirrored, the one the backward LM predicts at `at` (and earlier ones).
    const previousChanged = [
      original[0]!.map((id, position) => (position < at ? (id + 5) % 17 : id)),
    ];
    tf.tidy(() => {
      const logits = (tokens: number[][]) =>
        objective.languageModelLogits(tf.tensor2d(tokens, undefined, 'int32'));
      const base = logits(original);
      const later = logits(predictedChanged);
      const earlier = logits(previousChanged);
      const upTo = (x: tf.Tensor3D) => tf.slice(x, [0, 0, 0], [1, at + 1, 17]);
      const from = (x: tf.Tensor3D) => tf.slice(x, [0, at, 0], [1, 8 - at, 17]);
      expectTensorsClose(upTo(later.forward), upTo(base.forward), { atol: 1e-6 });
      expectTensorsClose(from(earlier.backward), from(base.backward), { atol: 1e-6 });
      // The other direction does see the change (the test would pass vacuously otherwise).
      expect(
        tf.max(tf.abs(tf.sub(upTo(later.backward), upTo(base.backward)))).dataSync()[0],
      ).toBeGreaterThan(1e-4);
      expect(
        tf.max(tf.abs(tf.sub(from(earlier.forward), from(base.forward)))).dataSync()[0],
      ).toBeGreaterThan(1e-4);
    });
    objective.dispose();
  });

  it('leaks no tensor in its loss and gradient, ignores padding and refuses bad batches', async () => {
    const elmo = createElmo({ vocabularySize: 13, size: 8, paddingId: 0, seed: 5 });
    const objective = createElmoObjective({ elmo });
    const context = { step: 0, seed: 1, training: true };
    const short = [4, 7, 1, 9];
    const padded = tf.tensor2d([[...short, 0, 0, 0]], [1, 7], 'int32');
    const alone = tf.tensor2d([short], [1, 4], 'int32');
    const variables = elmo.model.trainableWeights.map((weight) => weight.read() as tf.Variable);
    await expectNoTensorLeak(() => {
      const { value, grads } = tf.variableGrads(
        () => objective.doLoss({ inputs: padded }, context).loss,
        variables,
      );
      expect(Number.isFinite(value.dataSync()[0]!)).toBe(true);
      expect(Object.keys(grads).length).toBeGreaterThan(0);
      tf.dispose([value, ...Object.values(grads)]);
    });
    tf.tidy(() => {
      // Padding adds no prediction: the padded row's loss is the unpadded row's.
      const withPadding = objective.doLoss(padded, context);
      const withoutPadding = objective.doLoss(alone, context);
      expectTensorsClose(withPadding.loss, withoutPadding.loss, { atol: 1e-5 });
      expectTensorsClose(
        withPadding.metrics!.forwardAccuracy!,
        withoutPadding.metrics!.forwardAccuracy!,
      );
    });
    expect(() =>
      tf.tidy(() => objective.doLoss(tf.tensor2d([[1]], [1, 1], 'int32'), context).loss),
    ).toThrow(/T ≥ 2/);
    expect(() => createElmoObjective({} as never)).toThrow(/createElmo/);
    tf.dispose([padded, alone]);
    objective.dispose();
  });
});
