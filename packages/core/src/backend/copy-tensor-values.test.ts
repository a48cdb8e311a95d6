import * as tf from '@tensorflow/tfjs';
import { afterAll, describe, expect, it } from 'vitest';
import { expectNoTensorLeak } from '../test/expect-no-tensor-leak';
import { copyTensorValues } from './copy-tensor-values';
import { initBackend } from './init-backend';

describe.each(['wasm', 'cpu'] as const)('copyTensorValues on %s', (backend) => {
  afterAll(async () => {
    await initBackend({ backend: 'wasm', quiet: true });
  });

  it('copies the values at the offset and leaves the rest of the target alone', async () => {
    await initBackend({ backend, quiet: true });
    const tensor = tf.tensor2d([
      [1, -2, 3],
      [4.5, 5, -6],
    ]);
    const target = new Float32Array(10).fill(7);
    copyTensorValues(tensor, target, 3);
    expect(Array.from(target)).toEqual([7, 7, 7, 1, -2, 3, 4.5, 5, -6, 7]);
    // A computed tensor (kernel output) reads the same as its dataSync().
    const computed = tf.tidy(() => tensor.mul(2).transpose());
    const copy = new Float32Array(computed.size);
    copyTensorValues(computed, copy);
    expect(Array.from(copy)).toEqual(Array.from(computed.dataSync()));
    tf.dispose([tensor, computed]);
  });

  it('refuses non-float32 tensors and offsets that do not fit, naming the fix', async () => {
    await initBackend({ backend, quiet: true });
    const integers = tf.tensor1d([1, 2], 'int32');
    const floats = tf.tensor1d([1, 2, 3]);
    expect(() => copyTensorValues(integers, new Float32Array(2))).toThrow(/float32.*cast it/);
    expect(() => copyTensorValues(floats, new Float32Array(4), 2)).toThrow(
      /3 values at offset 2 do not fit in 4/,
    );
    expect(() => copyTensorValues(floats, new Float32Array(4), -1)).toThrow(/do not fit/);
    tf.dispose([integers, floats]);
  });

  it('creates no tensors', async () => {
    await initBackend({ backend, quiet: true });
    const tensor = tf.ones([4, 4]);
    const target = new Float32Array(16);
    await expectNoTensorLeak(() => copyTensorValues(tensor, target));
    tensor.dispose();
  });
});
