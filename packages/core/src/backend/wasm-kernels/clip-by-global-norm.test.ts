import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { clipByGlobalNorm } from '../../training/clip-by-global-norm';
import { initBackend } from '../init-backend';
import { clipByGlobalNormKernelName } from './clip-by-global-norm';
import { expectNoLeak, expectWasmMatchesCpu, seededNormal } from './kernel-test-helpers';

function clipped(maxNorm: number): tf.Tensor[] {
  const gradients = {
    kernel: seededNormal([3, 4], 1),
    bias: seededNormal([4], 2),
    scale: seededNormal([2, 2, 3], 3),
  };
  const { gradients: result, norm } = clipByGlobalNorm(gradients, maxNorm);
  return [norm, result.kernel as tf.Tensor, result.bias as tf.Tensor, result.scale as tf.Tensor];
}

describe('SelfsupClipByGlobalNorm on wasm', () => {
  beforeAll(async () => {
    await initBackend({ backend: 'wasm', quiet: true });
  });

  it('is registered for wasm only (other backends run the tensor ops)', () => {
    expect(tf.getKernel(clipByGlobalNormKernelName, 'wasm')).toBeDefined();
    expect(tf.getKernel(clipByGlobalNormKernelName, 'cpu')).toBeUndefined();
  });

  it('gives the norm and clipped gradients like the tensor ops on cpu, clipping or not', async () => {
    await expectWasmMatchesCpu('clipping', () => clipped(1));
    await expectWasmMatchesCpu('not clipping', () => clipped(100));
  });

  it('returns gradients under the bound unchanged, and they outlive the originals', () => {
    const gradient = tf.tensor1d([3, 4]);
    const { gradients, norm } = clipByGlobalNorm({ g: gradient }, 10);
    gradient.dispose();
    expect(Array.from(gradients.g?.dataSync() ?? [])).toEqual([3, 4]);
    expect(norm.dataSync()[0]).toBeCloseTo(5, 5);
    tf.dispose([gradients.g as tf.Tensor, norm]);
  });

  it('leaks no tensors or backend data', async () => {
    await expectNoLeak(() => clipped(1));
    await expectNoLeak(() => clipped(100));
  });
});
