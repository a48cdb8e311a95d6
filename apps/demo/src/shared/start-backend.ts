import { type BackendInfo, type BackendName, backendNames, initBackend } from '@selfsup/core';
import plainWasm from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm?url';
import simdWasm from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-simd.wasm?url';
import threadedSimdWasm from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-threaded-simd.wasm?url';

/** Backends a browser can run, in the order the switcher lists them. */
export const browserBackends: readonly BackendName[] = backendNames.filter(
  (name) => name !== 'node' && name !== 'node-gpu',
);

/**
 * The backend the page asks for in its URL (`?backend=wasm`), or undefined for the fastest.
 *
 * @param search The page's query string. @default location.search
 * @returns A browser backend name, or undefined when absent.
 * @throws An Error naming the valid choices when the URL names an unknown backend.
 * @example
 * requestedBackend('?backend=webgl'); // 'webgl'
 */
export function requestedBackend(search: string = location.search): BackendName | undefined {
  const value = new URLSearchParams(search).get('backend');
  if (value === null || value === '' || value === 'auto') return undefined;
  if (!(browserBackends as readonly string[]).includes(value)) {
    throw new Error(
      `Unknown backend '${value}' in the URL; use one of ${browserBackends.join(', ')} (or remove ?backend= for the fastest).`,
    );
  }
  return value as BackendName;
}

/**
 * Starts tfjs in the browser through core's `initBackend`: the URL's backend, or the fastest
 * that starts (webgpu, webgl, wasm, cpu), with the wasm binaries served by Vite.
 *
 * @param backend The backend to force. @default requestedBackend()
 * @returns What `initBackend` chose.
 * @example
 * const { backend } = await startBackend('wasm');
 */
export function startBackend(backend = requestedBackend()): Promise<BackendInfo> {
  return initBackend({
    ...(backend === undefined ? {} : { backend }),
    quiet: true,
    wasmPaths: {
      'tfjs-backend-wasm.wasm': plainWasm,
      'tfjs-backend-wasm-simd.wasm': simdWasm,
      'tfjs-backend-wasm-threaded-simd.wasm': threadedSimdWasm,
    },
  });
}
