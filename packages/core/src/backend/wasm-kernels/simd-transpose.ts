import {
  add,
  constant,
  end,
  forLoop,
  get,
  heapModuleBytes,
  heapModuleLoader,
  i32,
  lessUnsigned,
  multiply,
  select,
  set,
  shiftLeft,
  simd,
  v128,
  vector,
} from './heap-module';
import type { WasmBackend } from './wasm-heap';

/**
 * A 2-D transpose of 32-bit values in WebAssembly SIMD (simd128) for matrices whose sides
 * are multiples of 4, sharing the wasm backend's memory like `blocked-transpose.ts`: 4 × 4
 * blocks are loaded as four vectors, transposed with shuffles in registers and stored as four
 * vectors, walking 16 source rows at a time so every target row receives a whole cache line.
 */

// Module-specific opcodes (the shared ones are in heap-module.ts).
const loadVector = [...simd(0x00), 0, 0];
const storeVector = [...simd(0x0b), 0, 0];
/** i8x16.shuffle picking four 32-bit lanes (0–3 first operand, 4–7 second). */
const shuffleLanes = (lanes: number[]) => [
  ...simd(0x0d),
  ...lanes.flatMap((lane) => [4 * lane, 4 * lane + 1, 4 * lane + 2, 4 * lane + 3]),
];

// Locals: parameters 0 source, 1 target (byte offsets), 2 rows, 3 columns; i32 4 r0, 5 c0,
// 6 r, 7 rEnd, 8 source row bytes, 9 target row bytes, 10 source pointer, 11 target pointer;
// v128 12–15 the four source rows, 16–19 the interleaved pairs.
const [SOURCE, TARGET, ROWS, COLUMNS] = [0, 1, 2, 3];
const [R0, C0, R, R_END, SOURCE_ROW, TARGET_ROW, SOURCE_PTR, TARGET_PTR] = [
  4, 5, 6, 7, 8, 9, 10, 11,
];
const V = 12;
const T = 16;

function transposeBody(): number[] {
  const blockCopy: number[] = [
    // sourcePtr = source + r·sourceRow + c0·4
    ...get(SOURCE),
    ...get(R),
    ...get(SOURCE_ROW),
    ...multiply,
    ...add,
    ...get(C0),
    ...constant(2),
    ...shiftLeft,
    ...add,
    ...set(SOURCE_PTR),
    // targetPtr = target + c0·targetRow + r·4
    ...get(TARGET),
    ...get(C0),
    ...get(TARGET_ROW),
    ...multiply,
    ...add,
    ...get(R),
    ...constant(2),
    ...shiftLeft,
    ...add,
    ...set(TARGET_PTR),
  ];
  for (let row = 0; row < 4; row++) {
    blockCopy.push(...get(SOURCE_PTR), ...loadVector, ...set(V + row));
    if (row < 3) blockCopy.push(...get(SOURCE_PTR), ...get(SOURCE_ROW), ...add, ...set(SOURCE_PTR));
  }
  // t0 = [a0 b0 a1 b1], t1 = [a2 b2 a3 b3], t2 = [c0 d0 c1 d1], t3 = [c2 d2 c3 d3].
  blockCopy.push(
    ...get(V),
    ...get(V + 1),
    ...shuffleLanes([0, 4, 1, 5]),
    ...set(T),
    ...get(V),
    ...get(V + 1),
    ...shuffleLanes([2, 6, 3, 7]),
    ...set(T + 1),
    ...get(V + 2),
    ...get(V + 3),
    ...shuffleLanes([0, 4, 1, 5]),
    ...set(T + 2),
    ...get(V + 2),
    ...get(V + 3),
    ...shuffleLanes([2, 6, 3, 7]),
    ...set(T + 3),
  );
  const outputs: Array<[number, number, number[]]> = [
    [T, T + 2, [0, 1, 4, 5]],
    [T, T + 2, [2, 3, 6, 7]],
    [T + 1, T + 3, [0, 1, 4, 5]],
    [T + 1, T + 3, [2, 3, 6, 7]],
  ];
  outputs.forEach(([first, second, lanes], index) => {
    blockCopy.push(
      ...get(TARGET_PTR),
      ...get(first),
      ...get(second),
      ...shuffleLanes(lanes),
      ...storeVector,
    );
    if (index < 3)
      blockCopy.push(...get(TARGET_PTR), ...get(TARGET_ROW), ...add, ...set(TARGET_PTR));
  });

  const minimum = (first: number[], second: number[]) => [
    ...first,
    ...second,
    ...first,
    ...second,
    ...lessUnsigned,
    ...select,
  ];
  const rowBand = [
    ...minimum([...get(R0), ...constant(16), ...add], get(ROWS)),
    ...set(R_END),
    ...forLoop(C0, constant(0), get(COLUMNS), 4, forLoop(R, get(R0), get(R_END), 4, blockCopy)),
  ];
  return [
    ...vector([
      [8, i32],
      [8, v128],
    ]),
    ...get(COLUMNS),
    ...constant(2),
    ...shiftLeft,
    ...set(SOURCE_ROW),
    ...get(ROWS),
    ...constant(2),
    ...shiftLeft,
    ...set(TARGET_ROW),
    ...forLoop(R0, constant(0), get(ROWS), 16, rowBand),
    ...end,
  ];
}

type TransposeFunction = (source: number, target: number, rows: number, columns: number) => void;

/**
 * The SIMD transpose bound to the backend's memory, compiled on first use; undefined when it
 * cannot be built (no exported memory, or no SIMD support). Only for `rows % 4 === 0` and
 * `columns % 4 === 0`.
 *
 * @param backend - The wasm backend.
 * @returns `transpose(sourceByteOffset, targetByteOffset, rows, columns)` for 32-bit values.
 */
export const simdTranspose: (backend: WasmBackend) => TransposeFunction | undefined =
  heapModuleLoader('transpose', () => heapModuleBytes('transpose', 4, transposeBody()));
