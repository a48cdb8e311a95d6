import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../backend/init-backend';
import { SeededRandom } from '../random/seeded-random';
import { computeOnBackends, expectTensorsClose } from '../test/compare-tensors';
import { expectNoTensorLeak } from '../test/expect-no-tensor-leak';
import { BatchNormalization } from './batch-normalization';
import { FusedLstm } from './fused-lstm';
import { LastStatePooling } from './last-state-pooling';
import { TimeReverse } from './time-reverse';

function seededTensor(seed: number, shape: readonly number[], scale = 1): tf.Tensor {
  const random = new SeededRandom(seed);
  const size = shape.reduce((product, axis) => product * axis, 1);
  return tf.tensor(
    Float32Array.from({ length: size }, () => scale * random.nextNormal()),
    [...shape],
  );
}

type LayerCase = {
  readonly name: string;
  readonly create: () => tf.layers.Layer;
  readonly inputShape: readonly number[];
  readonly kwargs?: Record<string, unknown>;
};

const layerCases: LayerCase[] = [
  {
    name: 'dense',
    create: () => tf.layers.dense({ units: 5, activation: 'relu' }),
    inputShape: [4, 6],
  },
  {
    name: 'conv1d (stride 2, valid)',
    create: () => tf.layers.conv1d({ filters: 4, kernelSize: 3, strides: 2, activation: 'relu' }),
    inputShape: [2, 9, 3],
  },
  {
    name: 'conv2d (3×3 same, no bias)',
    create: () => tf.layers.conv2d({ filters: 4, kernelSize: 3, padding: 'same', useBias: false }),
    inputShape: [2, 5, 5, 2],
  },
  {
    name: 'conv2d (3×3 stride 2 same)',
    create: () => tf.layers.conv2d({ filters: 3, kernelSize: 3, strides: 2, padding: 'same' }),
    inputShape: [2, 6, 6, 2],
  },
  {
    name: 'BatchNormalization (training)',
    create: () => new BatchNormalization(),
    inputShape: [2, 3, 3, 4],
    kwargs: { training: true },
  },
  {
    name: 'lstm (sequences)',
    create: () => tf.layers.lstm({ units: 4, returnSequences: true }),
    inputShape: [2, 3, 5],
  },
  { name: 'FusedLstm', create: () => new FusedLstm({ units: 4 }), inputShape: [2, 3, 5] },
  { name: 'TimeReverse', create: () => new TimeReverse(), inputShape: [2, 3, 4] },
  {
    name: 'LastStatePooling',
    create: () => new LastStatePooling({ backwardSize: 2 }),
    inputShape: [2, 3, 5],
  },
];

/** Output, input gradient and weight gradients of a seeded layer under a seeded weighted-sum loss. */
function layerOutputsAndGradients(layerCase: LayerCase): tf.Tensor[] {
  const layer = layerCase.create();
  const input = seededTensor(11, layerCase.inputShape);
  tf.dispose(layer.apply(input) as tf.Tensor);
  layer.setWeights(
    layer.getWeights().map((weight, index) => seededTensor(100 + index, weight.shape, 0.5)),
  );
  const output = layer.apply(input, layerCase.kwargs) as tf.Tensor;
  const lossWeights = seededTensor(12, output.shape);
  const loss = (x: tf.Tensor) =>
    tf.sum(tf.mul(layer.apply(x, layerCase.kwargs) as tf.Tensor, lossWeights));
  const [inputGradient] = tf.grads(loss)([input]);
  const variables = layer.trainableWeights.map((weight) => weight.read() as tf.Variable);
  const weightGradients =
    variables.length === 0
      ? []
      : Object.values(tf.variableGrads(() => loss(input).asScalar(), variables).grads);
  expect(weightGradients).toHaveLength(variables.length);
  const results = [output, inputGradient!, ...weightGradients].map((tensor) => tensor.clone());
  layer.dispose();
  return results;
}

