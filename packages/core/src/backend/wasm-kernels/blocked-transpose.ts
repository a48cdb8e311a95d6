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
  vector,
} from './heap-module';
import type { WasmBackend } from './wasm-heap';

/**
 * A blocked 2-D matrix transpose compiled to a tiny WebAssembly module that shares the wasm
 * backend's memory, so it works on tensors in place on the heap.
 *
 * tfjs-backend-wasm 4.22's `Transpose` walks the output with a stride of a whole column per
 * value (~4 ns a value: 1.5 ms for a [768, 512] matrix, and every weight gradient `xᵀ·dy`
 * needs one). Copying 16 × 16 tiles keeps both sides in cache: ~3.5× faster. The module is
 * assembled here from its opcodes (below), so there is no binary or build step to ship.
 */

// Module-specific opcodes (the shared ones are in heap-module.ts).
const load32 = [0x28, 2, 0]; // i32.load align=4 offset=0 (moves float32 bits unchanged)
const store32 = [0x36, 2, 0];

/** Tile edge, in values. */
const tile = 16;

/**
 * `transpose(source, target, rows, columns)`: byte offsets and sizes; writes
 * `target[c·rows + r] = source[r·columns + c]` for 32-bit values, tile by tile.
 * Locals: 0 source, 1 target, 2 rows, 3 columns, 4 r0, 5 c0, 6 r, 7 c, 8 rEnd, 9 cEnd.
 */
function transposeBody(): number[] {
  const minimum = (first: number[], second: number[]) => [
    ...first,
    ...second,
    ...first,
    ...second,
    ...lessUnsigned,
    ...select,
  ];
  const copyValue = [
    // target + ((c·rows + r) << 2)
    ...get(1),
    ...get(7),
    ...get(2),
    ...multiply,
    ...get(6),
    ...add,
    ...constant(2),
    ...shiftLeft,
    ...add,
    // source + ((r·columns + c) << 2)
    ...get(0),
    ...get(6),
    ...get(3),
    ...multiply,
    ...get(7),
    ...add,
    ...constant(2),
    ...shiftLeft,
    ...add,
    ...load32,
    ...store32,
  ];
  const tileCopy = [
    ...minimum([...get(5), ...constant(tile), ...add], get(3)),
    ...set(9),
    ...forLoop(6, get(4), get(8), 1, forLoop(7, get(5), get(9), 1, copyValue)),
  ];
  const rowOfTiles = [
    ...minimum([...get(4), ...constant(tile), ...add], get(2)),
    ...set(8),
    ...forLoop(5, constant(0), get(3), tile, tileCopy),
  ];
  return [...vector([[6, i32]]), ...forLoop(4, constant(0), get(2), tile, rowOfTiles), ...end];
}

type TransposeFunction = (source: number, target: number, rows: number, columns: number) => void;

/**
 * The blocked transpose bound to the backend's memory, compiled on first use; undefined when
 * the module cannot be built (no exported memory, or WebAssembly refuses it), in which case
 * callers keep the stock kernel.
 *
 * @param backend - The wasm backend.
 * @returns `transpose(sourceByteOffset, targetByteOffset, rows, columns)` for 32-bit values.
 */
export const blockedTranspose: (backend: WasmBackend) => TransposeFunction | undefined =
  heapModuleLoader('transpose', () => heapModuleBytes('transpose', 4, transposeBody()));
