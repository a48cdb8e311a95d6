import * as tf from '@tensorflow/tfjs';
import { floatView, isWasmBackend, type WasmBackend } from './wasm-kernels/wasm-heap';

/** The wasm backend when it holds `tensor`'s data (else the caller reads through `dataSync()`). */
function wasmBackendOf(tensor: tf.Tensor): WasmBackend | undefined {
  const backend = tf.backend();
  return isWasmBackend(backend) && backend.dataIdMap.get(tensor.dataId) !== undefined
    ? backend
    : undefined;
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
