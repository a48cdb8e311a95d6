import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../init-backend';
import { expectNoLeak, expectWasmMatchesCpu, seededNormal } from './kernel-test-helpers';

describe('Identity on wasm', () => {
  beforeAll(async () => {
    await initBackend({ backend: 'wasm', quiet: true });
  });

  it('clones float32, int32 and bool like cpu, and gradients through saved tensors match', async () => {
    await expectWasmMatchesCpu('identity', () => {
      const x = seededNormal([3, 4], 1);
      const integers = tf.range(0, 12, 1, 'int32').reshape([3, 4]);
      return [
        tf.clone(x),
        tf.clone(integers).toFloat(),
        tf.clone(integers.mod(2).cast('bool')).toFloat(),
        // exp saves its output, square and softmax their input: tfjs clones them for the tape.
        ...tf.grads((input: tf.Tensor) => tf.softmax(input.exp().square()).sum())([x]),
      ];
    });
  });

  it('shares the data: a clone survives its source, and the data is freed with the last tensor', () => {
    const dataBefore = tf.engine().backend.numDataIds();
    const source = seededNormal([2, 3], 2);
    const values = Array.from(source.dataSync());
    const clone = tf.clone(source);
    expect(tf.engine().backend.numDataIds()).toBe(dataBefore + 1);
    source.dispose();
    expect(Array.from(clone.dataSync())).toEqual(values);
    expect(tf.engine().backend.numDataIds()).toBe(dataBefore + 1);
    clone.dispose();
    expect(tf.engine().backend.numDataIds()).toBe(dataBefore);
  });

  it('a variable assigned from a clone keeps its own value when the clone is disposed', () => {
    const variable = tf.variable(tf.zeros([2]));
    const update = tf.tensor1d([1, 2]);
    const clone = tf.clone(update);
    variable.assign(clone);
    clone.dispose();
    update.dispose();
    expect(Array.from(variable.dataSync())).toEqual([1, 2]);
    variable.dispose();
  });

  it('clones strings with the stock kernel', () => {
    const text = tf.tensor1d(['a', 'bc'], 'string');
    const clone = tf.clone(text);
    expect(clone.arraySync()).toEqual(['a', 'bc']);
    tf.dispose([text, clone]);
  });

  it('leaks no tensors or backend data, also through gradients', async () => {
    await expectNoLeak(() => {
      const x = seededNormal([4, 5], 3);
      return [tf.clone(x), ...tf.grads((input: tf.Tensor) => input.exp().square().sum())([x])];
    });
  });
});
