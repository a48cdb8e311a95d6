import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../backend/init-backend';
import { expectTensorsClose } from '../test/compare-tensors';
import { expectNoTensorLeak } from '../test/expect-no-tensor-leak';
import { encode } from './encode';
import { LayersEncoder } from './layers-encoder';

function tinyEncoder(): LayersEncoder {
  const model = tf.sequential({
    layers: [
      tf.layers.dense({
        inputShape: [3],
        units: 2,
        kernelInitializer: tf.initializers.glorotUniform({ seed: 1 }),
      }),
    ],
  });
  return new LayersEncoder({
    type: 'tiny',
    config: { type: 'tiny' },
    inputSpec: { modality: 'vector', shape: [3], dtype: 'float32' },
    outputSize: 2,
    model,
  });
}

describe('encode', () => {
  beforeAll(async () => {
    await initBackend({ backend: 'wasm' });
  });

  it('gives the same features batched as in one pass, without leaking', async () => {
    const encoder = tinyEncoder();
    const inputs = tf.randomNormal([10, 3], 0, 1, 'float32', 3);
    const whole = encode(encoder, inputs, { batchSize: 64 });
    const batched = encode(encoder, inputs, { batchSize: 3 });
    expect(batched.shape).toEqual([10, 2]);
    expectTensorsClose(batched, whole);
    tf.dispose([whole, batched]);
    await expectNoTensorLeak(() => encode(encoder, inputs, { batchSize: 4 }).dispose());
    inputs.dispose();
    encoder.dispose();
  });

  it('names the expected shape and dtype when the input does not fit', () => {
    const encoder = tinyEncoder();
    const wrongRank = tf.zeros([2, 3, 1]);
    const wrongSize = tf.zeros([2, 4]);
    const wrongType = tf.zeros([2, 3], 'int32');
    expect(() => encode(encoder, wrongRank)).toThrow(
      /shape \[batch, 3\], got a tensor of shape \[2,3,1\]/,
    );
    expect(() => encode(encoder, wrongSize)).toThrow(/axis 1 of the input has size 4/);
    expect(() => encode(encoder, wrongType)).toThrow(/takes float32 vector, got int32/);
    expect(() => encode(encoder, wrongSize, { output: 'sequence' })).toThrow();
    tf.dispose([wrongRank, wrongSize, wrongType]);
    encoder.dispose();
  });
});
