import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../backend/init-backend';
import { BatchNormalization } from '../layers/batch-normalization';
import { SeededRandom } from '../random/seeded-random';
import {
  createExchangeBuffers,
  SharedMemoryGroup,
} from '../training/data-parallel/shared-memory-group';
import { SyncBatchNormalization } from '../training/data-parallel/sync-batch-normalization';
import { ConvNetEncoder, createConvNetEncoder } from './conv-net-encoder';
import {
  expectEncoderMatchesCpu,
  expectEncoderStepLeaksNothing,
  expectRoundTrip,
} from './vision-encoder-checks';

function seededImages(seed: number, shape: [number, number, number, number]): tf.Tensor4D {
  const random = new SeededRandom(seed);
  const size = shape.reduce((product, axis) => product * axis, 1);
  return tf.tensor4d(
    Float32Array.from({ length: size }, () => random.nextFloat()),
    shape,
  );
}

describe('createConvNetEncoder', () => {
  beforeAll(async () => {
    await initBackend({ backend: 'wasm' });
  });

  it('defaults to the SimCLR bench encoder: conv32-BN-ReLU-pool, conv64-BN-ReLU-pool, flatten, dense 128 + ReLU', () => {
    const encoder = createConvNetEncoder();
    const layers = encoder.model.layers.map((layer) => layer.getClassName());
    expect(layers).toEqual([
      'InputLayer',
      'Conv2D',
      'SelfsupBatchNormalization',
      'Activation',
      'MaxPooling2D',
      'Conv2D',
      'SelfsupBatchNormalization',
      'Activation',
      'MaxPooling2D',
      'Flatten',
      'Dense',
    ]);
    const conv1 = encoder.model.getLayer('conv_1').getConfig();
    const conv2 = encoder.model.getLayer('conv_2').getConfig();
    expect([conv1.filters, conv1.kernelSize, conv1.padding, conv1.useBias]).toEqual([
      32,
      [3, 3],
      'same',
      false,
    ]);
    expect([conv2.filters, conv2.kernelSize, conv2.padding, conv2.useBias]).toEqual([
      64,
      [3, 3],
      'same',
      false,
    ]);
    expect(encoder.model.getLayer('representation').getConfig().activation).toBe('relu');
    expect(encoder.model.getLayer('batch_normalization_1')).toBeInstanceOf(BatchNormalization);
    expect(encoder.outputSize).toBe(128);
    expect(encoder.inputSpec).toEqual({ modality: 'image', shape: [28, 28, 1], dtype: 'float32' });
    expect(encoder.model.outputs[0]!.shape).toEqual([null, 128]);
    // 3·3·32 + 2·32 BN + 2·32 moving, 3·3·32·64 + 4·64, 7·7·64·128 + 128.
    expect(encoder.model.countParams()).toBe(288 + 128 + 18432 + 256 + 401408 + 128);
    expect(encoder.hasPositions).toBe(false);
    encoder.dispose();
  });

  it('encodes [B, H, W, C] to [B, outputSize], is seeded, and BN differs between training and inference', () => {
    const options = {
      inputShape: [8, 8, 2] as [number, number, number],
      channels: [4, 6],
      outputSize: 5,
      seed: 3,
    };
    const encoder = createConvNetEncoder(options);
    const twin = createConvNetEncoder(options);
    const images = seededImages(1, [3, 8, 8, 2]);
    tf.tidy(() => {
      const inference = encoder.doEncode(images, { training: false });
      expect(inference.shape).toEqual([3, 5]);
      expect(Array.from(twin.doEncode(images, { training: false }).dataSync())).toEqual(
        Array.from(inference.dataSync()),
      );
      const training = encoder.doEncode(images, { training: true });
      expect(training.shape).toEqual([3, 5]);
      expect(tf.max(tf.abs(tf.sub(training, inference))).dataSync()[0]).toBeGreaterThan(1e-4);
    });
    encoder.dispose();
    twin.dispose();
    images.dispose();
  });

  it('trains (gradients for every trainable weight) without leaking tensors', async () => {
    const encoder = createConvNetEncoder({
      inputShape: [8, 8, 1],
      channels: [3, 4],
      outputSize: 6,
    });
    const images = seededImages(2, [2, 8, 8, 1]);
    const gradientCount = await expectEncoderStepLeaksNothing(encoder, images);
    expect(gradientCount).toBe(encoder.model.trainableWeights.length);
    encoder.dispose();
    images.dispose();
  });

  it('with a data-parallel group uses SyncBN: one worker computes what plain BN computes, and the config is unchanged', () => {
    const group = new SharedMemoryGroup(createExchangeBuffers(1, 256), 0, 1);
    const options = {
      inputShape: [8, 8, 1] as [number, number, number],
      channels: [4, 6],
      outputSize: 5,
      seed: 3,
    };
    const plain = createConvNetEncoder(options);
    const synced = createConvNetEncoder(options, { group });
    const images = seededImages(7, [4, 8, 8, 1]);
    const kinds = synced.model.layers.filter((layer) => layer instanceof SyncBatchNormalization);
    expect(kinds).toHaveLength(2);
    expect(synced.getConfig()).toEqual(plain.getConfig());
    const gradients = (encoder: ConvNetEncoder) =>
      tf.tidy(() => {
        const variables = encoder.model.trainableWeights.map(
          (weight) => weight.read() as tf.Variable,
        );
        const { value, grads } = tf.variableGrads(
          () => tf.sum(tf.square(encoder.doEncode(images, { training: true }))) as tf.Scalar,
          variables,
        );
        return [
          value.dataSync()[0] as number,
          ...variables.map((v) => Array.from(grads[v.name]!.dataSync())),
        ] as const;
      });
    const [plainLoss, ...plainGradients] = gradients(plain);
    const [syncedLoss, ...syncedGradients] = gradients(synced);
    expect(syncedLoss).toBeCloseTo(plainLoss, 4);
    syncedGradients.forEach((gradient, index) => {
      const expected = plainGradients[index] as number[];
      (gradient as number[]).forEach((value, position) => {
        expect(Math.abs(value - (expected[position] as number))).toBeLessThan(
          1e-4 * (1 + Math.abs(expected[position] as number)),
        );
      });
    });
    images.dispose();
    plain.dispose();
    synced.dispose();
  });

  it('round-trips through getConfig, save/load and fromModel with identical outputs', async () => {
    const encoder = createConvNetEncoder({
      inputShape: [8, 8, 1],
      channels: [3],
      outputSize: 4,
      seed: 9,
    });
    const images = seededImages(3, [2, 8, 8, 1]);
    tf.dispose(encoder.doEncode(images, { training: true }));
    const loaded = await expectRoundTrip(encoder, ConvNetEncoder.fromModel, images);
    expect(loaded.getConfig()).toEqual({ ...encoder.getConfig() });
    expect(() => ConvNetEncoder.fromModel(loaded.model, { type: 'mlp' })).toThrow(
      /expected 'conv-net'/,
    );
    expect(() =>
      ConvNetEncoder.fromModel(loaded.model, { ...encoder.getConfig(), outputSize: 7 }),
    ).toThrow(/outputSize 7/);
    encoder.dispose();
    loaded.dispose();
    images.dispose();
  });

  it('rejects bad options with a message naming the field', () => {
    expect(() => createConvNetEncoder({ channels: [] })).toThrow(/channels/);
    expect(() => createConvNetEncoder({ outputSize: 0 })).toThrow(/outputSize/);
    expect(() => createConvNetEncoder({ unknownOption: 1 } as never)).toThrow(/unknownOption/);
    expect(() => createConvNetEncoder({ inputShape: [2, 2, 1], channels: [2, 2, 2] })).toThrow(
      /fewer channels/,
    );
  });

  it('gives the same output and weight gradients on wasm as on cpu (training mode)', async () => {
    await expectEncoderMatchesCpu(
      () =>
        createConvNetEncoder({ inputShape: [6, 6, 2], channels: [3, 4], outputSize: 5, seed: 1 }),
      () => seededImages(7, [3, 6, 6, 2]),
    );
  });
});
