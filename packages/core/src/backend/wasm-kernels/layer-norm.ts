import type { KernelConfig, KernelFunc, TensorInfo } from '@tensorflow/tfjs';
import * as tf from '@tensorflow/tfjs';
import {
  add,
  constant,
  end,
  float32Bits,
  forLoop,
  get,
  heapModuleBytes,
  heapModuleLoader,
  i32,
  multiply,
  set,
  shiftLeft,
  simd,
  v128,
  vector,
} from './heap-module';
import { f32x4 } from './simd-exp';
import {
  asWasmBackend,
  floatView,
  type KernelArguments,
  tensorData,
  type WasmBackend,
} from './wasm-heap';

/**
 * Layer normalization over the last axis (Ba et al. 2016) as two fused wasm SIMD kernels, with
 * the math of `layerNormalize()` in `layers/layer-normalization.ts`:
 * forward `μ = mean(x)`, `r = 1/√(mean((x − μ)²) + ε)`, `x̂ = (x − μ) · r`, `y = x̂ · γ + β`
 * (three passes over each row in cache); gradient `ĝ = dy · γ`,
 * `dx = r · (ĝ − mean(ĝ) − x̂ · mean(ĝ · x̂))`, `dγ = Σ dy · x̂`, `dβ = Σ dy` (two passes). The tfjs
 * ops take ~9 kernels forward and ~12 backward (with a product and two sums).
 */

/** Name of the fused LayerNorm forward kernel: inputs `x` [N, D], `gamma`, `beta` [D]; attr `epsilon`; outputs `[y, normalized, inverseStd [N]]`. */
export const layerNormKernelName = 'SelfsupLayerNorm';
/** Name of the fused LayerNorm gradient kernel: inputs `dy`, `normalized` [N, D], `inverseStd` [N], `gamma` [D]; outputs `[dx, dGamma, dBeta]`. */
export const layerNormGradKernelName = 'SelfsupLayerNormGrad';

const f32 = 0x7d;
const loadVector = [...simd(0x00), 0, 0];
const storeVector = [...simd(0x0b), 0, 0];
const splat = simd(0x13);
const extractLane = (lane: number) => [...simd(0x1f), lane];
const zeroVector = [...simd(0x0c), ...new Array<number>(16).fill(0)];
const f32Add = [0x92];
const f32Multiply = [0x94];
const f32Divide = [0x95];
const f32Sqrt = [0x91];
const f32One = [0x43, 0x00, 0x00, 0x80, 0x3f];
const f32Load = [0x2a, 2, 0];
const f32Store = [0x38, 2, 0];
const f32FromUnsigned = [0xb3];
const f32FromBits = [0xbe];

/** Code for the sum of the four lanes of a v128 local. */
function horizontalSum(local: number): number[] {
  return [
    ...get(local),
    ...extractLane(0),
    ...get(local),
    ...extractLane(1),
    ...f32Add,
    ...get(local),
    ...extractLane(2),
    ...f32Add,
    ...get(local),
    ...extractLane(3),
    ...f32Add,
  ];
}

/** Code for `base + offset` (two i32 locals). */
const address = (base: number, offset: number): number[] => [...get(base), ...get(offset), ...add];

