export type { BackendInfo, BackendName, InitBackendOptions } from './init-backend';
export { initBackend } from './init-backend';
export { registerWasmKernels } from './wasm-kernels/register-wasm-kernels';
