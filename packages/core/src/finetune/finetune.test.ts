import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../backend/init-backend';
import { expectTensorsClose } from '../test/compare-tensors';
import { expectNoTensorLeak } from '../test/expect-no-tensor-leak';
import {
  createDenseEncoder,
  createIdentityEncoder,
  gaussianBlobs,
  toLabeledData,
  xorClusters,
} from './__fixtures__/toy-problems';
import { evaluate } from './evaluate';
import { finetune } from './finetune';
import type { FinetuneProgress } from './finetune-options';
import type { LabeledData } from './labeled-data';

beforeAll(async () => {
  await initBackend({ backend: 'wasm' });
});

async function accuracyOf(
  model: Awaited<ReturnType<typeof finetune>>,
  data: LabeledData,
): Promise<number> {
  const report = await evaluate(model, data);
  if (report.task !== 'classification') throw new Error('expected a classification report');
  return report.accuracy;
}

function disposeData(...sets: LabeledData[]): void {
  for (const set of sets) set.inputs.dispose();
}

describe('finetune', () => {
  it('linear probe reaches high accuracy on separable features, leaves the encoder unchanged and leaks nothing', async () => {
    const train = toLabeledData(gaussianBlobs(90, 3, 4, 1));
    const test = toLabeledData(gaussianBlobs(60, 3, 4, 2));
    const encoder = createDenseEncoder(4, [{ units: 8 }], 3);
    const before = encoder.model.getWeights().map((weight) => Float32Array.from(weight.dataSync()));
    const progress: FinetuneProgress[] = [];
    await expectNoTensorLeak(async () => {
      const model = await finetune(encoder, train, {
        epochs: 15,
        batchSize: 16,
        inferenceBatchSize: 32,
        onProgress: (p) => progress.push(p),
      });
      expect(await accuracyOf(model, test)).toBeGreaterThanOrEqual(0.95);
      expect(model.history.epochs).toHaveLength(15);
      expect(model.history.epochs[14]!.trainLoss).toBeLessThan(model.history.epochs[0]!.trainLoss);
      const predicted = await model.predict(test.inputs, { batchSize: 7 });
      expect(predicted).toBeInstanceOf(Int32Array);
      expect(predicted).toHaveLength(60);
      model.dispose();
    });
    expect(progress.map((p) => p.epoch)).toEqual(Array.from({ length: 15 }, (_, i) => i + 1));
    for (const [index, weight] of encoder.model.getWeights().entries()) {
      expectTensorsClose(weight, before[index]!, { label: 'frozen weight' });
    }
    encoder.dispose();
    disposeData(train, test);
  });

  it('full finetuning beats the frozen probe on a non-linear (XOR) problem', async () => {
    const train = toLabeledData(xorClusters(64, 4));
    const test = toLabeledData(xorClusters(96, 5));
    const layers = [{ units: 8, activation: 'tanh' as const }, { units: 2 }];
    const frozen = createDenseEncoder(2, layers, 7);
    const trained = createDenseEncoder(2, layers, 7);
    const recipe = { epochs: 25, batchSize: 16, learningRate: 0.03, seed: 1 };
    const probe = await finetune(frozen, train, { ...recipe, mode: 'linear-probe' });
    const full = await finetune(trained, train, { ...recipe, mode: 'full' });
    const probeAccuracy = await accuracyOf(probe, test);
    const fullAccuracy = await accuracyOf(full, test);
    expect(probeAccuracy).toBeLessThan(0.8);
    expect(fullAccuracy).toBeGreaterThanOrEqual(0.95);
    probe.dispose();
    full.dispose();
    frozen.dispose();
    trained.dispose();
    disposeData(train, test);
  });

  it('full finetuning leaks no tensor and trains the encoder in place', async () => {
    const train = toLabeledData(xorClusters(20, 6));
    const encoder = createDenseEncoder(2, [{ units: 4, activation: 'relu' }, { units: 3 }], 2);
    const before = Float32Array.from(encoder.model.getWeights()[0]!.dataSync());
    await expectNoTensorLeak(async () => {
      const model = await finetune(encoder, train, {
        mode: 'full',
        epochs: 2,
        batchSize: 8,
        validationSplit: 0.25,
      });
      expect(model.history.epochs[1]!.validationLoss).toBeGreaterThan(0);
      model.dispose();
    });
    const after = Float32Array.from(encoder.model.getWeights()[0]!.dataSync());
    expect(after).not.toEqual(before);
    encoder.dispose();
    disposeData(train);
  });

  it('LP-FT starts full finetuning from the linear probe, leak-free', async () => {
    const train = toLabeledData(gaussianBlobs(60, 3, 4, 11));
    const test = toLabeledData(gaussianBlobs(45, 3, 4, 12));
    const probeRecipe = { epochs: 12, batchSize: 16, learningRate: 0.01, seed: 4 };
    const probeEncoder = createDenseEncoder(4, [{ units: 6, activation: 'tanh' }], 5);
    const probe = await finetune(probeEncoder, train, { ...probeRecipe, mode: 'linear-probe' });
    const probeProbabilities = await probe.predictProbabilities(test.inputs);
    const encoder = createDenseEncoder(4, [{ units: 6, activation: 'tanh' }], 5);
    await expectNoTensorLeak(async () => {
      // A vanishing full-finetuning rate: the model stays where the probe put it.
      const model = await finetune(encoder, train, {
        mode: 'full',
        epochs: 1,
        batchSize: 16,
        seed: 4,
        learningRate: 1e-9,
        linearProbeFirst: { epochs: 12, learningRate: 0.01 },
      });
      expect(model.history.linearProbe?.epochs).toHaveLength(12);
      expect(model.history.epochs).toHaveLength(1);
      const probabilities = await model.predictProbabilities(test.inputs);
      expectTensorsClose(probabilities, probeProbabilities, {
        atol: 1e-4,
        label: 'LP-FT before any full step = the probe',
      });
      probabilities.dispose();
      model.dispose();
    });
    // With a real rate, full finetuning moves on from the probe (and the random-head run differs).
    const started = createDenseEncoder(4, [{ units: 6, activation: 'tanh' }], 5);
    const lpft = await finetune(started, train, {
      mode: 'full',
      epochs: 5,
      batchSize: 16,
      seed: 4,
      learningRate: 0.01,
      linearProbeFirst: { epochs: 12 },
    });
    expect(lpft.history.epochs[0]!.trainLoss).toBeLessThan(
      lpft.history.linearProbe!.epochs[0]!.trainLoss,
    );
    expect(await accuracyOf(lpft, test)).toBeGreaterThanOrEqual(0.9);
    tf.dispose(probeProbabilities);
    for (const model of [probe, lpft]) model.dispose();
    for (const model of [probeEncoder, encoder, started]) model.dispose();
    disposeData(train, test);
  });

  it('is deterministic for a seed, including the augmentation seeds', async () => {
    const train = toLabeledData(xorClusters(24, 8));
    const run = async (seed: number): Promise<{ weights: Float32Array; seeds: number[] }> => {
      const encoder = createDenseEncoder(2, [{ units: 4, activation: 'tanh' }, { units: 2 }], 3);
      const seeds: number[] = [];
      const model = await finetune(encoder, train, {
        mode: 'full',
        epochs: 3,
        batchSize: 8,
        seed,
        augment: (batch, augmentSeed) => {
          seeds.push(augmentSeed);
          return tf.add(batch, tf.randomNormal(batch.shape, 0, 0.05, 'float32', augmentSeed));
        },
      });
      const weights = Float32Array.from(model.head!.getWeights()[0]!.dataSync());
      model.dispose();
      encoder.dispose();
      return { weights, seeds };
    };
    const first = await run(5);
    const second = await run(5);
    const other = await run(6);
    expect(second.seeds).toEqual(first.seeds);
    expect(first.seeds).toHaveLength(9);
    expect(new Set(first.seeds).size).toBe(9);
    expect(second.weights).toEqual(first.weights);
    expect(other.weights).not.toEqual(first.weights);
    disposeData(train);
  });

  it('stops early and restores the weights of the best validation epoch', async () => {
    // Random labels: the head can only overfit, so the validation loss rises after the first epochs.
    const random = gaussianBlobs(40, 2, 8, 9, 1, 0);
    const shuffled = Int32Array.from(random.labels, (_, i) => ((i * 7919) % 3 === 0 ? 1 : 0));
    const train = toLabeledData({ ...random, labels: shuffled.slice(0, 40) });
    const validation = toLabeledData(gaussianBlobs(40, 2, 8, 10, 1, 0));
    const encoder = createIdentityEncoder(8);
    await expectNoTensorLeak(async () => {
      const model = await finetune(encoder, train, {
        epochs: 60,
        batchSize: 8,
        learningRate: 0.1,
        weightDecay: 0,
        validation,
        earlyStopping: { patience: 3 },
      });
      const { history } = model;
      expect(history.stoppedEarly).toBe(true);
      expect(history.restoredBestWeights).toBe(true);
      const bestEpoch = history.bestEpoch!;
      expect(history.epochs.length).toBe(bestEpoch + 3);
      const losses = history.epochs.map((record) => record.validationLoss!);
      expect(Math.min(...losses)).toBe(losses[bestEpoch - 1]);
      // The restored model scores exactly the best epoch's validation loss.
      const probabilities = await model.predictProbabilities(validation.inputs);
      const values = await probabilities.data();
      probabilities.dispose();
      const labels = validation.labels as Int32Array;
      let crossEntropy = 0;
      for (const [i, label] of labels.entries()) crossEntropy -= Math.log(values[i * 2 + label]!);
      expect(crossEntropy / labels.length).toBeCloseTo(losses[bestEpoch - 1]!, 4);
      model.dispose();
    });
    encoder.dispose();
    disposeData(train, validation);
  });

  it('linear probe with augmentation encodes every augmented batch with the frozen encoder, without leaks', async () => {
    const train = toLabeledData(gaussianBlobs(30, 3, 4, 13));
    const encoder = createDenseEncoder(4, [{ units: 6 }], 5);
    const batchSizes: number[] = [];
    await expectNoTensorLeak(async () => {
      const model = await finetune(encoder, train, {
        epochs: 2,
        batchSize: 8,
        validationSplit: 0.2,
        augment: (batch, seed) => {
          batchSizes.push(batch.shape[0]!);
          return tf.add(batch, tf.randomUniform(batch.shape, -0.1, 0.1, 'float32', seed));
        },
      });
      expect(model.history.epochs[1]!.validationAccuracy).toBeGreaterThanOrEqual(0);
      model.dispose();
    });
    // 30 examples minus a stratified 20% (2 per class) = 24 = 3 batches of 8, per epoch.
    expect(batchSizes).toEqual([8, 8, 8, 8, 8, 8]);
    await expect(
      finetune(encoder, train, { epochs: 1, augment: (batch) => tf.slice(batch, [0, 0], [1, 4]) }),
    ).rejects.toThrow(/must keep the shape/);
    encoder.dispose();
    disposeData(train);
  });

  it('trains a regression head (R² close to 1 on a linear target)', async () => {
    const blobs = gaussianBlobs(64, 1, 3, 11, 1, 0);
    const targets = new Float32Array(64 * 2);
    for (let i = 0; i < 64; i++) {
      const [a = 0, b = 0, c = 0] = blobs.points.subarray(i * 3, i * 3 + 3);
      targets[i * 2] = 2 * a - b + 0.5;
      targets[i * 2 + 1] = c;
    }
    const data: LabeledData = { inputs: tf.tensor2d(blobs.points, [64, 3]), labels: targets };
    const encoder = createIdentityEncoder(3);
    await expectNoTensorLeak(async () => {
      const model = await finetune(encoder, data, {
        task: 'regression',
        epochs: 60,
        batchSize: 16,
        learningRate: 0.05,
        weightDecay: 0,
      });
      expect(model.outputSize).toBe(2);
      const report = await evaluate(model, data);
      if (report.task !== 'regression') throw new Error('expected a regression report');
      expect(report.r2).toBeGreaterThan(0.98);
      model.dispose();
    });
    encoder.dispose();
    disposeData(data);
  });

  it('rejects bad input with messages that say what to fix', async () => {
    const encoder = createIdentityEncoder(3);
    const inputs = tf.zeros([4, 3]);
    await expect(finetune(encoder, { inputs, labels: [0, 1, 2] })).rejects.toThrow(
      /4 inputs but 3 labels/,
    );
    await expect(finetune(encoder, { inputs, labels: [0, 1, 2, 1.5] })).rejects.toThrow(
      /class ids must be/,
    );
    await expect(finetune(encoder, { inputs, labels: new Float32Array(4) })).rejects.toThrow(
      /task: 'regression'/,
    );
    await expect(
      finetune(encoder, { inputs, labels: [0, 1, 0, 1] }, { epochs: 0 }),
    ).rejects.toThrow(/epochs/);
    await expect(
      finetune(encoder, { inputs, labels: [0, 1, 0, 3] }, { numClasses: 3 }),
    ).rejects.toThrow(/raise numClasses/);
    await expect(
      finetune(
        encoder,
        { inputs, labels: new Float32Array(4) },
        { task: 'regression', earlyStopping: { monitor: 'accuracy' } },
      ),
    ).rejects.toThrow(/monitor: 'loss'/);
    const wrongShape = tf.zeros([4, 5]);
    await expect(finetune(encoder, { inputs: wrongShape, labels: [0, 1, 0, 1] })).rejects.toThrow(
      /encoder takes \[N, 3\]/,
    );
    tf.dispose([inputs, wrongShape]);
    encoder.dispose();
  });

  it('matches the cpu backend (head weights after a short full finetune)', async () => {
    const arrays = xorClusters(16, 12);
    const runOn = async (backend: string): Promise<Float32Array[]> => {
      await tf.setBackend(backend);
      const data = toLabeledData(arrays);
      const encoder = createDenseEncoder(2, [{ units: 4, activation: 'tanh' }, { units: 3 }], 4);
      const model = await finetune(encoder, data, { mode: 'full', epochs: 2, batchSize: 8 });
      const weights = [...encoder.model.getWeights(), ...model.head!.getWeights()].map((weight) =>
        Float32Array.from(weight.dataSync()),
      );
      model.dispose();
      encoder.dispose();
      disposeData(data);
      return weights;
    };
    const reference = await runOn('cpu');
    const actual = await runOn('wasm');
    for (const [index, weights] of actual.entries()) {
      expectTensorsClose(weights, reference[index]!, { label: `weight ${index}` });
    }
  });
});
