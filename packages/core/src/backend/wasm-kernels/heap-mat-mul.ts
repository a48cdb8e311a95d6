import type { TensorInfo } from '@tensorflow/tfjs';
import * as tf from '@tensorflow/tfjs';
import { runSmallGemm, type SmallGemmFunction, smallGemm, smallGemmFits } from './small-gemm';
import {
  disposeIntermediate,
  floatView,
  registerHeapView,
  releaseHeapView,
  runWasmKernel,
  tensorData,
  type WasmBackend,
  wasmFunction,
} from './wasm-heap';

/** Activation codes of the C++ `FusableActivation` enum that XNNPACK applies as an output clamp. */
export const xnnActivationCode = { linear: 0, relu: 1, relu6: 2 } as const;

/** Options of {@link multiplyMatricesOnHeap} and {@link batchMatMulOnHeap}. */
export type HeapProductOptions = {
  /** Rank-1 bias of length N added by XNNPACK. */
  readonly bias?: TensorInfo;
  /** Clamp applied by XNNPACK after the bias. @default 'linear' */
  readonly activation?: keyof typeof xnnActivationCode;
};

const fusedMatMulArguments = [
  'number',
  'array',
  'number',
  'number',
  'array',
  'number',
  'number',
  'number',
  'number',
  'number',
  'number',
  'number',
  'number',
];

/** Dims [K×N] under which XNNPACK packed each whole `b` tensor (see multiplyMatricesOnHeap). */
const packedDims = new WeakMap<object, string>();

function shapeBytes(shape: readonly number[]): Uint8Array {
  return new Uint8Array(new Int32Array(shape).buffer);
}

/**
 * One XNNPACK product `out = a · b (+ bias)` on zero-copy heap views: `a` is the
 * row-major [M, K] matrix that starts `aOffset` values into `aInfo`, `b` the [K, N] one at
 * `bOffset` in `bInfo`, and the [M, N] result is written `outOffset` values into `outInfo`.
 * This is the only path on which tfjs-backend-wasm reaches XNNPACK's GEMM (~25 GFLOP/s on one
 * core, vs ~2 for its scalar loop).
 *
 * @param backend - The wasm backend.
 * @param aInfo - Tensor holding a; `aOffset` - its first value.
 * @param bInfo - Tensor holding b; `bOffset` - its first value.
 * @param outInfo - Tensor receiving the product; `outOffset` - its first value.
 * @param m - Rows of a and of the product; `k` - shared dimension; `n` - columns of b.
 * @param options - Rank-1 bias of length n and clamp XNNPACK applies.
 * @returns Nothing; `outInfo` is written in place.
 * @example multiplyMatricesOnHeap(backend, x, 0, w, 0, out, 0, 768, 128, 512);
 */
export function multiplyMatricesOnHeap(
  backend: WasmBackend,
  aInfo: TensorInfo,
  aOffset: number,
  bInfo: TensorInfo,
  bOffset: number,
  outInfo: TensorInfo,
  outOffset: number,
  m: number,
  k: number,
  n: number,
  options: HeapProductOptions = {},
): void {
  const fusedMatMul = wasmFunction(backend, '_FusedMatMul', fusedMatMulArguments);
  const aId = registerHeapView(backend, aInfo, aOffset, m * k);
  const outId = registerHeapView(backend, outInfo, outOffset, m * n);
  // XNNPACK packs b (the "weights") into an operator cached under (b id, bias id, clamp) until
  // b is disposed, so a weight matrix used again (same dims) is packed once. The cache key has
  // no shape: a tensor seen with other dims (a reshape shares the id) gets a temporary view.
  const wholeB = bOffset === 0 && tf.util.sizeFromShape(bInfo.shape) === k * n;
  const dims = `${k}x${n}`;
  const ownIdUsable = wholeB && (packedDims.get(bInfo.dataId) ?? dims) === dims;
  let bId: number;
  let biasId = 0;
  let temporaryB = false;
  let temporaryBias = false;
  if (ownIdUsable) {
    packedDims.set(bInfo.dataId, dims);
    bId = tensorData(backend, bInfo).id;
    if (options.bias !== undefined) biasId = tensorData(backend, options.bias).id;
  } else {
    bId = registerHeapView(backend, bInfo, bOffset, k * n);
    temporaryB = true;
    if (options.bias !== undefined) {
      biasId = registerHeapView(backend, options.bias, 0, n);
      temporaryBias = true;
    }
  }
  try {
    fusedMatMul(
      aId,
      shapeBytes([1, m, k]),
      3,
      bId,
      shapeBytes([1, k, n]),
      3,
      false,
      false,
      xnnActivationCode[options.activation ?? 'linear'],
      biasId,
      0,
      0,
      outId,
    );
  } finally {
    releaseHeapView(backend, aId);
    releaseHeapView(backend, outId);
    if (temporaryB) releaseHeapView(backend, bId);
    if (temporaryBias) releaseHeapView(backend, biasId);
  }
}

