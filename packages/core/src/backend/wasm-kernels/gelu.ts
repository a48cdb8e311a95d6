import type { KernelConfig, KernelFunc, TensorInfo } from '@tensorflow/tfjs';
import * as tf from '@tensorflow/tfjs';
import {
  add,
  constant,
  end,
  forLoop,
  get,
  heapModuleBytes,
  heapModuleLoader,
  i32,
  set,
  shiftLeft,
  simd,
  v128,
  vector,
} from './heap-module';
import { f32x4, simdExp, vectorConstant } from './simd-exp';
import {
  asWasmBackend,
  floatView,
  type KernelArguments,
  tensorData,
  type WasmBackend,
} from './wasm-heap';

/**
 * GELU in its tanh approximation (Hendrycks & Gimpel 2016; GPT-2, BERT) as two fused wasm SIMD
 * kernels, forward and gradient, each one pass over the tensor (tfjs ops take 6 and 7 kernels,
 * including a `Sigmoid` at ~5 ns per value). The math is that of `gelu()` in
 * `layers/transformer-block.ts`: `y = x · σ(2u)` with `2u = x · (2c + 2c · 0.044715 · x²)`,
 * `c = √(2/π)`, and `dy/dx = s + x · s (1 − s) · (2c + 6c · 0.044715 · x²)` with `s = σ(2u)`.
 */

/** Name of the fused GELU forward kernel selfsup registers for 'wasm' (input `x`). */
export const geluKernelName = 'SelfsupGelu';
/** Name of the fused GELU gradient kernel (inputs `x`, `dy`; output `dy · GELU′(x)`). */
export const geluGradKernelName = 'SelfsupGeluGrad';

const SQRT_2_OVER_PI = Math.sqrt(2 / Math.PI);
const GELU_CUBIC = 0.044715;
/** 2u = x · (linear + cubic · x²); the derivative's inner factor is linear + 3 · cubic · x². */
const linear = 2 * SQRT_2_OVER_PI;
const cubic = 2 * SQRT_2_OVER_PI * GELU_CUBIC;

const loadVector = [...simd(0x00), 0, 0];
const storeVector = [...simd(0x0b), 0, 0];

/** Code for s = σ(x · (linear + cubic · x²)) = 1 / (1 + exp(−x · (linear + cubic · x²))). */
function gate(x: number, squared: number, scratch: { z: number; n: number; r: number }): number[] {
  return [
    ...vectorConstant(1),
    ...simdExp(
      [
        ...get(squared),
        ...vectorConstant(-cubic),
        ...f32x4.multiply,
        ...vectorConstant(-linear),
        ...f32x4.add,
        ...get(x),
        ...f32x4.multiply,
      ],
      scratch,
    ),
    ...vectorConstant(1),
    ...f32x4.add,
    ...f32x4.divide,
  ];
}

/** `forward(x, y, count)`: byte offsets, count a multiple of 4; writes y = GELU(x). */
function forwardBody(): number[] {
  // Parameters 0 x, 1 y, 2 count; i32 3 offset, 4 end; v128 5 x, 6 x², 7 s, 8–10 exp scratch.
  const [X_PTR, Y_PTR, COUNT, OFFSET, END] = [0, 1, 2, 3, 4];
  const [X, SQUARED, S] = [5, 6, 7];
  const scratch = { z: 8, n: 9, r: 10 };
  const body = [
    ...get(X_PTR),
    ...get(OFFSET),
    ...add,
    ...loadVector,
    ...set(X),
    ...get(X),
    ...get(X),
    ...f32x4.multiply,
    ...set(SQUARED),
    ...gate(X, SQUARED, scratch),
    ...set(S),
    ...get(Y_PTR),
    ...get(OFFSET),
    ...add,
    ...get(X),
    ...get(S),
    ...f32x4.multiply,
    ...storeVector,
  ];
  return [
    ...vector([
      [2, i32],
      [6, v128],
    ]),
    ...get(COUNT),
    ...constant(2),
    ...shiftLeft,
    ...set(END),
    ...forLoop(OFFSET, constant(0), get(END), 16, body),
    ...end,
  ];
}

/** `backward(x, dy, dx, count)`: byte offsets, count a multiple of 4; writes dx = dy · GELU′(x). */
function backwardBody(): number[] {
  // Parameters 0 x, 1 dy, 2 dx, 3 count; i32 4 offset, 5 end; v128 6 x, 7 x², 8 s, 9–11 scratch.
  const [X_PTR, DY_PTR, DX_PTR, COUNT, OFFSET, END] = [0, 1, 2, 3, 4, 5];
  const [X, SQUARED, S] = [6, 7, 8];
  const scratch = { z: 9, n: 10, r: 11 };
  const body = [
    ...get(X_PTR),
    ...get(OFFSET),
    ...add,
    ...loadVector,
    ...set(X),
    ...get(X),
    ...get(X),
    ...f32x4.multiply,
    ...set(SQUARED),
    ...gate(X, SQUARED, scratch),
    ...set(S),
    // address of dx, then dy · (s + x · s · (1 − s) · (linear + 3 · cubic · x²))
    ...get(DX_PTR),
    ...get(OFFSET),
    ...add,
    ...get(DY_PTR),
    ...get(OFFSET),
    ...add,
    ...loadVector,
    ...get(S),
    ...get(X),
    ...get(S),
    ...f32x4.multiply,
    ...vectorConstant(1),
    ...get(S),
    ...f32x4.subtract,
    ...f32x4.multiply,
    ...get(SQUARED),
    ...vectorConstant(3 * cubic),
    ...f32x4.multiply,
    ...vectorConstant(linear),
    ...f32x4.add,
    ...f32x4.multiply,
    ...f32x4.add,
    ...f32x4.multiply,
    ...storeVector,
  ];
  return [
    ...vector([
      [2, i32],
      [6, v128],
    ]),
    ...get(COUNT),
    ...constant(2),
    ...shiftLeft,
    ...set(END),
    ...forLoop(OFFSET, constant(0), get(END), 16, body),
    ...end,
  ];
}

