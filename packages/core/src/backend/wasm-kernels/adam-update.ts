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
  set,
  shiftLeft,
  simd,
  v128,
  vector,
} from './heap-module';
import { f32x4 } from './simd-exp';
import {
  asWasmBackend,
  disposeIntermediate,
  floatView,
  type KernelArguments,
  runWasmKernel,
  tensorData,
  type WasmBackend,
} from './wasm-heap';

/** Name of the fused Adam/AdamW update kernel selfsup registers for 'wasm'. */
export const adamUpdateKernelName = 'SelfsupAdamUpdate';

/** Attributes of {@link adamUpdateKernel}: the per-step constants of one Adam(W) update. */
export type AdamUpdateAttributes = {
  /** Decay of the first moment, β₁. */
  readonly beta1: number;
  /** Decay of the second moment, β₂. */
  readonly beta2: number;
  /** `1 / (1 − β₂ᵗ)`. */
  readonly secondMomentCorrection: number;
  /** ε, added to √v̂. */
  readonly epsilon: number;
  /** `η / (1 − β₁ᵗ)`. */
  readonly stepSize: number;
  /** Coupled L2 penalty λ added to the gradient (`g + λw`, Adam); 0 for none. */
  readonly l2: number;
  /** Factor of the weight before the step (`1 − ηλ` for AdamW's decoupled decay); 1 for none. */
  readonly weightFactor: number;
};

const loadVector = [...simd(0x00), 0, 0];
const storeVector = [...simd(0x0b), 0, 0];
const splatFromBits = (parameter: number) => [...get(parameter), 0xbe, ...simd(0x13)];
const sqrtF32x4 = simd(0xe3);

/**
 * `update(w, m, v, g, wOut, mOut, vOut, count, l2, β₁, 1 − β₁, β₂, 1 − β₂, correction, ε,
 * stepSize, weightFactor)`: byte offsets, a count that is a multiple of 4, then the constants as
 * float32 bit patterns. The same operations in the same order as the kernel chain below.
 */
function updateBody(): number[] {
  const [W, M, V, G, W_OUT, M_OUT, V_OUT, COUNT] = [0, 1, 2, 3, 4, 5, 6, 7];
  const [L2, BETA1, ONE_MINUS_BETA1, BETA2, ONE_MINUS_BETA2, CORRECTION, EPSILON, STEP, FACTOR] = [
    8, 9, 10, 11, 12, 13, 14, 15, 16,
  ];
  // i32 17 offset, 18 end; v128 19 w, 20 g, 21 m', 22 v', 23–31 the constants.
  const [OFFSET, END, W_V, G_V, M_V, V_V] = [17, 18, 19, 20, 21, 22];
  const constants = [
    L2,
    BETA1,
    ONE_MINUS_BETA1,
    BETA2,
    ONE_MINUS_BETA2,
    CORRECTION,
    EPSILON,
    STEP,
    FACTOR,
  ];
  const vectorOf = (parameter: number) => 23 + constants.indexOf(parameter);
  const at = (base: number) => [...get(base), ...get(OFFSET), ...add];
  const body = [
    ...at(W),
    ...loadVector,
    ...set(W_V),
    // g ← g + l2 · w
    ...at(G),
    ...loadVector,
    ...get(W_V),
    ...get(vectorOf(L2)),
    ...f32x4.multiply,
    ...f32x4.add,
    ...set(G_V),
    // m ← β₁m + (1 − β₁)g
    ...at(M),
    ...loadVector,
    ...get(vectorOf(BETA1)),
    ...f32x4.multiply,
    ...get(G_V),
    ...get(vectorOf(ONE_MINUS_BETA1)),
    ...f32x4.multiply,
    ...f32x4.add,
    ...set(M_V),
    // v ← β₂v + (1 − β₂)g²
    ...at(V),
    ...loadVector,
    ...get(vectorOf(BETA2)),
    ...f32x4.multiply,
    ...get(G_V),
    ...get(G_V),
    ...f32x4.multiply,
    ...get(vectorOf(ONE_MINUS_BETA2)),
    ...f32x4.multiply,
    ...f32x4.add,
    ...set(V_V),
    ...at(M_OUT),
    ...get(M_V),
    ...storeVector,
    ...at(V_OUT),
    ...get(V_V),
    ...storeVector,
    // w ← weightFactor · w − stepSize · m / (√(v · correction) + ε)
    ...at(W_OUT),
    ...get(W_V),
    ...get(vectorOf(FACTOR)),
    ...f32x4.multiply,
    ...get(M_V),
    ...get(vectorOf(STEP)),
    ...f32x4.multiply,
    ...get(V_V),
    ...get(vectorOf(CORRECTION)),
    ...f32x4.multiply,
    ...sqrtF32x4,
    ...get(vectorOf(EPSILON)),
    ...f32x4.add,
    ...f32x4.divide,
    ...f32x4.subtract,
    ...storeVector,
  ];
  return [
    ...vector([
      [2, i32],
      [4 + constants.length, v128],
    ]),
    ...constants.flatMap((parameter) => [...splatFromBits(parameter), ...set(vectorOf(parameter))]),
    ...get(COUNT),
    ...constant(2),
    ...shiftLeft,
    ...set(END),
    ...forLoop(OFFSET, constant(0), get(END), 16, body),
    ...end,
  ];
}

