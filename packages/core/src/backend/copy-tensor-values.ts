import * as tf from '@tensorflow/tfjs';
import { floatView, type WasmBackend } from './wasm-kernels/wasm-heap';

function wasmBackendOf(tensor: tf.Tensor): WasmBackend | undefined {
  if (tf.getBackend() !== 'wasm') return undefined;
  const backend = tf.backend() as Partial<WasmBackend>;
  if (backend.wasm?.HEAPU8 === undefined || backend.dataIdMap?.get(tensor.dataId) === undefined)
    return undefined;
  return backend as WasmBackend;
}

/**
 * Copies a float32 tensor's values into `target` at `offset`, without the intermediate array that
 * `dataSync()` allocates: on the wasm backend it reads the heap directly. Training loops that
 * read every gradient each step (data-parallel replicas) allocate several MB per step through
 * `dataSync()`, and V8 answers that external memory with a full garbage collection about once a
 * step, whose concurrent marking takes a core away from the other worker.
 *
 * @param tensor a float32 tensor (not disposed).
 * @param target where the values go.
 * @param offset the index in `target` of the first value.
 * @example copyTensorValues(gradient, packed, offsets[index]);
 */
export function copyTensorValues(tensor: tf.Tensor, target: Float32Array, offset = 0): void {
  if (tensor.dtype !== 'float32') {
    throw new TypeError(
      `copyTensorValues() copies float32 tensors; got ${tensor.dtype} (cast it first).`,
    );
  }
  if (offset < 0 || offset + tensor.size > target.length) {
    throw new RangeError(
      `copyTensorValues(): ${tensor.size} values at offset ${offset} do not fit in ${target.length}.`,
    );
  }
  const backend = wasmBackendOf(tensor);
  target.set(
    backend === undefined ? (tensor.dataSync() as Float32Array) : floatView(backend, tensor),
    offset,
  );
}