/** `forward(x, gamma, beta, y, normalized, inverseStd, rows, size, epsilonBits)`. */
function forwardBody(): number[] {
  const [X, GAMMA, BETA, Y, NORMALIZED, INVERSE_STD, ROWS, SIZE, EPSILON_BITS] = [
    0, 1, 2, 3, 4, 5, 6, 7, 8,
  ];
  // i32 9 row, 10 row bytes, 11 offset, 12 x row, 13 y row, 14 normalized row;
  // f32 15 mean, 16 r, 17 1/D; v128 18 accumulator, 19 mean, 20 r, 21 centered.
  const [ROW, ROW_BYTES, OFFSET, X_ROW, Y_ROW, N_ROW] = [9, 10, 11, 12, 13, 14];
  const [MEAN, R, INVERSE_SIZE] = [15, 16, 17];
  const [ACCUMULATOR, MEAN_V, R_V, CENTERED] = [18, 19, 20, 21];
  const rowLoop = (body: number[]) => forLoop(OFFSET, constant(0), get(ROW_BYTES), 16, body);
  const centered = [...address(X_ROW, OFFSET), ...loadVector, ...get(MEAN_V), ...f32x4.subtract];
  const perRow = [
    ...[X, Y, NORMALIZED].flatMap((base, index) => [
      ...get(base),
      ...get(ROW),
      ...get(ROW_BYTES),
      ...multiply,
      ...add,
      ...set([X_ROW, Y_ROW, N_ROW][index]!),
    ]),
    // mean
    ...zeroVector,
    ...set(ACCUMULATOR),
    ...rowLoop([
      ...get(ACCUMULATOR),
      ...address(X_ROW, OFFSET),
      ...loadVector,
      ...f32x4.add,
      ...set(ACCUMULATOR),
    ]),
    ...horizontalSum(ACCUMULATOR),
    ...get(INVERSE_SIZE),
    ...f32Multiply,
    ...set(MEAN),
    ...get(MEAN),
    ...splat,
    ...set(MEAN_V),
    // variance of the centred row, r = 1 / √(variance + ε)
    ...zeroVector,
    ...set(ACCUMULATOR),
    ...rowLoop([
      ...centered,
      ...set(CENTERED),
      ...get(ACCUMULATOR),
      ...get(CENTERED),
      ...get(CENTERED),
      ...f32x4.multiply,
      ...f32x4.add,
      ...set(ACCUMULATOR),
    ]),
    ...f32One,
    ...horizontalSum(ACCUMULATOR),
    ...get(INVERSE_SIZE),
    ...f32Multiply,
    ...get(EPSILON_BITS),
    ...f32FromBits,
    ...f32Add,
    ...f32Sqrt,
    ...f32Divide,
    ...set(R),
    ...get(INVERSE_STD),
    ...get(ROW),
    ...constant(2),
    ...shiftLeft,
    ...add,
    ...get(R),
    ...f32Store,
    ...get(R),
    ...splat,
    ...set(R_V),
    // x̂ = (x − μ) · r, y = x̂ · γ + β
    ...rowLoop([
      ...centered,
      ...get(R_V),
      ...f32x4.multiply,
      ...set(CENTERED),
      ...address(N_ROW, OFFSET),
      ...get(CENTERED),
      ...storeVector,
      ...address(Y_ROW, OFFSET),
      ...get(CENTERED),
      ...address(GAMMA, OFFSET),
      ...loadVector,
      ...f32x4.multiply,
      ...address(BETA, OFFSET),
      ...loadVector,
      ...f32x4.add,
      ...storeVector,
    ]),
  ];
  return [
    ...vector([
      [6, i32],
      [3, f32],
      [4, v128],
    ]),
    ...get(SIZE),
    ...constant(2),
    ...shiftLeft,
    ...set(ROW_BYTES),
    ...f32One,
    ...get(SIZE),
    ...f32FromUnsigned,
    ...f32Divide,
    ...set(INVERSE_SIZE),
    ...forLoop(ROW, constant(0), get(ROWS), 1, perRow),
    ...end,
  ];
}

