import type {
  DataId,
  DataType,
  KernelBackend,
  KernelConfig,
  NamedAttrMap,
  TensorInfo,
} from '@tensorflow/tfjs';
import * as tf from '@tensorflow/tfjs';

/** What the wasm backend stores for one tensor (`BackendWasm.dataIdMap` entries). */
export type WasmTensorData = {
  /** Tensor id known to the C++ side (`register_tensor`). */
  readonly id: number;
  /** Byte offset of the tensor's data in the wasm heap. */
  readonly memoryOffset: number;
  readonly shape: number[];
  readonly dtype: DataType;
};

/** The emscripten module that tfjs-backend-wasm wraps (only the members selfsup uses). */
export type WasmModule = {
  readonly HEAPU8: Uint8Array;
  cwrap(name: string, returnType: null, argumentTypes: string[]): (...values: unknown[]) => void;
  readonly tfjs: {
    registerTensor(id: number, size: number, memoryOffset: number): void;
    disposeData(id: number): void;
    getThreadsCount(): number;
  };
};

/** The parts of tfjs-backend-wasm's `BackendWasm` that selfsup's kernels use. */
export type WasmBackend = KernelBackend & {
  readonly wasm: WasmModule;
  readonly dataIdMap: {
    get(dataId: DataId): WasmTensorData | undefined;
    delete(dataId: DataId): boolean;
  };
  dataIdNextNumber: number;
  makeOutput(shape: number[], dtype: DataType, memoryOffset?: number): TensorInfo;
  disposeData(dataId: DataId, force?: boolean): boolean;
};

/** Arguments every tfjs kernel function receives. */
export type KernelArguments = {
  readonly inputs: Record<string, TensorInfo | undefined>;
  readonly backend: unknown;
  readonly attrs?: NamedAttrMap;
};

/**
 * Whether a backend object is tfjs-backend-wasm's (it has the emscripten heap and the tensor map).
 *
 * @param backend - A tfjs backend (e.g. `tf.backend()`).
 * @returns True for the wasm backend.
 */
export function isWasmBackend(backend: unknown): backend is WasmBackend {
  const candidate = backend as Partial<WasmBackend> | null;
  return candidate?.wasm?.HEAPU8 !== undefined && candidate.dataIdMap !== undefined;
}

/**
 * Narrows a kernel's `backend` argument to the wasm backend, with a clear error otherwise.
 *
 * @param backend - The `backend` a kernel function received.
 * @returns The same object, typed as tfjs-backend-wasm's backend.
 */
export function asWasmBackend(backend: unknown): WasmBackend {
  if (!isWasmBackend(backend)) {
    throw new Error(
      'selfsup wasm kernels need the tfjs wasm backend; call initBackend({ backend: "wasm" }).',
    );
  }
  return backend;
}

/**
 * Looks up the heap record of a tensor.
 *
 * @param backend - The wasm backend.
 * @param info - A tensor living on that backend.
 * @returns Its id and heap offset.
 */
export function tensorData(backend: WasmBackend, info: TensorInfo): WasmTensorData {
  const data = backend.dataIdMap.get(info.dataId);
  if (data === undefined)
    throw new Error('Tensor data not found on the wasm backend (was it disposed?).');
  return data;
}

/**
 * A zero-copy Float32Array over a tensor's data in the wasm heap. Take it after every
 * allocation of the kernel: growing the heap detaches earlier views.
 *
 * @param backend - The wasm backend.
 * @param info - A float32 tensor on that backend.
 * @returns A view of its `sizeFromShape(shape)` values.
 */
export function floatView(backend: WasmBackend, info: TensorInfo): Float32Array {
  const { memoryOffset } = tensorData(backend, info);
  return new Float32Array(
    backend.wasm.HEAPU8.buffer,
    memoryOffset,
    tf.util.sizeFromShape(info.shape),
  );
}

/**
 * A zero-copy Int32Array over an int32 tensor's data in the wasm heap.
 *
 * @param backend - The wasm backend.
 * @param info - An int32 tensor on that backend.
 * @returns A view of its values.
 */
export function intView(backend: WasmBackend, info: TensorInfo): Int32Array {
  const { memoryOffset } = tensorData(backend, info);
  return new Int32Array(
    backend.wasm.HEAPU8.buffer,
    memoryOffset,
    tf.util.sizeFromShape(info.shape),
  );
}

/**
 * Registers a temporary C++ tensor id for `size` float32 values that start `elementOffset`
 * values into `info`'s data: a view the C++ kernels can read or write without a copy.
 * Release it with {@link releaseHeapView}.
 *
 * @param backend - The wasm backend.
 * @param info - The tensor that owns the memory.
 * @param elementOffset - First element of the view.
 * @param size - Number of elements.
 * @returns The new id.
 */
