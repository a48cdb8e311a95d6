import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../backend/init-backend';
import { SeededRandom } from '../random/seeded-random';
import { computeOnBackends, expectTensorsClose } from '../test/compare-tensors';
import { expectNoTensorLeak } from '../test/expect-no-tensor-leak';
import { BatchNormalization, batchNormalizeTraining } from './batch-normalization';

function seededTensor(seed: number, shape: number[], scale = 1, shift = 0): tf.Tensor {
  const random = new SeededRandom(seed);
  const size = shape.reduce((product, axis) => product * axis, 1);
  return tf.tensor(
    Float32Array.from({ length: size }, () => shift + scale * random.nextNormal()),
    shape,
  );
}

/** Batch normalization from plain ops, differentiated by tfjs' autodiff. */
function referenceNormalize(
  x: tf.Tensor,
  gamma: tf.Tensor,
  beta: tf.Tensor,
  epsilon: number,
): tf.Tensor {
  const axes = Array.from({ length: x.rank - 1 }, (_, axis) => axis);
  const mean = tf.mean(x, axes, true);
  const variance = tf.mean(tf.square(tf.sub(x, mean)), axes, true);
  return tf.add(tf.mul(gamma, tf.div(tf.sub(x, mean), tf.sqrt(tf.add(variance, epsilon)))), beta);
}

const shapes: number[][] = [
  [6, 3],
  [3, 5, 4],
  [2, 3, 3, 4],
  // Large enough (M = 4608) for the pooled per-channel sums.
  [8, 24, 24, 2],
];

/** Forward values and gradients w.r.t. (x, γ, β) of `normalize` under a seeded weighted-sum loss. */
function valuesAndGradients(
  shape: number[],
  normalize: (x: tf.Tensor, gamma: tf.Tensor, beta: tf.Tensor) => tf.Tensor,
): tf.Tensor[] {
  const channels = shape[shape.length - 1]!;
  const x = seededTensor(1, shape, 2, 0.5);
  const gamma = seededTensor(2, [channels], 0.5, 1);
  const beta = seededTensor(3, [channels]);
  const weights = seededTensor(4, shape);
  const loss = (a: tf.Tensor, b: tf.Tensor, c: tf.Tensor) =>
    tf.sum(tf.mul(normalize(a, b, c), weights));
  const gradients = tf.grads(loss)([x, gamma, beta]);
  return [normalize(x, gamma, beta), ...gradients];
}

