import type { KernelConfig } from '@tensorflow/tfjs';
import * as tf from '@tensorflow/tfjs';
import { avgPoolGradConfig } from './avg-pool-grad';
import { batchMatMulConfig } from './batch-mat-mul';
import { conv2dBackpropFilterConfig } from './conv2d-backprop-filter';
import { conv2dBackpropInputConfig } from './conv2d-backprop-input';
import { depthwiseConv2dBackpropFilterConfig } from './depthwise-conv2d-backprop-filter';
import { depthwiseConv2dBackpropInputConfig } from './depthwise-conv2d-backprop-input';
import { fusedMatMulConfig } from './fused-mat-mul';
import { meanConfig, sumConfig } from './leading-axes-reduction';
import { maxPoolGradConfig } from './max-pool-grad';
import { tileConfig } from './tile';
import { transposeConfig } from './transpose';
import { unsortedSegmentSumConfig } from './unsorted-segment-sum';
import { replacedWasmKernels } from './wasm-heap';

/** Every kernel selfsup registers for the 'wasm' backend. */
export const wasmKernelConfigs: readonly KernelConfig[] = [
  batchMatMulConfig,
  fusedMatMulConfig,
  unsortedSegmentSumConfig,
  conv2dBackpropFilterConfig,
  conv2dBackpropInputConfig,
  depthwiseConv2dBackpropInputConfig,
  depthwiseConv2dBackpropFilterConfig,
  maxPoolGradConfig,
  avgPoolGradConfig,
  transposeConfig,
  tileConfig,
  sumConfig,
  meanConfig,
];

/**
 * Registers selfsup's kernels for the tfjs 'wasm' backend: fast paths for transposed and
 * batched matMul (`BatchMatMul`, `_FusedMatMul`) and the training kernels stock
 * tfjs-backend-wasm 4.22 lacks or runs slowly (see `wasmKernelConfigs`). They replace the
 * stock registrations, so they serve all code on 'wasm', tf.layers included.
 *
 * Idempotent, and valid before or after the wasm backend initialises (the kernels set
 * themselves up lazily). `@tensorflow/tfjs-backend-wasm` must be imported first (its import
 * registers the stock kernels, which would otherwise overwrite these); `initBackend()` does
 * both, so call this yourself only if you set the backend by hand.
 *
 * @example
 * await import('@tensorflow/tfjs-backend-wasm');
 * registerWasmKernels();
 * await tf.setBackend('wasm');
 */
export function registerWasmKernels(): void {
  if (tf.findBackendFactory('wasm') == null) {
    throw new Error(
      "registerWasmKernels(): the 'wasm' backend is not registered; import '@tensorflow/tfjs-backend-wasm' first " +
        "(or call initBackend({ backend: 'wasm' }), which does both).",
    );
  }
  for (const config of wasmKernelConfigs) {
    const current = tf.getKernel(config.kernelName, 'wasm');
    if (current?.kernelFunc === config.kernelFunc) continue;
    if (current !== undefined) {
      if (!wasmKernelConfigs.some((ours) => ours.kernelFunc === current.kernelFunc))
        replacedWasmKernels.set(config.kernelName, current);
      tf.unregisterKernel(config.kernelName, 'wasm');
    }
    // Keep the replaced kernel's setupFunc: stock kernels call each other's module functions
    // (e.g. Sum calls the stock transpose), which only that setupFunc initialises.
    const setupFunc = config.setupFunc ?? current?.setupFunc;
    tf.registerKernel(setupFunc === undefined ? config : { ...config, setupFunc });
  }
}
