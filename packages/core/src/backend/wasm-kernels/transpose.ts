import type { KernelConfig, KernelFunc, TensorInfo } from '@tensorflow/tfjs';
import * as tf from '@tensorflow/tfjs';
import { blockedTranspose } from './blocked-transpose';
import { simdTranspose } from './simd-transpose';
import {
  asWasmBackend,
  type KernelArguments,
  tensorData,
  type WasmBackend,
  wasmFunction,
} from './wasm-heap';

const cppDataType: Record<string, number> = { float32: 0, int32: 1, bool: 2 };

/**
 * Simplifies a transpose: drops size-1 axes and merges runs of axes that stay adjacent and in
 * order, e.g. [12, 64, 4, 32] with perm [0, 2, 1, 3] stays rank 4 but [2, 3, 4] with perm
 * [0, 1, 2] becomes the identity on [24].
 */
export function simplifyTranspose(
  shape: readonly number[],
  perm: readonly number[],
): { shape: number[]; perm: number[] } {
  const kept = perm.filter((axis) => shape[axis] !== 1);
  const groups: number[][] = [];
  for (const axis of kept) {
    const last = groups[groups.length - 1];
    const previousAxis = last?.[last.length - 1];
    // Merge with the previous output axis when it is the previous *kept* input axis.
    const previousKept = [...Array(axis).keys()]
      .reverse()
      .find((candidate) => shape[candidate] !== 1);
    if (last !== undefined && previousAxis !== undefined && previousAxis === previousKept)
      last.push(axis);
    else groups.push([axis]);
  }
  const order = [...groups].sort((first, second) => first[0]! - second[0]!);
  const reducedShape = order.map((group) => group.reduce((size, axis) => size * shape[axis]!, 1));
  const reducedPerm = groups.map((group) => order.indexOf(group));
  return { shape: reducedShape, perm: reducedPerm };
}

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

/** Rank ≥ 5 after simplification: copy contiguous inner runs (or single values) in JS. */
function transposeInJavaScript(
  backend: WasmBackend,
  x: TensorInfo,
  out: TensorInfo,
  shape: readonly number[],
  perm: readonly number[],
): void {
  const size = tf.util.sizeFromShape(shape as number[]);
  const source = heapArray(backend, x, size);
  const target = heapArray(backend, out, size);
  const rank = shape.length;
  const inputStrides = new Array<number>(rank);
  let stride = 1;
  for (let axis = rank - 1; axis >= 0; axis--) {
    inputStrides[axis] = stride;
    stride *= shape[axis]!;
  }
  const outShape = perm.map((axis) => shape[axis]!);
  const strides = perm.map((axis) => inputStrides[axis]!);
  const innerContiguous = perm[rank - 1] === rank - 1;
  const run = innerContiguous ? outShape[rank - 1]! : 1;
  const outerRank = innerContiguous ? rank - 1 : rank;
  const index = new Array<number>(outerRank).fill(0);
  let sourceOffset = 0;
  for (let targetOffset = 0; targetOffset < size; targetOffset += run) {
    if (run === 1) target[targetOffset] = source[sourceOffset]!;
    else target.set(source.subarray(sourceOffset, sourceOffset + run), targetOffset);
    for (let axis = outerRank - 1; axis >= 0; axis--) {
      index[axis]!++;
      sourceOffset += strides[axis]!;
      if (index[axis]! < outShape[axis]!) break;
      sourceOffset -= strides[axis]! * outShape[axis]!;
      index[axis] = 0;
    }
  }
}

/**
 * `Transpose` for the wasm backend. Stock tfjs-backend-wasm 4.22 is fast up to rank 4 but takes
 * ~70 ms for a rank-5 attention transpose ([B, T, 3, heads, size] → [3, B, heads, T, size]);
 * this kernel first merges axes that stay adjacent, then swaps matrices (2-D, or batched 3-D
 * [0, 2, 1]: every matMul operand and gradient) with a blocked wasm transpose (~3.5× faster
 * than the stock one, see `blocked-transpose.ts`), runs the C++ kernel for the other ranks up
 * to 4 and a JS copy of contiguous runs over zero-copy heap views above. float32, int32, bool.
 *
 * @param args - Kernel arguments: input `x`; attr `perm`.
 * @returns x transposed by `perm`.
 */
