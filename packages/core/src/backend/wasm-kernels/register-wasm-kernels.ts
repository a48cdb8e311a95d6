/**
 * Registers selfsup's kernels for the tfjs 'wasm' backend: the gradient kernels stock
 * tfjs-backend-wasm 4.22 lacks, and fast paths for transposed and batched matMul.
 * Idempotent. Called by `initBackend()`; call it yourself only if you set the backend by hand.
 */
export function registerWasmKernels(): void {
  // Filled by the wasm-kernels work: see the files beside this one.
}
