import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { createAdam } from '../../training/optimizers/adam';
import { createAdamW } from '../../training/optimizers/adamw';
import { initBackend } from '../init-backend';
import { adamUpdateKernelName } from './adam-update';
import { expectNoLeak, expectWasmMatchesCpu, seededNormal } from './kernel-test-helpers';

/** Three Adam(W) steps on a matrix (decayed) and a bias (not decayed); returns the weights and moments. */
function threeSteps(decoupled: boolean, biasSize = 4): tf.Tensor[] {
  const kernel = tf.variable(seededNormal([3, 4], 1));
  const bias = tf.variable(seededNormal([biasSize], 2));
  const optimizer = decoupled
    ? createAdamW({ weightDecay: 0.1, beta2: 0.99 })
    : createAdam({ weightDecay: 0.05 });
  const parameters = [
    { key: 'kernel', name: 'kernel', variable: kernel },
    { key: 'bias', name: 'bias', variable: bias },
  ];
  for (let step = 0; step < 3; step++) {
    const gradients = {
      kernel: seededNormal([3, 4], 10 + step),
      bias: seededNormal([biasSize], 20 + step),
    };
    optimizer.applyGradients(parameters, gradients, 0.01 * (step + 1));
    tf.dispose(Object.values(gradients));
  }
  const state = optimizer.getState();
  const results = [kernel.clone(), bias.clone(), ...Object.values(state).map((t) => t.toFloat())];
  tf.dispose([kernel, bias, ...Object.values(state)]);
  optimizer.dispose();
  return results;
}

describe('SelfsupAdamUpdate on wasm', () => {
  beforeAll(async () => {
    await initBackend({ backend: 'wasm', quiet: true });
  });

  it('is registered for wasm only (other backends run the tensor ops)', () => {
    expect(tf.getKernel(adamUpdateKernelName, 'wasm')).toBeDefined();
    expect(tf.getKernel(adamUpdateKernelName, 'cpu')).toBeUndefined();
  });

  it('gives AdamW (decoupled decay) weights and moments like the tensor ops on cpu', async () => {
    await expectWasmMatchesCpu('adamw', () => threeSteps(true));
  });

  it('gives Adam (coupled L2) weights and moments like the tensor ops on cpu', async () => {
    await expectWasmMatchesCpu('adam', () => threeSteps(false));
  });

  it('updates sizes that are not a multiple of 4 (SIMD body and scalar tail) like cpu', async () => {
    await expectWasmMatchesCpu('adamw tail', () => threeSteps(true, 7));
    await expectWasmMatchesCpu('adam tail', () => threeSteps(false, 3));
  });

  it('leaks no tensors or backend data', async () => {
    await expectNoLeak(() => threeSteps(true));
  });
});
