import type { KernelConfig } from '@tensorflow/tfjs';
import * as tf from '@tensorflow/tfjs';
import { adamUpdateConfig } from './adam-update';
import { avgPoolGradConfig } from './avg-pool-grad';
import { batchMatMulConfig } from './batch-mat-mul';
import { clipByGlobalNormConfig } from './clip-by-global-norm';
import { conv2dBackpropFilterConfig } from './conv2d-backprop-filter';
import { conv2dBackpropInputConfig } from './conv2d-backprop-input';
import { depthwiseConv2dBackpropFilterConfig } from './depthwise-conv2d-backprop-filter';
import { depthwiseConv2dBackpropInputConfig } from './depthwise-conv2d-backprop-input';
import { fusedMatMulConfig } from './fused-mat-mul';
import { gatherV2Config } from './gather';
import { geluConfig, geluGradConfig } from './gelu';
import { identityConfig } from './identity';
import { layerNormConfig, layerNormGradConfig } from './layer-norm';
import { meanConfig, sumConfig } from './leading-axes-reduction';
import { maxPoolGradConfig } from './max-pool-grad';
import { sliceConfig, splitVConfig } from './slice';
import { tileConfig } from './tile';
import { transposeConfig } from './transpose';
import { unsortedSegmentSumConfig } from './unsorted-segment-sum';
import { replacedWasmKernels } from './wasm-heap';

/**
 * Every kernel selfsup registers for the 'wasm' backend: replacements of stock kernels
 * (matMul, conv and pool gradients, transposes, reductions, slices, gathers, copy-free
 * `Identity`) and selfsup's own fused training kernels (`SelfsupAdamUpdate`,
 * `SelfsupClipByGlobalNorm`, `SelfsupGelu(Grad)`, `SelfsupLayerNorm(Grad)`), which the
 * optimizers, `clipByGlobalNorm`, `gelu` and `layerNormalize` use when registered.
 */
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
  identityConfig,
  adamUpdateConfig,
  sliceConfig,
  splitVConfig,
  gatherV2Config,
  clipByGlobalNormConfig,
  geluConfig,
  geluGradConfig,
  layerNormConfig,
  layerNormGradConfig,
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
