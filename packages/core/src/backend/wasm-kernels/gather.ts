import type { KernelConfig, KernelFunc, TensorInfo } from '@tensorflow/tfjs';
import * as tf from '@tensorflow/tfjs';
import {
  asWasmBackend,
  type KernelArguments,
  runReplacedKernel,
  tensorData,
  type WasmBackend,
} from './wasm-heap';

function heapArray(backend: WasmBackend, info: TensorInfo): Float32Array | Int32Array | Uint8Array {
  const { memoryOffset } = tensorData(backend, info);
  const buffer = backend.wasm.HEAPU8.buffer;
  const size = tf.util.sizeFromShape(info.shape);
  if (info.dtype === 'float32') return new Float32Array(buffer, memoryOffset, size);
  if (info.dtype === 'int32') return new Int32Array(buffer, memoryOffset, size);
  return new Uint8Array(buffer, memoryOffset, size);
}

/**
 * `GatherV2` for the wasm backend: `tf.gather(x, indices, axis, batchDims)` copies whole
 * contiguous slices (rows of an embedding table) over zero-copy heap views; the stock 4.22
 * kernel copies value by value (~5 ms for a [768, 128] embedding lookup) and returns wrong
 * values with `batchDims` > 0 (it reuses the first example's indices). Checks the indices like
 * the stock kernel. Strings use the stock kernel.
 *
 * @param args - Kernel arguments: inputs `x`, `indices`; attrs `axis`, `batchDims`.
 * @returns The gathered tensor.
 */
export function gatherV2Kernel(args: KernelArguments): TensorInfo | TensorInfo[] {
  const backend = asWasmBackend(args.backend);
  const { x, indices } = args.inputs;
  if (x === undefined || indices === undefined) throw new Error('GatherV2 needs x and indices.');
  const batchDims = Number(args.attrs?.batchDims ?? 0);
  if (
    (x.dtype !== 'float32' && x.dtype !== 'int32' && x.dtype !== 'bool') ||
    indices.dtype !== 'int32'
  )
    return runReplacedKernel('GatherV2', args);
  const axis = tf.util.parseAxisParam(args.attrs?.axis as number, x.shape)[0]!;
  const batchAxes = batchDims < 0 ? batchDims + indices.shape.length : batchDims;
  if (batchAxes < 0 || batchAxes > axis || batchAxes > indices.shape.length) {
    throw new Error(
      `GatherV2: batchDims ${batchDims} must be in [0, min(axis ${axis}, indices rank ${indices.shape.length})].`,
    );
  }
  for (let dimension = 0; dimension < batchAxes; dimension++) {
    if (x.shape[dimension] !== indices.shape[dimension])
      throw new Error(
        `GatherV2: with batchDims ${batchDims}, x and indices must agree on axis ${dimension} (${x.shape[dimension]} vs ${indices.shape[dimension]}).`,
      );
  }
  const axisSize = x.shape[axis]!;
  const batch = tf.util.sizeFromShape(x.shape.slice(0, batchAxes));
  const outer = tf.util.sizeFromShape(x.shape.slice(batchAxes, axis));
  const slice = tf.util.sizeFromShape(x.shape.slice(axis + 1));
  const outShape = [
    ...x.shape.slice(0, axis),
    ...indices.shape.slice(batchAxes),
    ...x.shape.slice(axis + 1),
  ];
  const ids = heapArray(backend, indices) as Int32Array;
  for (let position = 0; position < ids.length; position++) {
    const index = ids[position]!;
    if (index < 0 || index >= axisSize)
      throw new Error(`GatherV2: the index value ${index} is not in [0, ${axisSize - 1}]`);
  }
  const out = backend.makeOutput(outShape, x.dtype);
  if (tf.util.sizeFromShape(outShape) === 0) return out;
  // Views after the allocation: a growing heap detaches earlier ones.
  const source = heapArray(backend, x);
  const target = heapArray(backend, out);
  const indexValues = heapArray(backend, indices) as Int32Array;
  const count = indexValues.length / batch;
  let targetOffset = 0;
  for (let item = 0; item < batch; item++) {
    const indexBase = item * count;
    for (let block = 0; block < outer; block++) {
      const base = (item * outer + block) * axisSize * slice;
      for (let position = 0; position < count; position++) {
        const start = base + indexValues[indexBase + position]! * slice;
        if (slice === 1) target[targetOffset] = source[start]!;
        else target.set(source.subarray(start, start + slice), targetOffset);
        targetOffset += slice;
      }
    }
  }
  return out;
}

/** Kernel config of {@link gatherV2Kernel}. */
export const gatherV2Config: KernelConfig = {
  kernelName: 'GatherV2',
  backendName: 'wasm',
  kernelFunc: gatherV2Kernel as unknown as KernelFunc,
};
