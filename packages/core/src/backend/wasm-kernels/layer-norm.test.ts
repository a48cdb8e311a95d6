import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { layerNormalize } from '../../layers/layer-normalization';
import { initBackend } from '../init-backend';
import { expectNoLeak, expectWasmMatchesCpu, seededNormal } from './kernel-test-helpers';
import {
  fusedLayerNormAvailable,
  layerNormGradKernelName,
  layerNormKernelName,
} from './layer-norm';

describe('fused LayerNorm on wasm', () => {
  beforeAll(async () => {
    await initBackend({ backend: 'wasm', quiet: true });
  });

  it('matches the cpu ops path, forward and all gradients, for 2-D and 3-D inputs', async () => {
    await expectWasmMatchesCpu('layer norm', () => {
      // Offset and scaled rows: the variance must not suffer from the mean.
      const x = seededNormal([3, 20, 24], 31).mul(3).add(5);
      const gamma = seededNormal([24], 32);
      const beta = seededNormal([24], 33);
      const weights = seededNormal([3, 20, 24], 34);
      const loss = (input: tf.Tensor, scale: tf.Tensor, offset: tf.Tensor) =>
        layerNormalize(input, scale, offset, 1e-5).mul(weights).sum();
      const x2 = seededNormal([768, 128], 35);
      const gamma2 = seededNormal([128], 36);
      const beta2 = seededNormal([128], 37);
      return [
        layerNormalize(x, gamma, beta),
        ...tf.grads(loss)([x, gamma, beta]),
        layerNormalize(x2, gamma2, beta2, 1e-3),
        ...tf.grads((input: tf.Tensor, scale: tf.Tensor, offset: tf.Tensor) =>
          layerNormalize(input, scale, offset).square().sum(),
        )([x2, gamma2, beta2]),
      ];
    });
  });

  it('runs as the two fused kernels on wasm (D % 4 = 0), without leaks', async () => {
    expect(fusedLayerNormAvailable(24)).toBe(true);
    expect(fusedLayerNormAvailable(6)).toBe(false);
    const x = seededNormal([5, 8], 38);
    const gamma = tf.ones([8]);
    const beta = tf.zeros([8]);
    const gradients = (input: tf.Tensor, scale: tf.Tensor, offset: tf.Tensor) =>
      tf.grads((a: tf.Tensor, b: tf.Tensor, c: tf.Tensor) =>
        layerNormalize(a, b, c).square().sum(),
      )([input, scale, offset]);
    const profile = await tf.profile(() => tf.dispose(gradients(x, gamma, beta)));
    const names = profile.kernels.map((kernel) => kernel.name);
    expect(names).toContain(layerNormKernelName);
    expect(names).toContain(layerNormGradKernelName);
    await expectNoLeak(() => gradients(x, gamma, beta));
    tf.dispose([x, gamma, beta]);
  });

  it('keeps the ops path for sizes that are not a multiple of 4', async () => {
    await expectWasmMatchesCpu('layer norm D = 6', () => {
      const x = seededNormal([4, 6], 39);
      const gamma = seededNormal([6], 40);
      const beta = seededNormal([6], 41);
      return [
        layerNormalize(x, gamma, beta),
        ...tf.grads((input: tf.Tensor) => layerNormalize(input, gamma, beta).square().sum())([x]),
      ];
    });
  });

  it('rejects inputs the kernel cannot take with a message naming the fix', () => {
    const x = tf.zeros([2, 6]);
    const gamma = tf.ones([6]);
    expect(() =>
      tf.engine().runKernel(layerNormKernelName, { x, gamma, beta: gamma }, { epsilon: 1e-5 }),
    ).toThrow(/multiple of 4/);
    tf.dispose([x, gamma]);
  });
});
