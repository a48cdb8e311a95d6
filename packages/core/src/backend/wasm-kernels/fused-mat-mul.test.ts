import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../init-backend';
import { expectNoLeak, expectWasmMatchesCpu, seededNormal } from './kernel-test-helpers';

const activations = ['linear', 'relu', 'relu6', 'elu', 'leakyrelu', 'sigmoid', 'prelu'] as const;

describe('_FusedMatMul on wasm', () => {
  beforeAll(async () => {
    await initBackend({ backend: 'wasm', quiet: true });
  });

  it.each(activations)(
    'bias + %s matches cpu for 2-D and batched transposed products, with gradients',
    async (activation) => {
      await expectWasmMatchesCpu(`fused ${activation}`, () => {
        const prelu = activation === 'prelu' ? seededNormal([5], 4) : undefined;
        const fused = (a: tf.Tensor, b: tf.Tensor, bias: tf.Tensor, transposeB: boolean) =>
          tf.fused.matMul({
            a,
            b,
            bias,
            activation,
            preluActivationWeights: prelu,
            leakyreluAlpha: 0.1,
            transposeB,
          });
        const a2 = seededNormal([4, 3], 1);
        const b2 = seededNormal([3, 5], 2);
        const a3 = seededNormal([2, 4, 3], 5);
        const b3 = seededNormal([2, 5, 3], 6);
        const bias = seededNormal([5], 3);
        const gradients = tf.grads((a: tf.Tensor, b: tf.Tensor, c: tf.Tensor) =>
          fused(a, b, c, true).square().sum(),
        )([a3, b3, bias]);
        return [fused(a2, b2, bias, false), fused(a3, b3, bias, true), ...gradients];
      });
    },
  );

  it('adds biases of other shapes (matrix, size-1) before the activation', async () => {
    await expectWasmMatchesCpu('bias shapes', () => [
      tf.fused.matMul({
        a: seededNormal([3, 4], 7),
        b: seededNormal([4, 5], 8),
        bias: seededNormal([3, 5], 9),
        activation: 'relu',
      }),
      tf.fused.matMul({
        a: seededNormal([2, 3, 4], 7),
        b: seededNormal([4, 5], 8),
        bias: seededNormal([1], 9),
        activation: 'elu',
      }),
      tf.fused.matMul({
        a: seededNormal([4, 3], 7),
        b: seededNormal([5, 4], 8),
        bias: seededNormal([5], 9),
        transposeA: true,
        transposeB: true,
      }),
    ]);
  });

  it('gradients through a tf.layers dense layer (which uses the fused kernel) match cpu', async () => {
    await expectWasmMatchesCpu('layers dense', () => {
      const layer = tf.layers.dense({
        units: 3,
        activation: 'relu',
        kernelInitializer: tf.initializers.glorotNormal({ seed: 1 }),
      });
      const x = seededNormal([4, 5], 2);
      layer.apply(x);
      const { value, grads } = tf.variableGrads(() => (layer.apply(x) as tf.Tensor).square().sum());
      const result = [value, ...Object.values(grads)];
      layer.dispose();
      return result;
    });
  });

  it('leaks no tensors or backend data', async () => {
    await expectNoLeak(() => {
      const a = seededNormal([2, 3, 4], 10);
      const b = seededNormal([2, 4, 5], 11);
      const bias = seededNormal([5], 12);
      return [
        tf.fused.matMul({ a, b, bias, activation: 'sigmoid' }),
        tf.fused.matMul({ a, b, bias: seededNormal([3, 5], 13), activation: 'relu' }),
        ...tf.grads((x: tf.Tensor, y: tf.Tensor) =>
          tf.fused.matMul({ a: x, b: y, bias, activation: 'relu' }).sum(),
        )([a, b]),
      ];
    });
  });

  it('rejects an unknown activation with the list of supported ones', () => {
    expect(() =>
      tf.tidy(() =>
        tf.engine().runKernel('_FusedMatMul', { a: tf.ones([2, 2]), b: tf.ones([2, 2]) }, {
          activation: 'swish',
        } as never),
      ),
    ).toThrow(/supported; use one of linear, relu/);
  });
});
