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
 * Copies the box `begin`, `size` of `x` into a new tensor with contiguous-run copies over
 * zero-copy heap views; undefined for dtypes it leaves to the stock kernel (strings, complex).
 */
function sliceOnHeap(
  backend: WasmBackend,
  x: TensorInfo,
  begin: readonly number[],
  size: readonly number[],
): TensorInfo | undefined {
  if (x.dtype !== 'float32' && x.dtype !== 'int32' && x.dtype !== 'bool') return undefined;
  const out = backend.makeOutput([...size], x.dtype);
  const total = tf.util.sizeFromShape([...size]);
  if (total === 0) return out;
  const source = heapArray(backend, x);
  const target = heapArray(backend, out);
  const rank = x.shape.length;
  if (rank === 0) {
    target.set(source);
    return out;
  }
  // Merge the trailing axes that are taken whole into one contiguous run.
  let inner = rank - 1;
  let run = size[inner] ?? 1;
  while (inner > 0 && size[inner] === x.shape[inner] && begin[inner] === 0) {
    inner--;
    run *= size[inner]!;
  }
  const strides = tf.util.computeStrides(x.shape);
  const index = new Array<number>(inner).fill(0);
  let sourceOffset = 0;
  for (let axis = 0; axis <= inner && axis < rank; axis++)
    sourceOffset += begin[axis]! * (axis === rank - 1 ? 1 : strides[axis]!);
  for (let targetOffset = 0; targetOffset < total; targetOffset += run) {
    target.set(source.subarray(sourceOffset, sourceOffset + run), targetOffset);
    for (let axis = inner - 1; axis >= 0; axis--) {
      index[axis]!++;
      sourceOffset += strides[axis]!;
      if (index[axis]! < size[axis]!) break;
      sourceOffset -= strides[axis]! * size[axis]!;
      index[axis] = 0;
    }
  }
  return out;
}

/**
 * `Slice` for the wasm backend over zero-copy heap views. The stock 4.22 kernel first copies
 * the *whole* input out of the heap (`readSync`) for every slice, which made each of the three
 * parts of a `tf.split` copy all of its input. Strings use the stock kernel.
 *
 * @param args - Kernel arguments: input `x`; attrs `begin`, `size`.
 * @returns The slice.
 */
export function sliceKernel(args: KernelArguments): TensorInfo | TensorInfo[] {
  const backend = asWasmBackend(args.backend);
  const x = args.inputs.x;
  if (x === undefined) throw new Error('Slice needs input x.');
  const [begin, size] = tf.slice_util.parseSliceParams(
    x as tf.TensorInfo as tf.Tensor,
    args.attrs?.begin as number | number[],
    args.attrs?.size as number | number[] | undefined,
  ) as [number[], number[]];
  return sliceOnHeap(backend, x, begin, size) ?? runReplacedKernel('Slice', args);
}

/**
 * `SplitV` (`tf.split`) for the wasm backend: each part is a {@link sliceKernel} copy of its
 * own values only. Strings use the stock kernel.
 *
 * @param args - Kernel arguments: input `x`; attrs `numOrSizeSplits`, `axis`.
 * @returns The parts.
 */
export function splitVKernel(args: KernelArguments): TensorInfo[] {
  const backend = asWasmBackend(args.backend);
  const x = args.inputs.x;
  if (x === undefined) throw new Error('SplitV needs input x.');
  if (x.dtype !== 'float32' && x.dtype !== 'int32' && x.dtype !== 'bool')
    return runReplacedKernel('SplitV', args) as TensorInfo[];
  const axis = tf.util.parseAxisParam(args.attrs?.axis as number, x.shape)[0]!;
  const sizes = tf.backend_util.prepareSplitSize(
    x as tf.TensorInfo as tf.Tensor,
    args.attrs?.numOrSizeSplits as number | number[],
    axis,
  );
  const begin = new Array<number>(x.shape.length).fill(0);
  return sizes.map((part) => {
    const size = [...x.shape];
    size[axis] = part;
    const slice = sliceOnHeap(backend, x, begin, size) as TensorInfo;
    begin[axis]! += part;
    return slice;
  });
}

/** Kernel config of {@link sliceKernel}. */
export const sliceConfig: KernelConfig = {
  kernelName: 'Slice',
  backendName: 'wasm',
  kernelFunc: sliceKernel as unknown as KernelFunc,
};

/** Kernel config of {@link splitVKernel}. */
export const splitVConfig: KernelConfig = {
  kernelName: 'SplitV',
  backendName: 'wasm',
  kernelFunc: splitVKernel as unknown as KernelFunc,
};
