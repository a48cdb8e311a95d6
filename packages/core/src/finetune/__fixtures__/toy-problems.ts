import * as tf from '@tensorflow/tfjs';
import { LayersEncoder } from '../../encoders/layers-encoder';
import { SeededRandom } from '../../random/seeded-random';
import type { LabeledData } from '../labeled-data';

/** A layer of {@link createDenseEncoder}. */
export type DenseLayerPlan = {
  readonly units: number;
  readonly activation?: 'relu' | 'tanh' | 'linear';
  readonly useBias?: boolean;
};

/**
 * A tiny vector encoder: a seeded stack of dense layers wrapped in a {@link LayersEncoder}.
 * The last layer's units are the output size.
 */
export function createDenseEncoder(
  inputSize: number,
  layers: readonly DenseLayerPlan[],
  seed: number,
): LayersEncoder {
  const model = tf.sequential();
  layers.forEach((plan, index) => {
    model.add(
      tf.layers.dense({
        ...(index === 0 ? { inputShape: [inputSize] } : {}),
        units: plan.units,
        activation: plan.activation ?? 'linear',
        useBias: plan.useBias ?? true,
        kernelInitializer: tf.initializers.glorotUniform({ seed: seed * 31 + index }),
      }),
    );
  });
  const outputSize = layers[layers.length - 1]!.units;
  return new LayersEncoder({
    type: 'toy-dense',
    config: { type: 'toy-dense', inputSize, seed },
    inputSpec: { modality: 'vector', shape: [inputSize], dtype: 'float32' },
    outputSize,
    model,
  });
}

/** An encoder that returns its input: `[B, size] → [B, size]`. */
export function createIdentityEncoder(size: number): LayersEncoder {
  const encoder = createDenseEncoder(size, [{ units: size, useBias: false }], 0);
  tf.tidy(() => encoder.model.setWeights([tf.eye(size)]));
  return encoder;
}

/** Points and labels as plain arrays, before they become tensors. */
export type ToyArrays = {
  readonly points: Float32Array;
  readonly labels: Int32Array;
  readonly dimension: number;
};

/** Turns {@link ToyArrays} into {@link LabeledData} (the caller disposes `inputs`). */
export function toLabeledData(arrays: ToyArrays): LabeledData {
  return {
    inputs: tf.tensor2d(arrays.points, [arrays.labels.length, arrays.dimension]),
    labels: arrays.labels,
  };
}

/** Gaussian blobs: class c centred at `separation · e_c` (first axes), unit-spread noise × `spread`. */
export function gaussianBlobs(
  count: number,
  classes: number,
  dimension: number,
  seed: number,
  spread = 0.3,
  separation = 3,
): ToyArrays {
  const random = new SeededRandom(seed);
  const points = new Float32Array(count * dimension);
  const labels = new Int32Array(count);
  for (let i = 0; i < count; i++) {
    const label = i % classes;
    labels[i] = label;
    for (let d = 0; d < dimension; d++) {
      points[i * dimension + d] =
        (d === label % dimension ? separation : 0) + spread * random.nextNormal();
    }
  }
  return { points, labels, dimension };
}

/**
 * XOR clusters: four Gaussian clusters at (±1, ±1) with spread 0.25; the label is 1 when both
 * coordinates have the same sign. Extra dimensions (beyond 2) hold noise of standard deviation `noise`.
 */
export function xorClusters(count: number, seed: number, dimension = 2, noise = 1): ToyArrays {
  const random = new SeededRandom(seed);
  const points = new Float32Array(count * dimension);
  const labels = new Int32Array(count);
  for (let i = 0; i < count; i++) {
    const sx = i % 2 === 0 ? 1 : -1;
    const sy = Math.floor(i / 2) % 2 === 0 ? 1 : -1;
    labels[i] = sx === sy ? 1 : 0;
    points[i * dimension] = sx + 0.25 * random.nextNormal();
    points[i * dimension + 1] = sy + 0.25 * random.nextNormal();
    for (let d = 2; d < dimension; d++) points[i * dimension + d] = noise * random.nextNormal();
  }
  return { points, labels, dimension };
}

/**
 * The XOR feature map as a one-layer ReLU encoder: features relu(x+y), relu(−x−y), relu(x−y),
 * relu(−x+y) of the first two coordinates, in which XOR is linearly separable
 * (same sign ⇔ |x+y| > |x−y|). It plays a "pretrained" encoder; with random weights
 * (`createDenseEncoder(dimension, [{ units: 4, activation: 'relu' }], seed)`) it is the scratch one.
 */
export function createXorFeatureEncoder(dimension: number): LayersEncoder {
  const encoder = createDenseEncoder(dimension, [{ units: 4, activation: 'relu' }], 0);
  const kernel = new Float32Array(dimension * 4);
  kernel.set([1, -1, 1, -1], 0);
  kernel.set([1, -1, -1, 1], 4);
  tf.tidy(() => encoder.model.setWeights([tf.tensor2d(kernel, [dimension, 4]), tf.zeros([4])]));
  return encoder;
}
