import type { WasmBackend } from './wasm-heap';

/**
 * Builds and loads tiny WebAssembly modules that share the tfjs wasm backend's memory, so they
 * work on tensors in place on the heap (the blocked and SIMD transposes, the small GEMM). Each
 * module is assembled from its opcodes in TypeScript: no binary or build step to ship.
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

// Opcodes shared by the heap modules (WebAssembly core spec and SIMD proposal, binary format).
const bitsScratch = new Float32Array(1);
const bitsView = new Int32Array(bitsScratch.buffer);

/**
 * The float32 bit pattern of `value` as an int32 (how the heap modules take float constants),
 * through one shared scratch word: kernels call it per launch, so it must not allocate.
 */
export function float32Bits(value: number): number {
  bitsScratch[0] = value;
  return bitsView[0] as number;
}

export const i32 = 0x7f;
export const v128 = 0x7b;
export const get = (local: number): number[] => [0x20, ...unsigned(local)];
export const set = (local: number): number[] => [0x21, ...unsigned(local)];
export const constant = (value: number): number[] => [0x41, ...signed(value)];
export const add = [0x6a];
export const multiply = [0x6c];
export const shiftLeft = [0x74];
export const lessUnsigned = [0x49];
export const greaterOrEqualUnsigned = [0x4f];
export const select = [0x1b];
export const end = [0x0b];
export const breakIf = (depth: number): number[] => [0x0d, depth];
export const branch = (depth: number): number[] => [0x0c, depth];
export const blockLoop = [0x02, 0x40, 0x03, 0x40];
export const endLoopBlock = [...end, ...end];
export const simd = (opcode: number): number[] => [0xfd, ...unsigned(opcode)];

/** `for (counter = start; counter < limit (unsigned); counter += step) body`. */
export function forLoop(
  counter: number,
  start: number[],
  limit: number[],
  step: number,
  body: number[],
): number[] {
  return [
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
}

/**
 * The bytes of a module with one exported function of `parameterCount` i32 parameters and no
 * result, importing `env.memory` with no minimum (so the backend's memory satisfies it).
 */
export function heapModuleBytes(
  exportName: string,
  parameterCount: number,
  body: number[],
): Uint8Array<ArrayBuffer> {
  const parameters = Array.from({ length: parameterCount }, () => [i32]);
  return new Uint8Array([
    ...[0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00],
    ...section(1, vector([[0x60, ...vector(parameters), ...vector([])]])),
    ...section(2, vector([[...name('env'), ...name('memory'), 0x02, 0x00, 0x00]])),
    ...section(3, vector([[0]])),
    ...section(7, vector([[...name(exportName), 0x00, 0]])),
    ...section(10, vector([[...unsigned(body.length), ...body]])),
  ]);
}

/**
 * A loader of one heap module: compiles it on first use per backend memory and caches it;
 * returns undefined when it cannot be built (no exported memory, or WebAssembly refuses it,
 * e.g. no SIMD), in which case callers keep the stock kernels.
 *
 * @param exportName the exported function's name.
 * @param bytes builds the module's bytes (called once).
 */
export function heapModuleLoader<Function>(
  exportName: string,
  bytes: () => Uint8Array<ArrayBuffer>,
): (backend: WasmBackend) => Function | undefined {
  const instances = new WeakMap<object, Function | null>();
  return (backend) => {
    const module = backend.wasm as unknown as { asm?: { memory?: unknown }; wasmMemory?: unknown };
    const memory = module.asm?.memory ?? module.wasmMemory;
    if (!(memory instanceof WebAssembly.Memory)) return undefined;
    let instance = instances.get(memory);
    if (instance === undefined) {
      try {
        const compiled = new WebAssembly.Instance(new WebAssembly.Module(bytes()), {
          env: { memory },
        });
        instance = compiled.exports[exportName] as Function;
      } catch {
        instance = null;
      }
      instances.set(memory, instance);
    }
    return instance ?? undefined;
  };
}