type ForwardFunction = (x: number, y: number, count: number) => void;
type BackwardFunction = (x: number, dy: number, dx: number, count: number) => void;

/** The SIMD forward bound to the backend's memory (undefined without SIMD support). */
export const geluForwardModule: (backend: WasmBackend) => ForwardFunction | undefined =
  heapModuleLoader('gelu', () => heapModuleBytes('gelu', 3, forwardBody()));

/** The SIMD gradient bound to the backend's memory (undefined without SIMD support). */
export const geluBackwardModule: (backend: WasmBackend) => BackwardFunction | undefined =
  heapModuleLoader('geluGrad', () => heapModuleBytes('geluGrad', 4, backwardBody()));

/** s = σ(2u) for one value (the scalar tail and the no-SIMD fallback). */
function scalarGate(x: number): number {
  return 1 / (1 + Math.exp(-x * (linear + cubic * x * x)));
}

function checkedInput(info: TensorInfo | undefined, name: string, kernel: string): TensorInfo {
  if (info === undefined) throw new Error(`${kernel} needs input ${name}.`);
  if (info.dtype !== 'float32')
    throw new Error(`${kernel} supports float32 only (got ${info.dtype}); cast with .toFloat().`);
  return info;
}

/**
 * `SelfsupGelu` for 'wasm': y = GELU(x) (tanh form) in one SIMD pass.
 *
 * @param args - Kernel arguments: input `x` (float32).
 * @returns y, same shape.
 */
export function geluKernel(args: KernelArguments): TensorInfo {
  const backend = asWasmBackend(args.backend);
  const x = checkedInput(args.inputs.x, 'x', geluKernelName);
  const y = backend.makeOutput([...x.shape], 'float32');
  const count = tf.util.sizeFromShape(x.shape);
  const forward = geluForwardModule(backend);
  const vectorCount = forward === undefined ? 0 : count - (count % 4);
  if (forward !== undefined && vectorCount > 0)
    forward(tensorData(backend, x).memoryOffset, tensorData(backend, y).memoryOffset, vectorCount);
  if (vectorCount < count) {
    const xValues = floatView(backend, x);
    const yValues = floatView(backend, y);
    for (let index = vectorCount; index < count; index++) {
      const value = xValues[index]!;
      yValues[index] = value * scalarGate(value);
    }
  }
  return y;
}

/**
 * `SelfsupGeluGrad` for 'wasm': dx = dy · GELU′(x) (tanh form) in one SIMD pass.
 *
 * @param args - Kernel arguments: inputs `x`, `dy` (float32, same shape).
 * @returns dx, same shape.
 */
export function geluGradKernel(args: KernelArguments): TensorInfo {
  const backend = asWasmBackend(args.backend);
  const x = checkedInput(args.inputs.x, 'x', geluGradKernelName);
  const dy = checkedInput(args.inputs.dy, 'dy', geluGradKernelName);
  if (!tf.util.arraysEqual(x.shape, dy.shape))
    throw new Error(`${geluGradKernelName}: x ${x.shape} and dy ${dy.shape} must have one shape.`);
  const dx = backend.makeOutput([...x.shape], 'float32');
  const count = tf.util.sizeFromShape(x.shape);
  const backward = geluBackwardModule(backend);
  const vectorCount = backward === undefined ? 0 : count - (count % 4);
  if (backward !== undefined && vectorCount > 0) {
    backward(
      tensorData(backend, x).memoryOffset,
      tensorData(backend, dy).memoryOffset,
      tensorData(backend, dx).memoryOffset,
      vectorCount,
    );
  }
  if (vectorCount < count) {
    const xValues = floatView(backend, x);
    const dyValues = floatView(backend, dy);
    const dxValues = floatView(backend, dx);
    for (let index = vectorCount; index < count; index++) {
      const value = xValues[index]!;
      const s = scalarGate(value);
      const inner = linear + 3 * cubic * value * value;
      dxValues[index] = dyValues[index]! * (s + value * s * (1 - s) * inner);
    }
  }
  return dx;
}

/** Kernel config of {@link geluKernel}. */
export const geluConfig: KernelConfig = {
  kernelName: geluKernelName,
  backendName: 'wasm',
  kernelFunc: geluKernel as unknown as KernelFunc,
};

/** Kernel config of {@link geluGradKernel}. */
export const geluGradConfig: KernelConfig = {
  kernelName: geluGradKernelName,
  backendName: 'wasm',
  kernelFunc: geluGradKernel as unknown as KernelFunc,
};