/** Swaps the last two axes of a tensor with the wasm Transpose kernel (a new TensorInfo). */
export function transposeLastTwo(backend: WasmBackend, info: TensorInfo): TensorInfo {
  const rank = info.shape.length;
  const perm = [...Array(rank).keys()];
  perm[rank - 2] = rank - 1;
  perm[rank - 1] = rank - 2;
  return runWasmKernel('Transpose', { x: info }, backend, { perm });
}

/** Flat offsets of the broadcast batch items, for each output batch item. */
function broadcastBatchOffsets(
  batchShape: readonly number[],
  outBatchShape: readonly number[],
  matrixSize: number,
): Int32Array {
  const total = tf.util.sizeFromShape(outBatchShape as number[]);
  const offsets = new Int32Array(total);
  const rank = outBatchShape.length;
  const padded = [...Array(rank - batchShape.length).fill(1), ...batchShape] as number[];
  const strides = new Array<number>(rank).fill(0);
  let stride = 1;
  for (let axis = rank - 1; axis >= 0; axis--) {
    strides[axis] = padded[axis] === 1 ? 0 : stride;
    stride *= padded[axis]!;
  }
  for (let index = 0; index < total; index++) {
    let remainder = index;
    let offset = 0;
    for (let axis = rank - 1; axis >= 0; axis--) {
      const size = outBatchShape[axis]!;
      offset += (remainder % size) * strides[axis]!;
      remainder = Math.floor(remainder / size);
    }
    offsets[index] = offset * matrixSize;
  }
  return offsets;
}

/**
 * Relative costs per value, measured on tfjs-backend-wasm 4.22: selfsup's blocked `Transpose`
 * moves a matrix value in ~1.3 ns, and XNNPACK packs a value of `b` in ~8 ns (tfjs creates its
 * operators with `XNN_FLAG_TRANSPOSE_WEIGHTS`, whose packing is a slow strided loop). `b` is
 * packed on every call unless it is the tensor of an earlier call (weights at inference).
 */
const transposeCost = 1.3;
const packCost = 8;

/** Copy cost of `a·b` as XNNPACK runs it: transposed operands materialised, `b` packed. */
function directProductCost(
  m: number,
  k: number,
  n: number,
  transposeA: boolean,
  transposeB: boolean,
): number {
  return (
    (transposeA ? transposeCost * m * k : 0) +
    (transposeB ? transposeCost * k * n : 0) +
    packCost * k * n
  );
}

/** Copy cost of `(bᵀ·aᵀ)ᵀ` for a transposed `a` (stored [K, M], packed as it is). */
function flippedProductCost(m: number, k: number, n: number, transposeB: boolean): number {
  return (transposeB ? 0 : transposeCost * k * n) + packCost * k * m + transposeCost * m * n;
}

/**
 * `aᵀ·b` (or `aᵀ·bᵀ`) for a single [K, M] `a`, as `(bᵀ·a)ᵀ`: XNNPACK packs `a` (already the
 * [K, M] right operand it needs) instead of `b`, and the [N, M] result is transposed back.
 * Cheaper when `b` is the larger operand, e.g. the weight gradient `xᵀ·dy` of a dense layer
 * that widens (128 → 512: dy is 4× the size of x).
 */
function flippedProduct(
  backend: WasmBackend,
  a: TensorInfo,
  b: TensorInfo,
  m: number,
  k: number,
  n: number,
  transposeB: boolean,
  outShape: number[],
): TensorInfo {
  // Left operand bᵀ as [N, K]: b itself when it is stored transposed.
  const left = transposeB
    ? { ...b, shape: [n, k] }
    : runWasmKernel('Transpose', { x: { ...b, shape: [k, n] } }, backend, { perm: [1, 0] });
  const product = backend.makeOutput([n, m], 'float32');
  try {
    multiplyMatricesOnHeap(backend, left, 0, { ...a, shape: [k, m] }, 0, product, 0, n, k, m);
    const result = runWasmKernel('Transpose', { x: product }, backend, { perm: [1, 0] });
    return { ...result, shape: outShape };
  } finally {
    if (!transposeB) disposeIntermediate(backend, left);
    disposeIntermediate(backend, product);
  }
}

