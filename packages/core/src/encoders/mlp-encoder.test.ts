import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../backend/init-backend';
import { SeededRandom } from '../random/seeded-random';
import { createMlpEncoder, MlpEncoder } from './mlp-encoder';
import {
  expectEncoderMatchesCpu,
  expectEncoderStepLeaksNothing,
  expectRoundTrip,
} from './vision-encoder-checks';

function seededTensor(seed: number, shape: number[]): tf.Tensor {
  const random = new SeededRandom(seed);
  const size = shape.reduce((product, axis) => product * axis, 1);
  return tf.tensor(
    Float32Array.from({ length: size }, () => random.nextNormal()),
    shape,
  );
}

describe('createMlpEncoder', () => {
  beforeAll(async () => {
    await initBackend({ backend: 'wasm' });
  });

  it('encodes vectors and flattened images to [B, last hidden size]', () => {
    const vectors = createMlpEncoder({ inputShape: [6], hiddenSizes: [5, 3] });
    const images = createMlpEncoder({
      inputShape: [4, 4, 1],
      hiddenSizes: [3],
      activation: 'gelu',
    });
    expect(vectors.inputSpec.modality).toBe('vector');
    expect(images.inputSpec).toEqual({ modality: 'image', shape: [4, 4, 1], dtype: 'float32' });
    expect([vectors.outputSize, images.outputSize]).toEqual([3, 3]);
    const x = seededTensor(1, [2, 6]);
    const pictures = seededTensor(2, [2, 4, 4, 1]);
    tf.tidy(() => {
      const z = vectors.doEncode(x, { training: false });
      expect(z.shape).toEqual([2, 3]);
      // ReLU on the representation.
      expect(tf.min(z).dataSync()[0]).toBeGreaterThanOrEqual(0);
      expect(images.doEncode(pictures, { training: false }).shape).toEqual([2, 3]);
    });
    vectors.dispose();
    images.dispose();
    tf.dispose([x, pictures]);
  });

  it('applies BatchNormalization (no dense bias) and dropout only in training', () => {
    const encoder = createMlpEncoder({
      inputShape: [6],
      hiddenSizes: [8, 4],
      batchNormalization: true,
      dropout: 0.5,
    });
    expect(encoder.model.getLayer('dense_1').getConfig().useBias).toBe(false);
    expect(encoder.model.layers.map((layer) => layer.name)).toContain('dropout_1');
    expect(encoder.model.layers.map((layer) => layer.name)).not.toContain('dropout_2');
    const x = seededTensor(3, [4, 6]);
    tf.tidy(() => {
      const first = encoder.doEncode(x, { training: false });
      const second = encoder.doEncode(x, { training: false });
      expect(Array.from(second.dataSync())).toEqual(Array.from(first.dataSync()));
      const training = encoder.doEncode(x, { training: true });
      expect(tf.max(tf.abs(tf.sub(training, first))).dataSync()[0]).toBeGreaterThan(1e-4);
    });
    encoder.dispose();
    x.dispose();
  });

  it('trains (gradients for every trainable weight) without leaking tensors', async () => {
    const encoder = createMlpEncoder({
      inputShape: [3, 3, 1],
      hiddenSizes: [5, 4],
      batchNormalization: true,
    });
    const x = seededTensor(4, [3, 3, 3, 1]);
    expect(await expectEncoderStepLeaksNothing(encoder, x)).toBe(
      encoder.model.trainableWeights.length,
    );
    encoder.dispose();
    x.dispose();
  });

  it('round-trips through getConfig, save/load and fromModel with identical outputs', async () => {
    const encoder = createMlpEncoder({
      inputShape: [5],
      hiddenSizes: [4, 3],
      batchNormalization: true,
      seed: 2,
    });
    const x = seededTensor(5, [3, 5]);
    tf.dispose(encoder.doEncode(x, { training: true }));
    const loaded = await expectRoundTrip(encoder, MlpEncoder.fromModel, x);
    expect(loaded.getConfig()).toEqual({
      type: 'mlp',
      inputShape: [5],
      hiddenSizes: [4, 3],
      activation: 'relu',
      batchNormalization: true,
      dropout: 0,
      seed: 2,
    });
    encoder.dispose();
    loaded.dispose();
    x.dispose();
  });

  it('rejects bad options with a message naming the field', () => {
    expect(() => createMlpEncoder({ hiddenSizes: [] })).toThrow(/hiddenSizes/);
    expect(() => createMlpEncoder({ dropout: 1 })).toThrow(/dropout/);
    expect(() => createMlpEncoder({ activation: 'softmax' as never })).toThrow(/activation/);
  });

  it('gives the same output and weight gradients on wasm as on cpu (training mode)', async () => {
    await expectEncoderMatchesCpu(
      () =>
        createMlpEncoder({
          inputShape: [7],
          hiddenSizes: [6, 4],
          batchNormalization: true,
          seed: 1,
        }),
      () => seededTensor(7, [5, 7]),
    );
  });

  it('draws reproducible dropout masks from its seed, a new one per training call', () => {
    const input = tf.ones([4, 6]);
    const run = () => {
      const encoder = createMlpEncoder({
        inputShape: [6],
        hiddenSizes: [16, 8],
        dropout: 0.5,
        seed: 3,
      });
      const first = encoder.doEncode(input, { training: true });
      const second = encoder.doEncode(input, { training: true });
      const values = [Array.from(first.dataSync()), Array.from(second.dataSync())];
      tf.dispose([first, second]);
      encoder.dispose();
      return values;
    };
    const [first, second] = run();
    expect(run()).toEqual([first, second]);
    expect(second).not.toEqual(first);
    input.dispose();
  });
});