export function registerHeapView(
  backend: WasmBackend,
  info: TensorInfo,
  elementOffset: number,
  size: number,
): number {
  const { memoryOffset } = tensorData(backend, info);
  const id = backend.dataIdNextNumber++;
  backend.wasm.tfjs.registerTensor(id, size, memoryOffset + elementOffset * 4);
  return id;
}

/**
 * Forgets a view made by {@link registerHeapView} (the memory stays owned by its tensor);
 * also drops the XNNPACK operator cached for it.
 *
 * @param backend - The wasm backend.
 * @param id - The view's id.
 */
export function releaseHeapView(backend: WasmBackend, id: number): void {
  backend.wasm.tfjs.disposeData(id);
}

const wrappedFunctions = new WeakMap<WasmModule, Map<string, (...values: unknown[]) => void>>();

/**
 * Returns an exported C function of the wasm module, wrapped once per module (so it works
 * whether or not the backend was initialised before selfsup's kernels were registered).
 *
 * @param backend - The wasm backend.
 * @param name - Export name, e.g. 'BatchMatMul'.
 * @param argumentTypes - emscripten `cwrap` argument types.
 * @returns The callable function.
 */
export function wasmFunction(
  backend: WasmBackend,
  name: string,
  argumentTypes: string[],
): (...values: unknown[]) => void {
  let functions = wrappedFunctions.get(backend.wasm);
  if (functions === undefined) {
    functions = new Map();
    wrappedFunctions.set(backend.wasm, functions);
  }
  let wrapped = functions.get(name);
  if (wrapped === undefined) {
    wrapped = backend.wasm.cwrap(name, null, argumentTypes);
    functions.set(name, wrapped);
  }
  return wrapped;
}

/**
 * Runs another wasm kernel on TensorInfos (no engine bookkeeping, no tensor wrapping).
 *
 * @param name - Kernel name, e.g. 'Transpose'.
 * @param inputs - Its inputs.
 * @param backend - The wasm backend.
 * @param attrs - Its attributes.
 * @returns Its (single) output, owned by the caller.
 */
export function runWasmKernel(
  name: string,
  inputs: Record<string, TensorInfo>,
  backend: WasmBackend,
  attrs: NamedAttrMap = {},
): TensorInfo {
  const kernel = tf.getKernel(name, 'wasm');
  if (kernel === undefined)
    throw new Error(`Kernel '${name}' is not registered for the wasm backend.`);
  const output = kernel.kernelFunc({ inputs, backend, attrs });
  return Array.isArray(output) ? (output[0] as TensorInfo) : (output as TensorInfo);
}

/**
 * Frees an intermediate TensorInfo made inside a kernel.
 *
 * @param backend - The wasm backend.
 * @param info - The intermediate.
 */
export function disposeIntermediate(backend: WasmBackend, info: TensorInfo): void {
  backend.disposeData(info.dataId);
}

/**
 * A TensorInfo over `shape` values that start `elementOffset` values into `info`'s heap data:
 * a zero-copy view stock wasm kernels accept as an input. It owns nothing; hand it back with
 * {@link returnBorrowedView} (never dispose it: that would free the owner's memory).
 *
 * @param backend - The wasm backend.
 * @param info - The tensor that owns the memory.
 * @param elementOffset - First element of the view.
 * @param shape - Shape of the view.
 * @returns The view.
 */
export function borrowView(
  backend: WasmBackend,
  info: TensorInfo,
  elementOffset: number,
  shape: number[],
): TensorInfo {
  const { memoryOffset } = tensorData(backend, info);
  return backend.makeOutput(shape, info.dtype, memoryOffset + elementOffset * 4);
}

/**
 * Forgets a view made by {@link borrowView} without freeing the memory it points into.
 *
 * @param backend - The wasm backend.
 * @param view - The view.
 */
export function returnBorrowedView(backend: WasmBackend, view: TensorInfo): void {
  backend.wasm.tfjs.disposeData(tensorData(backend, view).id);
  backend.dataIdMap.delete(view.dataId);
}

/** The kernels that `registerWasmKernels` replaced, by kernel name (for fallbacks). */
export const replacedWasmKernels = new Map<string, KernelConfig>();

/**
 * Runs the kernel registered for 'wasm' before selfsup replaced it (the stock one), for the
 * cases a selfsup kernel leaves to it.
 *
 * @param name - Kernel name.
 * @param args - The kernel arguments, passed through.
 * @returns The stock kernel's output.
 */
export function runReplacedKernel(name: string, args: KernelArguments): TensorInfo | TensorInfo[] {
  const kernel = replacedWasmKernels.get(name);
  if (kernel === undefined)
    throw new Error(`No stock '${name}' kernel for wasm was recorded; call registerWasmKernels().`);
  return kernel.kernelFunc(args as Parameters<KernelConfig['kernelFunc']>[0]);
}
