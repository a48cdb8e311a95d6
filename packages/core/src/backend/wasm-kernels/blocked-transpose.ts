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

/** Unsigned LEB128. */
export function unsigned(value: number): number[] {
  const bytes: number[] = [];
  let rest = value >>> 0;
  do {
    let byte = rest & 0x7f;
    rest >>>= 7;
    if (rest !== 0) byte |= 0x80;
    bytes.push(byte);
  } while (rest !== 0);
  return bytes;
}

/** Signed LEB128 (small constants only). */
export function signed(value: number): number[] {
  const bytes: number[] = [];
  let rest = value | 0;
  for (;;) {
    const byte = rest & 0x7f;
    rest >>= 7;
    if ((rest === 0 && (byte & 0x40) === 0) || (rest === -1 && (byte & 0x40) !== 0)) {
      bytes.push(byte);
      return bytes;
    }
    bytes.push(byte | 0x80);
  }
}

export function vector(items: number[][]): number[] {
  return [...unsigned(items.length), ...items.flat()];
}

export function name(text: string): number[] {
  return vector([...text].map((character) => [character.charCodeAt(0)]));
}

export function section(id: number, content: number[]): number[] {
  return [id, ...unsigned(content.length), ...content];
}

// The opcodes used (WebAssembly core spec, binary format).
const i32 = 0x7f;
const get = (local: number) => [0x20, ...unsigned(local)];
const set = (local: number) => [0x21, ...unsigned(local)];
const constant = (value: number) => [0x41, ...signed(value)];
const add = [0x6a];
const multiply = [0x6c];
const shiftLeft = [0x74];
const lessUnsigned = [0x49];
const greaterOrEqualUnsigned = [0x4f];
const select = [0x1b];
const load32 = [0x28, 2, 0]; // i32.load align=4 offset=0 (moves float32 bits unchanged)
const store32 = [0x36, 2, 0];
const end = [0x0b];
const breakIf = (depth: number) => [0x0d, depth];
const branch = (depth: number) => [0x0c, depth];
const blockLoop = [0x02, 0x40, 0x03, 0x40];
const endLoopBlock = [...end, ...end];

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
  const forLoop = (
    counter: number,
    start: number[],
    limit: number[],
    step: number,
    body: number[],
  ) => [
    ...start,
    ...set(counter),
    ...blockLoop,
    ...get(counter),
    ...limit,
    ...greaterOrEqualUnsigned,
    ...breakIf(1),
    ...body,
    ...get(counter),
    ...constant(step),
    ...add,
    ...set(counter),
    ...branch(0),
    ...endLoopBlock,
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

function moduleBytes(): Uint8Array<ArrayBuffer> {
  const body = transposeBody();
  return new Uint8Array([
    ...[0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00],
    ...section(1, vector([[0x60, ...vector([[i32], [i32], [i32], [i32]]), ...vector([])]])),
    // Imports env.memory with no minimum, so any memory (the backend's) satisfies it.
    ...section(2, vector([[...name('env'), ...name('memory'), 0x02, 0x00, 0x00]])),
    ...section(3, vector([[0]])),
    ...section(7, vector([[...name('transpose'), 0x00, 0]])),
    ...section(10, vector([[...unsigned(body.length), ...body]])),
  ]);
}

type TransposeFunction = (source: number, target: number, rows: number, columns: number) => void;

const instances = new WeakMap<object, TransposeFunction | null>();

/**
 * The blocked transpose bound to the backend's memory, compiled on first use; undefined when
 * the module cannot be built (no exported memory, or WebAssembly refuses it), in which case
 * callers keep the stock kernel.
 *
 * @param backend - The wasm backend.
 * @returns `transpose(sourceByteOffset, targetByteOffset, rows, columns)` for 32-bit values.
 */
export function blockedTranspose(backend: WasmBackend): TransposeFunction | undefined {
  const module = backend.wasm as unknown as { asm?: { memory?: unknown }; wasmMemory?: unknown };
  const memory = module.asm?.memory ?? module.wasmMemory;
  if (!(memory instanceof WebAssembly.Memory)) return undefined;
  let instance = instances.get(memory);
  if (instance === undefined) {
    try {
      const compiled = new WebAssembly.Instance(new WebAssembly.Module(moduleBytes()), {
        env: { memory },
      });
      instance = compiled.exports.transpose as TransposeFunction;
    } catch {
      instance = null;
    }
    instances.set(memory, instance);
  }
  return instance ?? undefined;
}
