import {
  add,
  blockLoop,
  branch,
  breakIf,
  constant,
  end,
  endLoopBlock,
  get,
  greaterOrEqualUnsigned,
  heapModuleBytes,
  heapModuleLoader,
  i32,
  multiply,
  set,
  shiftLeft,
  simd,
  unsigned,
  v128,
  vector,
} from './heap-module';
import type { WasmBackend } from './wasm-heap';

/**
 * A matrix product `c = init + a · b` in WebAssembly SIMD (simd128), compiled from its opcodes
 * into a tiny module that shares the wasm backend's memory, like `blocked-transpose.ts`.
 *
 * tfjs-backend-wasm reaches XNNPACK's GEMM only through `_FusedMatMul`, which creates (or
 * looks up) an operator and packs `b` on every call (weights are new tensors every training
 * step): for the tiny per-head attention products (e.g. [64×32]·[32×64]) that fixed cost
 * dominates, and for the dense layers' products it is ~10–40% of the call. This kernel needs no
 * packing: it keeps a 4 × 8 block of the result in registers and streams `a` and `b` from the
 * heap; its initial values (a bias row, zeros, or c itself) fuse the bias add and let long
 * shared dimensions run in cache-sized blocks. It requires `m % 4 === 0` and `n % 8 === 0`
 * (see {@link smallGemmFits}).
 */

// Module-specific opcodes (the shared ones are in heap-module.ts).
/** v128.load align=1 (a hint only) at `offset` bytes. */
const loadVector = (offset: number) => [...simd(0x00), 0, ...unsigned(offset)];
const storeVector = (offset: number) => [...simd(0x0b), 0, ...unsigned(offset)];
const loadSplat = [...simd(0x09), 0, 0]; // v128.load32_splat
const addF32x4 = simd(0xe4);
const multiplyF32x4 = simd(0xe6);

// Locals: parameters 0 a, 1 b, 2 c (byte offsets), 3 m, 4 k, 5 n, 6 a's row stride, 7 a's
// column stride (bytes: k·4 and 4 for a row-major a, 4 and m·4 for a stored transposed),
// 8 init (byte offset of the initial values of c), 9 init's row stride (bytes: 0 for a row
// shared by every row, e.g. a bias or zeros; n·4 to accumulate into c itself); then i32 10 i,
// 11 j, 12 aPtr, 13 bPtr, 14 aEnd, 15 rowA (= 6), 16 rowB (n·4), 17 2·rowA, 18 3·rowA, 19 aRow,
// 20 cPtr, 21 initPtr; v128 22–29 the 4 × 8 accumulators (two per row), 30 b0, 31 b1, 32 a splat.
const [A, B, C, M, K, N, A_ROW_STRIDE, A_COLUMN_STRIDE, INIT, INIT_ROW_STRIDE] = [
  0, 1, 2, 3, 4, 5, 6, 7, 8, 9,
];
const [I, J, A_PTR, B_PTR, A_END, ROW_A, ROW_B, ROW_A2, ROW_A3, A_ROW, C_PTR, INIT_PTR] = [
  10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21,
];
const ACC = 22;
const [B0, B1, S] = [30, 31, 32];
const rowOffsets = [undefined, ROW_A, ROW_A2, ROW_A3];

function whileBelow(counter: number, limit: number, body: number[]): number[] {
  return [
    ...blockLoop,
    ...get(counter),
    ...get(limit),
    ...greaterOrEqualUnsigned,
    ...breakIf(1),
    ...body,
    ...branch(0),
    ...endLoopBlock,
  ];
}

function gemmBody(): number[] {
  const innerStep: number[] = [
    ...get(B_PTR),
    ...loadVector(0),
    ...set(B0),
    ...get(B_PTR),
    ...loadVector(16),
    ...set(B1),
  ];
  for (let row = 0; row < 4; row++) {
    const offset = rowOffsets[row];
    innerStep.push(
      ...get(A_PTR),
      ...(offset === undefined ? [] : [...get(offset), ...add]),
      ...loadSplat,
      ...set(S),
    );
    for (let half = 0; half < 2; half++) {
      const accumulator = ACC + 2 * row + half;
      innerStep.push(
        ...get(accumulator),
        ...get(S),
        ...get(half === 0 ? B0 : B1),
        ...multiplyF32x4,
        ...addF32x4,
        ...set(accumulator),
      );
    }
  }
  innerStep.push(
    ...get(A_PTR),
    ...get(A_COLUMN_STRIDE),
    ...add,
    ...set(A_PTR),
    ...get(B_PTR),
    ...get(ROW_B),
    ...add,
    ...set(B_PTR),
  );

  // initPtr = init + i·initRowStride + j·4; each row's accumulators start from its init values.
  const block: number[] = [
    ...get(INIT),
    ...get(I),
    ...get(INIT_ROW_STRIDE),
    ...multiply,
    ...add,
    ...get(J),
    ...constant(2),
    ...shiftLeft,
    ...add,
    ...set(INIT_PTR),
  ];
  for (let row = 0; row < 4; row++) {
    block.push(
      ...get(INIT_PTR),
      ...loadVector(0),
      ...set(ACC + 2 * row),
      ...get(INIT_PTR),
      ...loadVector(16),
      ...set(ACC + 2 * row + 1),
    );
    if (row < 3) block.push(...get(INIT_PTR), ...get(INIT_ROW_STRIDE), ...add, ...set(INIT_PTR));
  }
  block.push(
    ...get(A_ROW),
    ...set(A_PTR),
    ...get(A_ROW),
    ...get(K),
    ...get(A_COLUMN_STRIDE),
    ...multiply,
    ...add,
    ...set(A_END),
    ...get(B),
    ...get(J),
    ...constant(2),
    ...shiftLeft,
    ...add,
    ...set(B_PTR),
    ...whileBelow(A_PTR, A_END, innerStep),
    // cPtr = c + ((i·n + j) << 2)
    ...get(C),
    ...get(I),
    ...get(N),
    ...multiply,
    ...get(J),
    ...add,
    ...constant(2),
    ...shiftLeft,
    ...add,
    ...set(C_PTR),
  );
  for (let row = 0; row < 4; row++) {
    block.push(
      ...get(C_PTR),
      ...get(ACC + 2 * row),
      ...storeVector(0),
      ...get(C_PTR),
      ...get(ACC + 2 * row + 1),
      ...storeVector(16),
    );
    if (row < 3) block.push(...get(C_PTR), ...get(ROW_B), ...add, ...set(C_PTR));
  }
  block.push(...get(J), ...constant(8), ...add, ...set(J));

  const rowBlock = [
    ...get(A),
    ...get(I),
    ...get(ROW_A),
    ...multiply,
    ...add,
    ...set(A_ROW),
    ...constant(0),
    ...set(J),
    ...whileBelow(J, N, block),
    ...get(I),
    ...constant(4),
    ...add,
    ...set(I),
  ];

  return [
    ...vector([
      [12, i32],
      [11, v128],
    ]),
    ...get(A_ROW_STRIDE),
    ...set(ROW_A),
    ...get(N),
    ...constant(2),
    ...shiftLeft,
    ...set(ROW_B),
    ...get(ROW_A),
    ...constant(1),
    ...shiftLeft,
    ...set(ROW_A2),
    ...get(ROW_A2),
    ...get(ROW_A),
    ...add,
    ...set(ROW_A3),
    ...constant(0),
    ...set(I),
    ...whileBelow(I, M, rowBlock),
    ...end,
  ];
}

