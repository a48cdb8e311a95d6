import type { KernelConfig, KernelFunc, TensorInfo } from '@tensorflow/tfjs';
import * as tf from '@tensorflow/tfjs';
import { asWasmBackend, type KernelArguments, tensorData, type WasmBackend } from './wasm-heap';

function heapArray(
  backend: WasmBackend,
  info: TensorInfo,
  size: number,
): Float32Array | Int32Array | Uint8Array {
  const { memoryOffset } = tensorData(backend, info);
  const buffer = backend.wasm.HEAPU8.buffer;
  if (info.dtype === 'float32') return new Float32Array(buffer, memoryOffset, size);
  if (info.dtype === 'int32') return new Int32Array(buffer, memoryOffset, size);
  return new Uint8Array(buffer, memoryOffset, size);
}

/**
 * `Tile` for the wasm backend. Stock 4.22 computes every output index in a scalar loop: the
 * `Tile` inside the gradient of `tf.batchNorm` (every BatchNormalization layer) took ~700 ms of
 * a 2 s SimCLR step. This kernel copies whole contiguous rows of the input over zero-copy heap
 * views. float32, int32 and bool.
 *
 * @param args - Kernel arguments: input `x`; attr `reps` (one per axis).
 * @returns x repeated `reps[i]` times along each axis i.
 */
export function tileKernel(args: KernelArguments): TensorInfo {
  const backend = asWasmBackend(args.backend);
  const x = args.inputs.x;
  if (x === undefined) throw new Error('Tile needs input x.');
  const reps = args.attrs?.reps as number[];
  if (x.dtype !== 'float32' && x.dtype !== 'int32' && x.dtype !== 'bool') {
    throw new Error(`Tile on wasm supports float32, int32 and bool, got ${x.dtype}.`);
  }
  if (reps.length !== x.shape.length) {
    throw new Error(
      `tile: reps ${JSON.stringify(reps)} must have one entry per axis of x ${JSON.stringify(x.shape)}.`,
    );
  }
  const rank = x.shape.length;
  const outShape = x.shape.map((size, axis) => size * reps[axis]!);
  const out = backend.makeOutput(outShape, x.dtype);
  const outSize = tf.util.sizeFromShape(outShape);
  if (outSize === 0) return out;
  const inSize = tf.util.sizeFromShape(x.shape);
  const source = heapArray(backend, x, inSize);
  const target = heapArray(backend, out, outSize);
  if (rank === 0) {
    target[0] = source[0]!;
    return out;
  }
  const inStrides = new Array<number>(rank);
  let stride = 1;
  for (let axis = rank - 1; axis >= 0; axis--) {
    inStrides[axis] = stride;
    stride *= x.shape[axis]!;
  }
  const inRow = x.shape[rank - 1]!;
  const outRow = outShape[rank - 1]!;
  const rows = outSize / outRow;
  const index = new Array<number>(rank - 1).fill(0);
  let sourceBase = 0;
  for (let row = 0; row < rows; row++) {
    const targetBase = row * outRow;
    if (inRow === 1) {
      target.fill(source[sourceBase]!, targetBase, targetBase + outRow);
    } else {
      const values = source.subarray(sourceBase, sourceBase + inRow);
      for (let start = targetBase; start < targetBase + outRow; start += inRow)
        target.set(values, start);
    }
    for (let axis = rank - 2; axis >= 0; axis--) {
      index[axis]!++;
      const size = x.shape[axis]!;
      if (index[axis]! % size !== 0) {
        sourceBase += inStrides[axis]!;
      } else {
        sourceBase -= inStrides[axis]! * (size - 1);
      }
      if (index[axis]! < outShape[axis]!) break;
      index[axis] = 0;
    }
  }
  return out;
}

/** Kernel config of {@link tileKernel}. */
export const tileConfig: KernelConfig = {
  kernelName: 'Tile',
  backendName: 'wasm',
  kernelFunc: tileKernel as unknown as KernelFunc,
};
