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
 * A small matrix product `c = a · b` in WebAssembly SIMD (simd128), compiled from its opcodes
 * into a tiny module that shares the wasm backend's memory, like `blocked-transpose.ts`.
 *
 * tfjs-backend-wasm reaches XNNPACK's GEMM only through `_FusedMatMul`, which creates (or
 * looks up) an operator and packs `b` on every call: for the many tiny per-head attention
 * products (e.g. [64×32]·[32×64]) that fixed cost dominates. This kernel needs no packing: it
 * keeps a 4 × 8 block of the result in registers and streams `a` and `b` from the heap.
 * It requires `m % 4 === 0` and `n % 8 === 0` (see {@link smallGemmFits}).
 */

// Module-specific opcodes (the shared ones are in heap-module.ts).
/** v128.load align=1 (a hint only) at `offset` bytes. */
const loadVector = (offset: number) => [...simd(0x00), 0, ...unsigned(offset)];
const storeVector = (offset: number) => [...simd(0x0b), 0, ...unsigned(offset)];
const loadSplat = [...simd(0x09), 0, 0]; // v128.load32_splat
const zeroVector = [...simd(0x0c), ...new Array<number>(16).fill(0)];
const addF32x4 = simd(0xe4);
const multiplyF32x4 = simd(0xe6);

// Locals: parameters 0 a, 1 b, 2 c (byte offsets), 3 m, 4 k, 5 n, 6 a's row stride, 7 a's
// column stride (bytes: k·4 and 4 for a row-major a, 4 and m·4 for a stored transposed); then
// i32 8 i, 9 j, 10 aPtr, 11 bPtr, 12 aEnd, 13 rowA (= 6), 14 rowB (n·4), 15 2·rowA, 16 3·rowA,
// 17 aRow, 18 cPtr; v128 19–26 the 4 × 8 accumulators (two per row), 27 b0, 28 b1, 29 a splat.
const [A, B, C, M, K, N, A_ROW_STRIDE, A_COLUMN_STRIDE] = [0, 1, 2, 3, 4, 5, 6, 7];
const [I, J, A_PTR, B_PTR, A_END, ROW_A, ROW_B, ROW_A2, ROW_A3, A_ROW, C_PTR] = [
  8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18,
];
const ACC = 19;
const [B0, B1, S] = [27, 28, 29];
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

  const block: number[] = [];
  for (let accumulator = ACC; accumulator < ACC + 8; accumulator++)
    block.push(...zeroVector, ...set(accumulator));
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
      [11, i32],
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
 * `gemm(a, b, c, m, k, n, aRowStride, aColumnStride)`: byte offsets of float32 matrices a
 * [m,k] (value (i,p) at `a + i·aRowStride + p·aColumnStride` bytes, so a stored transposed
 * needs no copy), row-major b [k,n] and c [m,n]; writes c = a·b.
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
) => void;

/** Largest per-item dimension routed to the SIMD kernel (bigger products amortise packing). */
const smallLimit = 128;

/**
 * Whether an [m,k]·[k,n] product suits {@link smallGemm}: tile-aligned and small.
 *
 * @param m - Rows of the product; `k` - shared dimension; `n` - columns.
 * @returns True when the SIMD kernel handles it.
 */
export function smallGemmFits(m: number, k: number, n: number): boolean {
  return (
    m % 4 === 0 &&
    n % 8 === 0 &&
    m > 0 &&
    n > 0 &&
    k > 0 &&
    m <= smallLimit &&
    n <= smallLimit &&
    k <= smallLimit
  );
}

/**
 * The SIMD small GEMM bound to the backend's memory, compiled on first use; undefined when
 * the module cannot be built (no exported memory, or no SIMD support), in which case callers
 * keep XNNPACK.
 *
 * @param backend - The wasm backend.
 * @returns `gemm(a, b, c, m, k, n, aRowStride, aColumnStride)` computing c = a·b.
 */
export const smallGemm: (backend: WasmBackend) => SmallGemmFunction | undefined = heapModuleLoader(
  'gemm',
  () => heapModuleBytes('gemm', 8, gemmBody()),
);