/**
 * `gemm(a, b, c, m, k, n, aRowStride, aColumnStride, init, initRowStride)`: byte offsets of
 * float32 matrices a [m,k] (value (i,p) at `a + i·aRowStride + p·aColumnStride` bytes, so a
 * stored transposed needs no copy), row-major b [k,n] and c [m,n]; writes c = init + a·b, where
 * the initial value of c(i,j) is read at `init + i·initRowStride + j·4` (a stride of 0 repeats
 * one row: a bias or zeros; `init = c` with a stride of n·4 accumulates into c).
 */
export type SmallGemmFunction = (
  a: number,
  b: number,
  c: number,
  m: number,
  k: number,
  n: number,
  aRowStride: number,
  aColumnStride: number,
  init: number,
  initRowStride: number,
) => void;

/**
 * Whether an [m,k]·[k,n] product suits {@link smallGemm}: tile-aligned (m a multiple of 4, n of
 * 8). Measured on tfjs-backend-wasm 4.22 (one thread), the SIMD kernel runs the GPT workload's
 * products at 25–33 GFLOP/s where XNNPACK, which packs b on every call, reaches 17–23; so it
 * serves every size (large shared dimensions are split into blocks by {@link runSmallGemm}).
 *
 * @param m - Rows of the product; `k` - shared dimension; `n` - columns.
 * @returns True when the SIMD kernel handles it.
 */
export function smallGemmFits(m: number, k: number, n: number): boolean {
  return m % 4 === 0 && n % 8 === 0 && m > 0 && n > 0 && k > 0;
}

/**
 * The SIMD GEMM bound to the backend's memory, compiled on first use; undefined when the
 * module cannot be built (no exported memory, or no SIMD support), in which case callers keep
 * XNNPACK.
 *
 * @param backend - The wasm backend.
 * @returns `gemm(a, b, c, m, k, n, aRowStride, aColumnStride, init, initRowStride)` computing
 *   c = init + a·b.
 */
export const smallGemm: (backend: WasmBackend) => SmallGemmFunction | undefined = heapModuleLoader(
  'gemm',
  () => heapModuleBytes('gemm', 10, gemmBody()),
);

/**
 * Rows of b streamed per call of the kernel: a block of b's columns (8 floats per row) then
 * stays in the L1 cache while every row block of a passes over it.
 */
export const gemmDepthBlock = 64;

/**
 * `c = init + a·b` with {@link smallGemm}, split along the shared dimension into blocks of
 * {@link gemmDepthBlock} (each block after the first accumulates into c).
 *
 * @param gemm - The kernel.
 * @param a - Byte offset of a; `aRowStride`, `aColumnStride` - its strides in bytes.
 * @param b - Byte offset of the row-major [k, n] b.
 * @param c - Byte offset of the row-major [m, n] result.
 * @param m - Rows; `k` - shared dimension; `n` - columns (m % 4 = 0, n % 8 = 0).
 * @param init - Byte offset of the initial values; `initRowStride` - their row stride in bytes.
 * @example runSmallGemm(gemm, a, b, c, 768, 512, 128, 2048, 4, zeros, 0);
 */
export function runSmallGemm(
  gemm: SmallGemmFunction,
  a: number,
  b: number,
  c: number,
  m: number,
  k: number,
  n: number,
  aRowStride: number,
  aColumnStride: number,
  init: number,
  initRowStride: number,
): void {
  for (let start = 0; start < k; start += gemmDepthBlock) {
    const depth = Math.min(gemmDepthBlock, k - start);
    gemm(
      a + start * aColumnStride,
      b + start * n * 4,
      c,
      m,
      depth,
      n,
      aRowStride,
      aColumnStride,
      start === 0 ? init : c,
      start === 0 ? initRowStride : n * 4,
    );
  }
}