/** `backward(dy, normalized, inverseStd, gamma, dx, dGamma, dBeta, rows, size)`; dγ, dβ zeroed. */
function backwardBody(): number[] {
  const [DY, NORMALIZED, INVERSE_STD, GAMMA, DX, D_GAMMA, D_BETA, ROWS, SIZE] = [
    0, 1, 2, 3, 4, 5, 6, 7, 8,
  ];
  // i32 9 row, 10 row bytes, 11 offset, 12 row start (bytes), 13 element offset (row start +
  // offset); f32 14 1/D; v128 15 Σĝ, 16 Σĝx̂, 17 dy, 18 x̂, 19 ĝ, 20 mean ĝ, 21 mean ĝx̂, 22 r.
  const [ROW, ROW_BYTES, OFFSET, ROW_START, ELEMENT] = [9, 10, 11, 12, 13];
  const INVERSE_SIZE = 14;
  const [SUM_G, SUM_GN, DY_V, N_V, G_V, MEAN_G, MEAN_GN, R_V] = [15, 16, 17, 18, 19, 20, 21, 22];
  const rowLoop = (body: number[]) =>
    forLoop(OFFSET, constant(0), get(ROW_BYTES), 16, [
      ...get(ROW_START),
      ...get(OFFSET),
      ...add,
      ...set(ELEMENT),
      ...body,
    ]);
  const loadRow = (base: number, local: number) => [
    ...address(base, ELEMENT),
    ...loadVector,
    ...set(local),
  ];
  const gradient = [
    ...get(DY_V),
    ...address(GAMMA, OFFSET),
    ...loadVector,
    ...f32x4.multiply,
    ...set(G_V),
  ];
  const accumulate = (base: number, value: number[]) => [
    ...address(base, OFFSET),
    ...address(base, OFFSET),
    ...loadVector,
    ...value,
    ...f32x4.add,
    ...storeVector,
  ];
  const meanOf = (local: number) => [
    ...horizontalSum(local),
    ...get(INVERSE_SIZE),
    ...f32Multiply,
    ...splat,
  ];
  const perRow = [
    ...get(ROW),
    ...get(ROW_BYTES),
    ...multiply,
    ...set(ROW_START),
    ...zeroVector,
    ...set(SUM_G),
    ...zeroVector,
    ...set(SUM_GN),
    ...rowLoop([
      ...loadRow(DY, DY_V),
      ...loadRow(NORMALIZED, N_V),
      ...gradient,
      ...get(SUM_G),
      ...get(G_V),
      ...f32x4.add,
      ...set(SUM_G),
      ...get(SUM_GN),
      ...get(G_V),
      ...get(N_V),
      ...f32x4.multiply,
      ...f32x4.add,
      ...set(SUM_GN),
      ...accumulate(D_GAMMA, [...get(DY_V), ...get(N_V), ...f32x4.multiply]),
      ...accumulate(D_BETA, get(DY_V)),
    ]),
    ...meanOf(SUM_G),
    ...set(MEAN_G),
    ...meanOf(SUM_GN),
    ...set(MEAN_GN),
    ...get(INVERSE_STD),
    ...get(ROW),
    ...constant(2),
    ...shiftLeft,
    ...add,
    ...f32Load,
    ...splat,
    ...set(R_V),
    // dx = (ĝ − mean ĝ − x̂ · mean ĝx̂) · r
    ...rowLoop([
      ...loadRow(DY, DY_V),
      ...gradient,
      ...address(DX, ELEMENT),
      ...get(G_V),
      ...get(MEAN_G),
      ...f32x4.subtract,
      ...address(NORMALIZED, ELEMENT),
      ...loadVector,
      ...get(MEAN_GN),
      ...f32x4.multiply,
      ...f32x4.subtract,
      ...get(R_V),
      ...f32x4.multiply,
      ...storeVector,
    ]),
  ];
  return [
    ...vector([
      [5, i32],
      [1, f32],
      [8, v128],
    ]),
    ...get(SIZE),
    ...constant(2),
    ...shiftLeft,
    ...set(ROW_BYTES),
    ...f32One,
    ...get(SIZE),
    ...f32FromUnsigned,
    ...f32Divide,
    ...set(INVERSE_SIZE),
    ...forLoop(ROW, constant(0), get(ROWS), 1, perRow),
    ...end,
  ];
}

type ForwardFunction = (...offsetsAndSizes: number[]) => void;

/** The SIMD forward bound to the backend's memory (undefined without SIMD support). */
export const layerNormForwardModule: (backend: WasmBackend) => ForwardFunction | undefined =
  heapModuleLoader('layerNorm', () => heapModuleBytes('layerNorm', 9, forwardBody()));

/** The SIMD gradient bound to the backend's memory (undefined without SIMD support). */
export const layerNormBackwardModule: (backend: WasmBackend) => ForwardFunction | undefined =
  heapModuleLoader('layerNormGrad', () => heapModuleBytes('layerNormGrad', 9, backwardBody()));

function floatInput(args: KernelArguments, name: string, kernel: string): TensorInfo {
  const info = args.inputs[name];
  if (info === undefined) throw new Error(`${kernel} needs input ${name}.`);
  if (info.dtype !== 'float32')
    throw new Error(`${kernel} supports float32 only (got ${info.dtype} for ${name}).`);
  return info;
}

/** Rows N and size D of a [N, D] input, D a multiple of 4, with matching [D] vectors. */
function rowsAndSize(
  kernel: string,
  matrix: TensorInfo,
  vectors: TensorInfo[],
): { rows: number; size: number } {
  const [rows, size] = matrix.shape as [number, number];
  if (matrix.shape.length !== 2 || size % 4 !== 0 || size === 0)
    throw new Error(
      `${kernel} needs a [N, D] input with D a positive multiple of 4, got ${JSON.stringify(matrix.shape)}; ` +
        'use the tfjs ops path (layerNormalize does so) for other sizes.',
    );
  for (const info of vectors) {
    if (info.shape.length !== 1 || info.shape[0] !== size)
      throw new Error(
        `${kernel}: gamma/beta must be [${size}], got ${JSON.stringify(info.shape)}.`,
      );
  }
  return { rows, size };
}

function requireModule<Function>(module: Function | undefined, kernel: string): Function {
  if (module === undefined)
    throw new Error(
      `${kernel} needs WebAssembly SIMD on the wasm backend's memory; use the tfjs ops path.`,
    );
  return module;
}

const offsetOf = (backend: WasmBackend, info: TensorInfo): number =>
  tensorData(backend, info).memoryOffset;