/**
 * Every batch item of `a·b (+ bias)` with the SIMD GEMM, written into `out`: transposed
 * operands are materialised first (a transposed `a` could be read in place through strides,
 * but the row-major copy plus the product measured ~10–30% faster than the strided product on
 * the dense layers' weight gradients), and the bias (or a row of zeros) is the GEMM's initial
 * value.
 */
function smallProducts(
  backend: WasmBackend,
  gemm: SmallGemmFunction,
  a: TensorInfo,
  b: TensorInfo,
  out: TensorInfo,
  m: number,
  k: number,
  n: number,
  transposeA: boolean,
  transposeB: boolean,
  outBatchShape: number[],
  bias: TensorInfo | undefined,
): void {
  const batch = tf.util.sizeFromShape(outBatchShape);
  const aOffsets = broadcastBatchOffsets(a.shape.slice(0, -2), outBatchShape, m * k);
  const bOffsets = broadcastBatchOffsets(b.shape.slice(0, -2), outBatchShape, k * n);
  const aMatrices = transposeA ? transposeLastTwo(backend, a) : a;
  const bMatrices = transposeB ? transposeLastTwo(backend, b) : b;
  const zeros = bias === undefined ? backend.makeOutput([n], 'float32') : undefined;
  try {
    if (zeros !== undefined) floatView(backend, zeros).fill(0);
    const init = tensorData(backend, bias ?? (zeros as TensorInfo)).memoryOffset;
    const aBase = tensorData(backend, aMatrices).memoryOffset;
    const bBase = tensorData(backend, bMatrices).memoryOffset;
    const outBase = tensorData(backend, out).memoryOffset;
    const rowStride = 4 * k;
    const columnStride = 4;
    const sharedB = bOffsets.every((offset) => offset === 0);
    if (sharedB && aOffsets.every((offset, item) => offset === item * m * k)) {
      // Every item of a against one b: a single [batch·M, K] · [K, N] product.
      runSmallGemm(gemm, aBase, bBase, outBase, batch * m, k, n, rowStride, columnStride, init, 0);
      return;
    }
    for (let item = 0; item < batch; item++) {
      runSmallGemm(
        gemm,
        aBase + 4 * aOffsets[item]!,
        bBase + 4 * bOffsets[item]!,
        outBase + 4 * item * m * n,
        m,
        k,
        n,
        rowStride,
        columnStride,
        init,
        0,
      );
    }
  } finally {
    if (aMatrices !== a) disposeIntermediate(backend, aMatrices);
    if (bMatrices !== b) disposeIntermediate(backend, bMatrices);
    if (zeros !== undefined) disposeIntermediate(backend, zeros);
  }
}

/**
 * Batched, broadcasting matrix product on the wasm backend that never takes the scalar loop:
 * transposed operands are materialised with the wasm Transpose kernel. Tile-aligned products
 * (M % 4 = 0, N % 8 = 0) without a clamp run selfsup's SIMD GEMM (`small-gemm.ts`: no per-call
 * packing of `b`, the bias fused as its initial value; ~25–33 GFLOP/s on the GPT workload's
 * products where XNNPACK reached 17–23). Others run one 2-D XNNPACK call per item on zero-copy
 * heap views (a single call when `b` is shared by every item of `a`), and a single `aᵀ·b` whose
 * `b` is the costlier operand to pack runs as `(bᵀ·a)ᵀ` (see `flippedProduct`).
 *
 * @param backend - The wasm backend.
 * @param a - [...batchA, M, K] (or [..., K, M] with `transposeA`), float32.
 * @param b - [...batchB, K, N] (or [..., N, K] with `transposeB`), float32.
 * @param transposeA - Whether `a` holds Aᵀ.
 * @param transposeB - Whether `b` holds Bᵀ.
 * @param options - Bias and clamp XNNPACK applies (rank-1 bias of length N).
 * @returns A new [...broadcastBatch, M, N] float32 tensor owned by the caller.
 */