export function transposeKernel(args: KernelArguments): TensorInfo {
  const backend = asWasmBackend(args.backend);
  const x = args.inputs.x;
  if (x === undefined) throw new Error('Transpose needs input x.');
  const perm = args.attrs?.perm as number[];
  if (cppDataType[x.dtype] === undefined)
    throw new Error(`Transpose on wasm supports float32, int32 and bool, got ${x.dtype}.`);
  const outShape = perm.map((axis) => x.shape[axis]!);
  const out = backend.makeOutput(outShape, x.dtype);
  const size = tf.util.sizeFromShape(x.shape);
  if (size === 0) return out;
  const reduced = simplifyTranspose(x.shape, perm);
  if (reduced.perm.every((axis, position) => axis === position)) {
    heapArray(backend, out, size).set(heapArray(backend, x, size));
  } else if (!transposeMatrices(backend, x, out, reduced.shape, reduced.perm)) {
    transposeWithStockKernel(backend, x, out, reduced.shape, reduced.perm);
  }
  return out;
}

/**
 * Swaps the last two axes of a [rows, columns] or [batch, rows, columns] float32/int32 tensor
 * (after simplification) with the blocked wasm transpose; false when the transpose is not of
 * that form or the module is unavailable.
 */
function transposeMatrices(
  backend: WasmBackend,
  x: TensorInfo,
  out: TensorInfo,
  shape: readonly number[],
  perm: readonly number[],
): boolean {
  if (x.dtype !== 'float32' && x.dtype !== 'int32') return false;
  const matrix = shape.length === 2 && perm[0] === 1 && perm[1] === 0;
  const batched = shape.length === 3 && perm[0] === 0 && perm[1] === 2 && perm[2] === 1;
  if (!matrix && !batched) return false;
  const batch = batched ? shape[0]! : 1;
  const rows = shape[shape.length - 2]!;
  const columns = shape[shape.length - 1]!;
  // Sides that are multiples of 4: the SIMD 4 × 4 block kernel (~3× faster than the blocked one).
  const transpose =
    (rows % 4 === 0 && columns % 4 === 0 ? simdTranspose(backend) : undefined) ??
    blockedTranspose(backend);
  if (transpose === undefined) return false;
  const source = tensorData(backend, x).memoryOffset;
  const target = tensorData(backend, out).memoryOffset;
  const bytes = rows * columns * 4;
  for (let item = 0; item < batch; item++)
    transpose(source + item * bytes, target + item * bytes, rows, columns);
  return true;
}

function transposeWithStockKernel(
  backend: WasmBackend,
  x: TensorInfo,
  out: TensorInfo,
  shape: readonly number[],
  perm: readonly number[],
): void {
  const reduced = { shape, perm };
  if (reduced.shape.length <= 4) {
    const transpose = wasmFunction(backend, 'Transpose', [
      'number',
      'array',
      'number',
      'number',
      'number',
      'array',
      'number',
    ]);
    transpose(
      tensorData(backend, x).id,
      new Uint8Array(new Int32Array(reduced.shape).buffer),
      reduced.shape.length,
      cppDataType[x.dtype],
      tensorData(backend, out).id,
      new Uint8Array(new Int32Array(reduced.perm).buffer),
      reduced.perm.length,
    );
  } else {
    transposeInJavaScript(backend, x, out, reduced.shape, reduced.perm);
  }
}

/** Kernel config of {@link transposeKernel}. */
export const transposeConfig: KernelConfig = {
  kernelName: 'Transpose',
  backendName: 'wasm',
  kernelFunc: transposeKernel as unknown as KernelFunc,
};