/** The SIMD update bound to the backend's memory (undefined without SIMD support). */
export const adamUpdateModule: (
  backend: WasmBackend,
) => ((...values: number[]) => void) | undefined = heapModuleLoader('adamUpdate', () =>
  heapModuleBytes('adamUpdate', 17, updateBody()),
);

/** The update in one SIMD pass (scalar float32 arithmetic for the last `count % 4` values). */
function simdAdamUpdate(
  backend: WasmBackend,
  update: (...values: number[]) => void,
  inputs: [TensorInfo, TensorInfo, TensorInfo, TensorInfo],
  attributes: AdamUpdateAttributes,
): TensorInfo[] {
  const weight = inputs[0];
  const outputs = [0, 1, 2].map(() => backend.makeOutput([...weight.shape], 'float32'));
  const count = tf.util.sizeFromShape(weight.shape);
  const vectorCount = count - (count % 4);
  const constants = [
    attributes.l2,
    attributes.beta1,
    1 - attributes.beta1,
    attributes.beta2,
    1 - attributes.beta2,
    attributes.secondMomentCorrection,
    attributes.epsilon,
    attributes.stepSize,
    attributes.weightFactor,
  ];
  if (vectorCount > 0) {
    update(
      ...[...inputs, ...outputs].map((info) => tensorData(backend, info).memoryOffset),
      vectorCount,
      ...constants.map(float32Bits),
    );
  }
  if (vectorCount < count) {
    const [l2, beta1, oneMinusBeta1, beta2, oneMinusBeta2, correction, epsilon, stepSize, factor] =
      constants.map(Math.fround) as number[] as [
        number,
        number,
        number,
        number,
        number,
        number,
        number,
        number,
        number,
      ];
    const [w, m, v, g] = inputs.map((info) => floatView(backend, info));
    const [wOut, mOut, vOut] = outputs.map((info) => floatView(backend, info));
    const f = Math.fround;
    for (let index = vectorCount; index < count; index++) {
      const grad = f(g![index]! + f(w![index]! * l2));
      const nextM = f(f(m![index]! * beta1) + f(grad * oneMinusBeta1));
      const nextV = f(f(v![index]! * beta2) + f(f(grad * grad) * oneMinusBeta2));
      mOut![index] = nextM;
      vOut![index] = nextV;
      const step = f(f(nextM * stepSize) / f(f(Math.sqrt(f(nextV * correction))) + epsilon));
      wOut![index] = f(f(w![index]! * factor) - step);
    }
  }
  return outputs;
}

