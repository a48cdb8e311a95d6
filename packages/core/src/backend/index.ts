export type { BackendInfo, BackendName, InitBackendOptions } from './init-backend';
export { backendNames, getBackendInfo, initBackend } from './init-backend';
export { registerWasmKernels, wasmKernelConfigs } from './wasm-kernels/register-wasm-kernels';