/**
 * `SelfsupLayerNorm` for 'wasm': one SIMD kernel for the whole LayerNorm forward.
 *
 * @param args - Inputs `x` [N, D] (D % 4 = 0), `gamma`, `beta` [D]; attr `epsilon`.
 * @returns `[y, normalized]` [N, D] and `inverseStd` [N] (what the gradient needs).
 */
export function layerNormKernel(args: KernelArguments): TensorInfo[] {
  const backend = asWasmBackend(args.backend);
  const x = floatInput(args, 'x', layerNormKernelName);
  const gamma = floatInput(args, 'gamma', layerNormKernelName);
  const beta = floatInput(args, 'beta', layerNormKernelName);
  const { rows, size } = rowsAndSize(layerNormKernelName, x, [gamma, beta]);
  const epsilon = Number(args.attrs?.epsilon ?? 1e-5);
  const forward = requireModule(layerNormForwardModule(backend), layerNormKernelName);
  const y = backend.makeOutput([rows, size], 'float32');
  const normalized = backend.makeOutput([rows, size], 'float32');
  const inverseStd = backend.makeOutput([rows], 'float32');
  if (rows > 0) {
    forward(
      offsetOf(backend, x),
      offsetOf(backend, gamma),
      offsetOf(backend, beta),
      offsetOf(backend, y),
      offsetOf(backend, normalized),
      offsetOf(backend, inverseStd),
      rows,
      size,
      float32Bits(epsilon),
    );
  }
  return [y, normalized, inverseStd];
}

/**
 * `SelfsupLayerNormGrad` for 'wasm': one SIMD kernel for the whole LayerNorm gradient.
 *
 * @param args - Inputs `dy`, `normalized` [N, D], `inverseStd` [N], `gamma` [D].
 * @returns `[dx [N, D], dGamma [D], dBeta [D]]`.
 */
export function layerNormGradKernel(args: KernelArguments): TensorInfo[] {
  const backend = asWasmBackend(args.backend);
  const dy = floatInput(args, 'dy', layerNormGradKernelName);
  const normalized = floatInput(args, 'normalized', layerNormGradKernelName);
  const inverseStd = floatInput(args, 'inverseStd', layerNormGradKernelName);
  const gamma = floatInput(args, 'gamma', layerNormGradKernelName);
  const { rows, size } = rowsAndSize(layerNormGradKernelName, dy, [gamma]);
  if (!tf.util.arraysEqual(normalized.shape, dy.shape) || inverseStd.shape[0] !== rows)
    throw new Error(`${layerNormGradKernelName}: normalized must be [N, D] and inverseStd [N].`);
  const backward = requireModule(layerNormBackwardModule(backend), layerNormGradKernelName);
  const dx = backend.makeOutput([rows, size], 'float32');
  const dGamma = backend.makeOutput([size], 'float32');
  const dBeta = backend.makeOutput([size], 'float32');
  floatView(backend, dGamma).fill(0);
  floatView(backend, dBeta).fill(0);
  if (rows > 0) {
    backward(
      offsetOf(backend, dy),
      offsetOf(backend, normalized),
      offsetOf(backend, inverseStd),
      offsetOf(backend, gamma),
      offsetOf(backend, dx),
      offsetOf(backend, dGamma),
      offsetOf(backend, dBeta),
      rows,
      size,
    );
  }
  return [dx, dGamma, dBeta];
}

/** Kernel config of {@link layerNormKernel}. */
export const layerNormConfig: KernelConfig = {
  kernelName: layerNormKernelName,
  backendName: 'wasm',
  kernelFunc: layerNormKernel as unknown as KernelFunc,
};

/** Kernel config of {@link layerNormGradKernel}. */
export const layerNormGradConfig: KernelConfig = {
  kernelName: layerNormGradKernelName,
  backendName: 'wasm',
  kernelFunc: layerNormGradKernel as unknown as KernelFunc,
};

/**
 * Whether {@link layerNormKernel} can serve a LayerNorm over `size` features on the current
 * backend: wasm with the kernels registered and SIMD available, and `size % 4 === 0`.
 *
 * @param size - The normalized axis' length D.
 * @returns True when the fused path applies.
 */
export function fusedLayerNormAvailable(size: number): boolean {
  if (size % 4 !== 0 || size === 0 || tf.getBackend() !== 'wasm') return false;
  if (
    tf.getKernel(layerNormKernelName, 'wasm') === undefined ||
    tf.getKernel(layerNormGradKernelName, 'wasm') === undefined
  )
    return false;
  const backend = tf.backend() as unknown as WasmBackend;
  return (
    layerNormForwardModule(backend) !== undefined && layerNormBackwardModule(backend) !== undefined
  );
}