export function batchMatMulOnHeap(
  backend: WasmBackend,
  a: TensorInfo,
  b: TensorInfo,
  transposeA: boolean,
  transposeB: boolean,
  options: HeapProductOptions = {},
): TensorInfo {
  if (a.dtype !== 'float32' || b.dtype !== 'float32') {
    throw new Error(
      `matMul on the wasm backend supports float32 only (got ${a.dtype} and ${b.dtype}); cast the inputs with .toFloat().`,
    );
  }
  const aRank = a.shape.length;
  const bRank = b.shape.length;
  if (aRank < 2 || bRank < 2) {
    throw new Error(
      `matMul needs tensors of rank ≥ 2, got shapes ${JSON.stringify(a.shape)} and ${JSON.stringify(b.shape)}.`,
    );
  }
  const m = transposeA ? a.shape[aRank - 1]! : a.shape[aRank - 2]!;
  const k = transposeA ? a.shape[aRank - 2]! : a.shape[aRank - 1]!;
  const kOfB = transposeB ? b.shape[bRank - 1]! : b.shape[bRank - 2]!;
  const n = transposeB ? b.shape[bRank - 2]! : b.shape[bRank - 1]!;
  if (k !== kOfB) {
    throw new Error(
      `Error in matMul: inner shapes (${k}) and (${kOfB}) of tensors with shapes ${JSON.stringify(a.shape)} and ` +
        `${JSON.stringify(b.shape)} and transposeA=${transposeA} and transposeB=${transposeB} must match.`,
    );
  }
  const batchShapeA = a.shape.slice(0, -2);
  const batchShapeB = b.shape.slice(0, -2);
  const outBatchShape = tf.backend_util.assertAndGetBroadcastShape(batchShapeA, batchShapeB);
  const out = backend.makeOutput([...outBatchShape, m, n], 'float32');
  const batch = tf.util.sizeFromShape(outBatchShape);
  if (batch * m * n === 0) return out;
  if (k === 0) {
    const filled = runWasmKernel('Fill', {}, backend, {
      shape: [...outBatchShape, m, n],
      value: 0,
      dtype: 'float32',
    });
    disposeIntermediate(backend, out);
    return filled;
  }

  // Tile-aligned products without a clamp: the SIMD GEMM (no per-call operator or packing),
  // with the bias as its initial value.
  const biasFits =
    options.bias === undefined ||
    (options.bias.dtype === 'float32' && tf.util.sizeFromShape(options.bias.shape) === n);
  const gemm =
    (options.activation ?? 'linear') === 'linear' && biasFits && smallGemmFits(m, k, n)
      ? smallGemm(backend)
      : undefined;
  if (gemm !== undefined) {
    smallProducts(
      backend,
      gemm,
      a,
      b,
      out,
      m,
      k,
      n,
      transposeA,
      transposeB,
      outBatchShape,
      options.bias,
    );
    return out;
  }

  if (
    batch === 1 &&
    transposeA &&
    options.bias === undefined &&
    (options.activation ?? 'linear') === 'linear' &&
    flippedProductCost(m, k, n, transposeB) < directProductCost(m, k, n, transposeA, transposeB)
  ) {
    disposeIntermediate(backend, out);
    return flippedProduct(backend, a, b, m, k, n, transposeB, [...outBatchShape, m, n]);
  }

  const batchA = tf.util.sizeFromShape(batchShapeA);
  const batchB = tf.util.sizeFromShape(batchShapeB);
  const sharedB = batchB === 1 && batchA === batch;

  const aMatrices = transposeA ? transposeLastTwo(backend, a) : a;
  const bMatrices = transposeB ? transposeLastTwo(backend, b) : b;
  try {
    if (sharedB) {
      // b is shared: one [batch·M, K] · [K, N] product.
      multiplyMatricesOnHeap(backend, aMatrices, 0, bMatrices, 0, out, 0, batch * m, k, n, options);
    } else {
      const aOffsets = broadcastBatchOffsets(batchShapeA, outBatchShape, m * k);
      const bOffsets = broadcastBatchOffsets(batchShapeB, outBatchShape, k * n);
      for (let item = 0; item < batch; item++) {
        multiplyMatricesOnHeap(
          backend,
          aMatrices,
          aOffsets[item]!,
          bMatrices,
          bOffsets[item]!,
          out,
          item * m * n,
          m,
          k,
          n,
          options,
        );
      }
    }
  } finally {
    if (aMatrices !== a) disposeIntermediate(backend, aMatrices);
    if (bMatrices !== b) disposeIntermediate(backend, bMatrices);
  }
  return out;
}