describe('BatchNormalization', () => {
  beforeAll(async () => {
    await initBackend({ backend: 'wasm' });
  });

  for (const shape of shapes) {
    it(`matches plain ops in forward and gradients (x, γ, β) for ${JSON.stringify(shape)}`, async () => {
      for (const backend of ['cpu', 'wasm']) {
        await tf.setBackend(backend);
        const actual = tf.tidy(() =>
          valuesAndGradients(shape, (x, g, b) => batchNormalizeTraining(x, g, b, 1e-3)),
        );
        const expected = tf.tidy(() =>
          valuesAndGradients(shape, (x, g, b) => referenceNormalize(x, g, b, 1e-3)),
        );
        const labels = ['output', 'dx', 'dγ', 'dβ'];
        actual.forEach((tensor, index) => {
          expectTensorsClose(tensor, expected[index]!, { label: `${backend} ${labels[index]}` });
        });
        tf.dispose([...actual, ...expected]);
      }
      await tf.setBackend('wasm');
    });

    it(`gives the same forward and gradients on wasm and cpu for ${JSON.stringify(shape)}`, async () => {
      const { reference, actual } = await computeOnBackends(() =>
        valuesAndGradients(shape, (x, g, b) => batchNormalizeTraining(x, g, b, 1e-3)),
      );
      actual.forEach((values, index) => {
        expectTensorsClose(values, reference[index]!, { label: `output ${index}` });
      });
    });
  }

  it('uses batch statistics and updates the moving averages in training, moving statistics in inference', () => {
    const layer = new BatchNormalization({ momentum: 0.9, epsilon: 1e-3 });
    const x = seededTensor(5, [8, 3], 2, 3);
    const inference = layer.apply(x) as tf.Tensor;
    // Fresh moving stats are mean 0, variance 1: inference is x/√(1+ε).
    expectTensorsClose(inference, tf.div(x, Math.sqrt(1 + 1e-3)));
    const training = layer.apply(x, { training: true }) as tf.Tensor;
    expectTensorsClose(training, referenceNormalize(x, tf.ones([3]), tf.zeros([3]), 1e-3));
    const { mean, variance } = tf.moments(x, 0);
    const [movingMean, movingVariance] = layer.getWeights().slice(2);
    expectTensorsClose(movingMean!, tf.mul(mean, 0.1));
    expectTensorsClose(movingVariance!, tf.add(tf.mul(variance, 0.1), 0.9));
    const afterUpdate = layer.apply(x) as tf.Tensor;
    const expected = tf.div(
      tf.sub(x, tf.mul(mean, 0.1)),
      tf.sqrt(tf.add(tf.add(tf.mul(variance, 0.1), 0.9), 1e-3)),
    );
    expectTensorsClose(afterUpdate, expected);
    expect(layer.trainableWeights.map((weight) => weight.originalName)).toEqual([
      `${layer.name}/gamma`,
      `${layer.name}/beta`,
    ]);
    layer.dispose();
    // getWeights() returns the variables themselves: the layer disposes them.
    tf.dispose([x, inference, training, mean, variance, afterUpdate, expected]);
  });

  it('trains under tf.variableGrads: gradients for γ and β, moving statistics updated once', () => {
    const layer = new BatchNormalization({ momentum: 0.5 });
    const x = seededTensor(6, [2, 3, 3, 4], 1, 1);
    tf.dispose(layer.apply(x) as tf.Tensor);
    const { value, grads } = tf.variableGrads(() =>
      tf.sum(tf.square(layer.apply(x, { training: true }) as tf.Tensor)).asScalar(),
    );
    expect(Object.keys(grads).sort()).toEqual(
      layer.trainableWeights.map((weight) => (weight.read() as tf.Variable).name).sort(),
    );
    const movingMean = layer.getWeights()[2]!;
    const expectedMean = tf.mul(tf.mean(x, [0, 1, 2]), 0.5);
    expectTensorsClose(movingMean, expectedMean);
    // Σ y² with γ = 1, β = 0 is M·C·σ²/(σ²+ε): dβ = 2·Σ y = 0 and dγ = 2·Σ y² / γ.
    const betaGradient = Object.entries(grads).find(([name]) => name.includes('beta'))![1];
    expectTensorsClose(betaGradient, tf.zeros([4]), { atol: 1e-4 });
    tf.dispose([value, ...Object.values(grads), expectedMean, x]);
    layer.dispose();
  });

  it('leaks no tensor in training forward + backward and in inference', async () => {
    const layer = new BatchNormalization();
    const x = seededTensor(7, [2, 4, 4, 3]);
    tf.dispose(layer.apply(x, { training: true }) as tf.Tensor);
    await expectNoTensorLeak(() => {
      const { value, grads } = tf.variableGrads(() =>
        tf.sum(layer.apply(x, { training: true }) as tf.Tensor).asScalar(),
      );
      tf.dispose([value, ...Object.values(grads)]);
      const [dx] = tf.grads((input: tf.Tensor) =>
        tf.sum(layer.apply(input, { training: true }) as tf.Tensor),
      )([x]);
      dx?.dispose();
      tf.dispose(layer.apply(x) as tf.Tensor);
    });
    layer.dispose();
    x.dispose();
  });

  it('rejects bad options and inputs with a clear message', () => {
    expect(() => new BatchNormalization({ momentum: 2 })).toThrow(/momentum must be in \[0, 1\]/);
    expect(() => new BatchNormalization({ epsilon: 0 })).toThrow(/epsilon must be > 0/);
    expect(() => tf.tidy(() => new BatchNormalization().apply(tf.ones([3])) as tf.Tensor)).toThrow(
      /rank ≥ 2/,
    );
  });
});