/**
 * One Adam/AdamW update of a float32 weight in one WebAssembly SIMD pass (where the engine
 * supports SIMD; otherwise as a chain of stock wasm (XNNPACK) elementwise kernels called
 * directly on TensorInfos): `g ← g + l2·w`, `m ← β₁m + (1 − β₁)g`,
 * `v ← β₂v + (1 − β₂)g²`, `w ← weightFactor·w − stepSize·m / (√(v·secondMomentCorrection) + ε)`.
 * The same operations in the same order as the tensor-op version (~12 kernels, each a pass
 * over the weight plus the engine's bookkeeping), in one pass that reads four tensors and
 * writes three.
 *
 * @param args - Kernel arguments: inputs `weight`, `firstMoment`, `secondMoment`, `gradient`
 *   (same shape, float32); attributes {@link AdamUpdateAttributes}.
 * @returns New tensors `[weight, firstMoment, secondMoment]`, owned by the caller.
 */
export function adamUpdateKernel(args: KernelArguments): TensorInfo[] {
  const backend = asWasmBackend(args.backend);
  const { weight, firstMoment, secondMoment, gradient } = args.inputs;
  if (
    weight === undefined ||
    firstMoment === undefined ||
    secondMoment === undefined ||
    gradient === undefined
  )
    throw new Error(`${adamUpdateKernelName} needs weight, firstMoment, secondMoment, gradient.`);
  for (const input of [firstMoment, secondMoment, gradient]) {
    if (input.dtype !== 'float32' || weight.dtype !== 'float32')
      throw new Error(`${adamUpdateKernelName} supports float32 only.`);
    if (!tf.util.arraysEqual(input.shape, weight.shape))
      throw new Error(`${adamUpdateKernelName}: every input must have the weight's shape.`);
  }
  const attributes = args.attrs as unknown as AdamUpdateAttributes;
  const update = adamUpdateModule(backend);
  if (update !== undefined)
    return simdAdamUpdate(
      backend,
      update,
      [weight, firstMoment, secondMoment, gradient],
      attributes,
    );
  const intermediates: TensorInfo[] = [];
  const scalar = (value: number): TensorInfo => {
    const info = backend.makeOutput([], 'float32');
    floatView(backend, info)[0] = value;
    intermediates.push(info);
    return info;
  };
  const run = (name: string, a: TensorInfo, b?: TensorInfo): TensorInfo => {
    const info = runWasmKernel(name, b === undefined ? { x: a } : { a, b }, backend);
    intermediates.push(info);
    return info;
  };
  try {
    const grad =
      attributes.l2 === 0
        ? gradient
        : run('Add', gradient, run('Multiply', weight, scalar(attributes.l2)));
    const nextFirst = run(
      'Add',
      run('Multiply', firstMoment, scalar(attributes.beta1)),
      run('Multiply', grad, scalar(1 - attributes.beta1)),
    );
    const nextSecond = run(
      'Add',
      run('Multiply', secondMoment, scalar(attributes.beta2)),
      run('Multiply', run('Square', grad), scalar(1 - attributes.beta2)),
    );
    const denominator = run(
      'Add',
      run('Sqrt', run('Multiply', nextSecond, scalar(attributes.secondMomentCorrection))),
      scalar(attributes.epsilon),
    );
    const step = run(
      'RealDiv',
      run('Multiply', nextFirst, scalar(attributes.stepSize)),
      denominator,
    );
    const decayed =
      attributes.weightFactor === 1
        ? weight
        : run('Multiply', weight, scalar(attributes.weightFactor));
    const nextWeight = run('Sub', decayed, step);
    const outputs = [nextWeight, nextFirst, nextSecond];
    for (const output of outputs) intermediates.splice(intermediates.indexOf(output), 1);
    return outputs;
  } finally {
    for (const info of intermediates) disposeIntermediate(backend, info);
  }
}

/** Kernel config of {@link adamUpdateKernel}. */
export const adamUpdateConfig: KernelConfig = {
  kernelName: adamUpdateKernelName,
  backendName: 'wasm',
  kernelFunc: adamUpdateKernel as unknown as KernelFunc,
};