describe('vision, audio and recurrent layers on wasm', () => {
  beforeAll(async () => {
    await initBackend({ backend: 'wasm' });
  });

  for (const layerCase of layerCases) {
    it(`${layerCase.name}: forward and gradients (input, weights) on wasm equal cpu`, async () => {
      const { reference, actual } = await computeOnBackends(() =>
        layerOutputsAndGradients(layerCase),
      );
      expect(actual.length).toBe(reference.length);
      actual.forEach((values, index) => {
        expectTensorsClose(values, reference[index]!, {
          label: `${layerCase.name} output ${index}`,
        });
      });
    });

    it(`${layerCase.name}: leaks no tensor in forward + backward`, async () => {
      const layer = layerCase.create();
      const input = seededTensor(13, layerCase.inputShape);
      tf.dispose(layer.apply(input) as tf.Tensor);
      await expectNoTensorLeak(() => {
        if (layer.trainableWeights.length > 0) {
          const { value, grads } = tf.variableGrads(() =>
            tf.sum(layer.apply(input, layerCase.kwargs) as tf.Tensor).asScalar(),
          );
          tf.dispose([value, ...Object.values(grads)]);
        }
        const [inputGradient] = tf.grads((x: tf.Tensor) =>
          tf.sum(layer.apply(x, layerCase.kwargs) as tf.Tensor),
        )([input]);
        tf.dispose(inputGradient);
      });
      layer.dispose();
      input.dispose();
    });
  }

  it('TimeReverse reverses time; LastStatePooling reads forward at T−1 and backward at 0', () => {
    const x = tf.tensor3d([
      [
        [1, 10],
        [2, 20],
        [3, 30],
      ],
    ]);
    const reversed = new TimeReverse().apply(x) as tf.Tensor;
    expect(reversed.arraySync()).toEqual([
      [
        [3, 30],
        [2, 20],
        [1, 10],
      ],
    ]);
    const pooled = new LastStatePooling({ backwardSize: 1 }).apply(x) as tf.Tensor;
    expect(pooled.arraySync()).toEqual([[3, 10]]);
    const forwardOnly = new LastStatePooling().apply(x) as tf.Tensor;
    expect(forwardOnly.arraySync()).toEqual([[3, 30]]);
    expect(() => new LastStatePooling({ backwardSize: -1 })).toThrow(
      /backwardSize must be an integer/,
    );
    tf.dispose([x, reversed, pooled, forwardOnly]);
  });

  for (const length of [1, 4]) {
    it(`FusedLstm equals tf.layers.lstm in forward and gradients, T = ${length} (sigmoid gates; order i, f, o, c → i, f, c, o)`, () => {
      const fused = new FusedLstm({ units: 3, seed: 1 });
      const reference = tf.layers.lstm({
        units: 3,
        returnSequences: true,
        recurrentActivation: 'sigmoid',
      });
      const x = seededTensor(21, [2, length, 5]);
      tf.dispose([fused.apply(x) as tf.Tensor, reference.apply(x) as tf.Tensor]);
      const weights = [
        seededTensor(22, [5, 12], 0.5),
        seededTensor(23, [3, 12], 0.5),
        seededTensor(24, [12], 0.5),
      ];
      fused.setWeights(weights);
      // Keras gate order is input, forget, candidate, output.
      const reorder = (tensor: tf.Tensor) => {
        const [input, forget, output, candidate] = tf.split(tensor, 4, -1);
        return tf.concat([input!, forget!, candidate!, output!], -1);
      };
      const reordered = weights.map(reorder);
      reference.setWeights(reordered);
      const expected = reference.apply(x) as tf.Tensor;
      const actual = fused.apply(x) as tf.Tensor;
      expectTensorsClose(actual, expected);
      // Gradients (input and weights) of the hand-written BPTT equal tfjs autodiff through tf.layers.lstm.
      const lossWeights = seededTensor(25, [2, length, 3]);
      const gradientsOf = (layer: tf.layers.Layer, input: tf.Tensor, weightsOfLoss: tf.Tensor) => {
        const variables = layer.trainableWeights.map((weight) => weight.read() as tf.Variable);
        const loss = (value: tf.Tensor) =>
          tf.sum(tf.mul(layer.apply(value) as tf.Tensor, weightsOfLoss));
        const [inputGradient] = tf.grads(loss)([input]);
        const { grads } = tf.variableGrads(() => loss(input).asScalar(), variables);
        return [inputGradient!, ...variables.map((variable) => grads[variable.name]!)];
      };
      // tf.layers.lstm's own gradient throws for T = 1 (its Unpack gradient), so the reference runs
      // on one extra trailing step that the loss ignores: earlier outputs do not depend on it.
      const paddedInput = tf.concat([x, tf.zeros([2, 1, 5])], 1);
      const paddedLossWeights = tf.concat([lossWeights, tf.zeros([2, 1, 3])], 1);
      const fromKeras = (tensor: tf.Tensor) => {
        const [input, forget, candidate, output] = tf.split(tensor, 4, -1);
        return tf.concat([input!, forget!, output!, candidate!], -1);
      };
      const fusedGradients = gradientsOf(fused, x, lossWeights);
      const [paddedInputGradient, ...referenceWeightGradients] = gradientsOf(
        reference,
        paddedInput,
        paddedLossWeights,
      );
      const referenceGradients = [
        tf.slice(paddedInputGradient!, [0, 0, 0], [2, length, 5]),
        ...referenceWeightGradients,
      ];
      const labels = ['dx', 'd kernel', 'd recurrent kernel', 'd bias'];
      fusedGradients.forEach((gradient, index) => {
        const expectedGradient =
          index === 0 ? referenceGradients[0]! : fromKeras(referenceGradients[index]!);
        expectTensorsClose(gradient, expectedGradient, { label: labels[index] });
      });
      expect(() => new FusedLstm({ units: 0 })).toThrow(/units must be a positive integer/);
      tf.dispose([
        x,
        expected,
        actual,
        lossWeights,
        ...weights,
        ...reordered,
        ...fusedGradients,
        ...referenceGradients,
        paddedInput,
        paddedLossWeights,
        paddedInputGradient!,
      ]);
      fused.dispose();
      reference.dispose();
    });
  }

  it('FusedLstm starts with forget-gate bias 1', () => {
    const layer = new FusedLstm({ units: 2 });
    const x = tf.zeros([1, 2, 3]);
    tf.dispose(layer.apply(x) as tf.Tensor);
    expect(Array.from(layer.getWeights()[2]!.dataSync())).toEqual([0, 0, 1, 1, 0, 0, 0, 0]);
    x.dispose();
    layer.dispose();
  });
});
