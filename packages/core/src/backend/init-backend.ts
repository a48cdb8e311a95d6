import * as tf from '@tensorflow/tfjs';
import { registerWasmKernels } from './wasm-kernels/register-wasm-kernels';

/** Backends selfsup knows how to start. */
export type BackendName = 'tensorflow' | 'wasm' | 'cpu' | 'webgl' | 'webgpu';

/** Options of {@link initBackend}. */
export type InitBackendOptions = {
  /** Force one backend (also `SELFSUP_BACKEND`); fails with an install hint when it cannot load. */
  readonly backend?: BackendName;
};

/** What {@link initBackend} chose. */
export type BackendInfo = {
  readonly backend: BackendName;
  readonly threads: number;
};

/**
 * Starts the fastest available tfjs backend and registers selfsup's kernels for it.
 * Minimal version: wasm (with selfsup kernels) or cpu.
 */
export async function initBackend(options: InitBackendOptions = {}): Promise<BackendInfo> {
  const backend = options.backend ?? 'wasm';
  if (backend === 'wasm') {
    await import('@tensorflow/tfjs-backend-wasm');
    registerWasmKernels();
  }
  if (!(await tf.setBackend(backend === 'tensorflow' ? 'tensorflow' : backend))) {
    throw new Error(`The '${backend}' backend could not be started.`);
  }
  await tf.ready();
  return { backend, threads: 1 };
}
