import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../init-backend';
import { registerWasmKernels, wasmKernelConfigs } from './register-wasm-kernels';

describe('registerWasmKernels', () => {
  beforeAll(async () => {
    await initBackend({ backend: 'wasm', quiet: true });
  });

  it('registers every selfsup kernel for wasm, replacing the stock ones', () => {
    for (const config of wasmKernelConfigs) {
      expect(tf.getKernel(config.kernelName, 'wasm')?.kernelFunc).toBe(config.kernelFunc);
    }
    const names = wasmKernelConfigs.map((config) => config.kernelName);
    for (const name of [
      'BatchMatMul',
      '_FusedMatMul',
      'UnsortedSegmentSum',
      'Conv2DBackpropFilter',
      'Conv2DBackpropInput',
    ]) {
      expect(names).toContain(name);
    }
  });

  it('is idempotent: a second call changes nothing and warns about nothing', () => {
    const before = wasmKernelConfigs.map((config) => tf.getKernel(config.kernelName, 'wasm'));
    const warnings: unknown[] = [];
    const warn = console.warn;
    console.warn = (...values: unknown[]) => warnings.push(values);
    try {
      registerWasmKernels();
      registerWasmKernels();
    } finally {
      console.warn = warn;
    }
    expect(wasmKernelConfigs.map((config) => tf.getKernel(config.kernelName, 'wasm'))).toEqual(
      before,
    );
    expect(warnings).toEqual([]);
  });

  it('takes back a registration replaced by someone else', () => {
    const stockLike = {
      kernelName: 'UnsortedSegmentSum',
      backendName: 'wasm',
      kernelFunc: () => ({}) as never,
    };
    tf.unregisterKernel('UnsortedSegmentSum', 'wasm');
    tf.registerKernel(stockLike);
    registerWasmKernels();
    expect(tf.getKernel('UnsortedSegmentSum', 'wasm')?.kernelFunc).not.toBe(stockLike.kernelFunc);
  });

  it('works when registered after the backend initialised (kernels set themselves up lazily)', async () => {
    await tf.setBackend('cpu');
    await tf.setBackend('wasm');
    const product = tf.matMul(tf.ones([2, 3]), tf.ones([2, 3]), false, true);
    expect(Array.from(product.dataSync())).toEqual([3, 3, 3, 3]);
    product.dispose();
  });
});
