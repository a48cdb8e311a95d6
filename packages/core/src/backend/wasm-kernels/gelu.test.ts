import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { gelu } from '../../layers/transformer-block';
import { initBackend } from '../init-backend';
import { geluGradKernelName, geluKernelName } from './gelu';
import { expectNoLeak, expectWasmMatchesCpu, seededNormal } from './kernel-test-helpers';

describe('fused GELU on wasm', () => {
  beforeAll(async () => {
    await initBackend({ backend: 'wasm', quiet: true });
  });

  it('matches the cpu ops path, forward and gradient (SIMD body and scalar tail)', async () => {
    await expectWasmMatchesCpu('gelu', () => {
      // 4·257 + 3 values: the SIMD loop and a 3-value scalar tail; scaled to reach the tails.
      const x = seededNormal([1031], 21).mul(4);
      const dy = seededNormal([1031], 22);
      const [dx] = tf.grads((input: tf.Tensor) => gelu(input).mul(dy).sum())([x]);
      return [gelu(x), dx as tf.Tensor];
    });
  });

  it('stays exact at extreme inputs (exp clamping) and on a [768, 512] activation', async () => {
    await expectWasmMatchesCpu('gelu extremes', () => {
      const x = tf.tensor1d([-1e4, -100, -30, -10, -1e-3, 0, 1e-3, 10, 30, 100, 1e4, 0.5]);
      const [dx] = tf.grads((input: tf.Tensor) => gelu(input).sum())([x]);
      const large = seededNormal([768, 512], 23);
      const [largeGradient] = tf.grads((input: tf.Tensor) => gelu(input).square().sum())([large]);
      return [gelu(x), dx as tf.Tensor, gelu(large), largeGradient as tf.Tensor];
    });
  });

  it('runs as the two fused kernels on wasm, without leaks', async () => {
    const x = seededNormal([6, 10], 24);
    const profile = await tf.profile(() => {
      tf.dispose(tf.grads((input: tf.Tensor) => gelu(input).sum())([x]));
    });
    const names = profile.kernels.map((kernel) => kernel.name);
    expect(names).toContain(geluKernelName);
    expect(names).toContain(geluGradKernelName);
    expect(names).not.toContain('Sigmoid');
    await expectNoLeak(() => tf.grads((input: tf.Tensor) => gelu(input).sum())([x]));
    x.dispose();
  });

  it('rejects non-float input with a clear message', () => {
    const x = tf.tensor1d([1, 2], 'int32');
    expect(() => tf.engine().runKernel(geluKernelName, { x })).toThrow(/float32 only/);
    x.dispose();
  });
});
