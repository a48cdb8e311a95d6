import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../backend/init-backend';
import { SeededRandom } from '../random/seeded-random';
import { createResNetEncoder, ResNetEncoder } from './res-net-encoder';
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

describe('createResNetEncoder', () => {
  beforeAll(async () => {
    await initBackend({ backend: 'wasm' });
  });

  it('builds ResNet-(6n+2): 28×28 → 14 → 7 maps, 4·width outputs, projection shortcuts where the shape changes', () => {
    const encoder = createResNetEncoder({ depth: 14, width: 4 });
    const convs = encoder.model.layers.filter((layer) => layer.getClassName() === 'Conv2D');
    // depth 14 = stem + 2 convs × 2 blocks × 3 stages (+ 1 for the classifier He et al. count); plus 2 projection shortcuts.
    expect(convs).toHaveLength(1 + 2 * 2 * 3 + 2);
    expect(encoder.model.getLayer('stage_3_block_2_relu_2').outputShape).toEqual([null, 7, 7, 16]);
    expect(encoder.model.getLayer('stage_2_block_1_relu_2').outputShape).toEqual([null, 14, 14, 8]);
    expect(encoder.outputSize).toBe(16);
    expect(encoder.inputSpec).toEqual({ modality: 'image', shape: [28, 28, 1], dtype: 'float32' });
    const images = seededImages(1, [2, 28, 28, 1]);
    tf.tidy(() => {
      expect(encoder.doEncode(images, { training: false }).shape).toEqual([2, 16]);
    });
    encoder.dispose();
    images.dispose();
  });

  it('trains (gradients for every trainable weight) without leaking tensors', async () => {
    const encoder = createResNetEncoder({ inputShape: [8, 8, 1], width: 2 });
    const images = seededImages(2, [2, 8, 8, 1]);
    const gradientCount = await expectEncoderStepLeaksNothing(encoder, images);
    expect(gradientCount).toBe(encoder.model.trainableWeights.length);
    encoder.dispose();
    images.dispose();
  });

  it('round-trips through getConfig, save/load and fromModel with identical outputs', async () => {
    const encoder = createResNetEncoder({ inputShape: [8, 8, 2], width: 2, seed: 4 });
    const images = seededImages(3, [2, 8, 8, 2]);
    tf.dispose(encoder.doEncode(images, { training: true }));
    const loaded = await expectRoundTrip(encoder, ResNetEncoder.fromModel, images);
    expect(() =>
      ResNetEncoder.fromModel(loaded.model, { ...encoder.getConfig(), width: 3 }),
    ).toThrow(/width 3/);
    encoder.dispose();
    loaded.dispose();
    images.dispose();
  });

  it('rejects a depth that is not 6n + 2', () => {
    expect(() => createResNetEncoder({ depth: 10 })).toThrow(/6n \+ 2/);
  });

  it('gives the same output and weight gradients on wasm as on cpu (training mode)', async () => {
    await expectEncoderMatchesCpu(
      () => createResNetEncoder({ inputShape: [6, 6, 1], width: 2, seed: 1 }),
      () => seededImages(7, [2, 6, 6, 1]),
    );
  });
});
