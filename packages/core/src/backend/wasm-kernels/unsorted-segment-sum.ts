import type { KernelConfig, KernelFunc, TensorInfo } from '@tensorflow/tfjs';
import * as tf from '@tensorflow/tfjs';
import { asWasmBackend, floatView, intView, type KernelArguments } from './wasm-heap';

/**
 * `UnsortedSegmentSum` for the wasm backend (missing from stock tfjs-backend-wasm 4.22): the
 * gradient of `tf.gather`, hence of every embedding. `out[segmentIds[i], ...] += x[i, ...]`,
 * as plain JS over zero-copy heap views (~0.3 ms for a GPT embedding vs ~900 ms through the cpu
 * kernel). Ids outside [0, numSegments) are dropped, as on the cpu backend.
 *
 * @param args - Kernel arguments: inputs `x` (float32 or int32), `segmentIds` (int32, rank 1,
 *   length x.shape[0]); attr `numSegments`.
 * @returns [numSegments, ...x.shape.slice(1)].
 */
export function unsortedSegmentSumKernel(args: KernelArguments): TensorInfo {
  const backend = asWasmBackend(args.backend);
  const { x, segmentIds } = args.inputs;
  if (x === undefined || segmentIds === undefined)
    throw new Error('UnsortedSegmentSum needs inputs x and segmentIds.');
  const numSegments = Number(args.attrs?.numSegments);
  if (segmentIds.shape.length !== 1 || segmentIds.shape[0] !== x.shape[0]) {
    throw new Error(
      `unsortedSegmentSum on wasm needs rank-1 segmentIds of length x.shape[0]; got segmentIds ${JSON.stringify(segmentIds.shape)} ` +
        `for x ${JSON.stringify(x.shape)}. Reshape x to [n, ...] and segmentIds to [n].`,
    );
  }
  if (segmentIds.dtype !== 'int32')
    throw new Error(`unsortedSegmentSum needs int32 segmentIds, got ${segmentIds.dtype}.`);
  if (x.dtype !== 'float32' && x.dtype !== 'int32') {
    throw new Error(`unsortedSegmentSum on wasm supports float32 and int32 x, got ${x.dtype}.`);
  }
  const outShape = [numSegments, ...x.shape.slice(1)];
  const out = backend.makeOutput(outShape, x.dtype);
  const rowSize = tf.util.sizeFromShape(x.shape.slice(1));
  // Views only after makeOutput: allocation may grow (and detach) the heap.
  const source = x.dtype === 'float32' ? floatView(backend, x) : intView(backend, x);
  const target = x.dtype === 'float32' ? floatView(backend, out) : intView(backend, out);
  const ids = intView(backend, segmentIds);
  target.fill(0);
  const rows = x.shape[0] ?? 0;
  for (let row = 0; row < rows; row++) {
    const segment = ids[row]!;
    if (segment < 0 || segment >= numSegments) continue;
    const from = row * rowSize;
    const to = segment * rowSize;
    for (let column = 0; column < rowSize; column++) target[to + column]! += source[from + column]!;
  }
  return out;
}

/** Kernel config of {@link unsortedSegmentSumKernel}. */
export const unsortedSegmentSumConfig: KernelConfig = {
  kernelName: 'UnsortedSegmentSum',
  backendName: 'wasm',
  kernelFunc: unsortedSegmentSumKernel as unknown as KernelFunc,
};
