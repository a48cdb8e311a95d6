import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../backend/init-backend';
import { computeOnBackends, expectTensorsClose } from '../test/compare-tensors';
import { expectNoTensorLeak } from '../test/expect-no-tensor-leak';
import { createIdentityEncoder } from './__fixtures__/toy-problems';
import { finetune } from './finetune';
import { knnScores } from './knn-scores';

beforeAll(async () => {
  await initBackend({ backend: 'wasm' });
});

// A bank where the one class-0 neighbour is much closer than the two class-1 neighbours.
const bank = [
  [10, 0], // class 0, large norm: cosine ignores it, similarity 1 to the query direction (1, 0)
  [0.6, 0.8], // class 1
  [0.6, -0.8], // class 1
  [-1, 0], // class 1, farthest
];
const bankLabels = [0, 1, 1, 1];
const query = [[2, 0]];

function cosine(a: readonly number[], b: readonly number[]): number {
  const dot = a.reduce((sum, value, i) => sum + value * b[i]!, 0);
  return dot / (Math.hypot(...a) * Math.hypot(...b));
}

/** Hand-written weighted kNN (Wu et al. 2018): top-k cosine neighbours vote with exp(s/τ). */
function expectedVotes(queryRow: readonly number[], k: number, temperature: number): number[] {
  const neighbours = bank
    .map((row, index) => ({ similarity: cosine(queryRow, row), label: bankLabels[index]! }))
    .sort((a, b) => b.similarity - a.similarity)
    .slice(0, k);
  const votes = [0, 0];
  for (const { similarity, label } of neighbours)
    votes[label]! += Math.exp(similarity / temperature);
  const total = votes[0]! + votes[1]!;
  return votes.map((vote) => vote / total);
}

describe('knnScores', () => {
  it('weights votes by exp(cosine/τ): one close neighbour outvotes two far ones', () => {
    const scores = tf.tidy(() =>
      knnScores(
        tf.tensor2d(query),
        tf.tensor2d(bank),
        tf.oneHot(tf.tensor1d(bankLabels, 'int32'), 2).cast('float32') as tf.Tensor2D,
        {
          k: 3,
          temperature: 0.5,
        },
      ),
    );
    const expected = expectedVotes(query[0]!, 3, 0.5);
    expectTensorsClose(scores, expected, { label: 'kNN votes' });
    // A plain majority of the same 3 neighbours would say class 1.
    expect(expected[0]!).toBeGreaterThan(expected[1]!);
    scores.dispose();
  });

  it('becomes a majority vote at a high temperature and clips k to the bank size', () => {
    const scores = tf.tidy(() =>
      knnScores(
        tf.tensor2d(query),
        tf.tensor2d(bank),
        tf.oneHot(tf.tensor1d(bankLabels, 'int32'), 2).cast('float32') as tf.Tensor2D,
        {
          k: 50,
          temperature: 1000,
        },
      ),
    );
    expectTensorsClose(scores, [0.25, 0.75], {
      rtol: 1e-2,
      atol: 1e-3,
      relativeNorm: 1e-2,
      label: 'majority',
    });
    scores.dispose();
  });

  it('agrees with the cpu backend and leaks nothing', async () => {
    const compute = (): tf.Tensor =>
      knnScores(
        tf.randomNormal([5, 6], 0, 1, 'float32', 1) as tf.Tensor2D,
        tf.randomNormal([12, 6], 0, 1, 'float32', 2) as tf.Tensor2D,
        tf
          .oneHot(tf.tensor1d([0, 1, 2, 0, 1, 2, 0, 1, 2, 0, 1, 2], 'int32'), 3)
          .cast('float32') as tf.Tensor2D,
        { k: 4, temperature: 0.1 },
      );
    const { reference, actual } = await computeOnBackends(compute);
    expectTensorsClose(actual[0]!, reference[0]!, { label: 'kNN wasm vs cpu' });
    await expectNoTensorLeak(() => tf.tidy(compute).dispose());
  });

  it("finetune mode 'knn' predicts with the same weighted votes, without leaks", async () => {
    const encoder = createIdentityEncoder(2);
    const inputs = tf.tensor2d(bank);
    const queries = tf.tensor2d([
      [2, 0],
      [-3, 0.1],
      [0.1, 2],
    ]);
    await expectNoTensorLeak(async () => {
      const model = await finetune(
        encoder,
        { inputs, labels: bankLabels },
        { mode: 'knn', k: 3, temperature: 0.5 },
      );
      expect(model.head).toBeUndefined();
      expect(model.history.epochs).toEqual([]);
      const probabilities = await model.predictProbabilities(queries, { batchSize: 2 });
      const expected = [
        [2, 0],
        [-3, 0.1],
        [0.1, 2],
      ].flatMap((row) => expectedVotes(row, 3, 0.5));
      expectTensorsClose(probabilities, expected, { label: 'kNN model' });
      probabilities.dispose();
      expect(Array.from(await model.predict(queries))).toEqual([0, 1, 1]);
      model.dispose();
    });
    tf.dispose([inputs, queries]);
    encoder.dispose();
  });

  it("'knn' regression predicts the exp(s/τ)-weighted mean of the neighbours' targets", async () => {
    const encoder = createIdentityEncoder(2);
    const inputs = tf.tensor2d(bank);
    const targets = Float32Array.from([1, 2, 3, 4]);
    const queries = tf.tensor2d(query);
    await expectNoTensorLeak(async () => {
      const model = await finetune(
        encoder,
        { inputs, labels: targets },
        { mode: 'knn', task: 'regression', k: 2, temperature: 0.5 },
      );
      const neighbours = bank
        .map((row, index) => ({
          weight: Math.exp(cosine(query[0]!, row) / 0.5),
          target: targets[index]!,
        }))
        .sort((a, b) => b.weight - a.weight)
        .slice(0, 2);
      const expected =
        neighbours.reduce((sum, { weight, target }) => sum + weight * target, 0) /
        neighbours.reduce((sum, { weight }) => sum + weight, 0);
      expectTensorsClose(await model.predict(queries), [expected], { label: 'kNN regression' });
      model.dispose();
    });
    tf.dispose([inputs, queries]);
    encoder.dispose();
  });

  it('rejects mismatched shapes', () => {
    expect(() =>
      tf.tidy(() =>
        knnScores(
          tf.zeros([1, 3]) as tf.Tensor2D,
          tf.zeros([4, 2]) as tf.Tensor2D,
          tf.zeros([4, 2]) as tf.Tensor2D,
        ),
      ),
    ).toThrow(/3 dimensions but the bank has 2/);
    expect(() =>
      tf.tidy(() =>
        knnScores(
          tf.zeros([1, 2]) as tf.Tensor2D,
          tf.zeros([4, 2]) as tf.Tensor2D,
          tf.zeros([3, 2]) as tf.Tensor2D,
        ),
      ),
    ).toThrow(/one per bank row/);
  });
});
