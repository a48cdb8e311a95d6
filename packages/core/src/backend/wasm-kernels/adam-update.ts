import type { KernelConfig, KernelFunc, TensorInfo } from '@tensorflow/tfjs';
import * as tf from '@tensorflow/tfjs';
import {
  asWasmBackend,
  disposeIntermediate,
  floatView,
  type KernelArguments,
  runWasmKernel,
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

/**
 * One Adam/AdamW update of a float32 weight as a chain of stock wasm (XNNPACK) elementwise
 * kernels called directly on TensorInfos: `g ← g + l2·w`, `m ← β₁m + (1 − β₁)g`,
 * `v ← β₂v + (1 − β₂)g²`, `w ← weightFactor·w − stepSize·m / (√(v·secondMomentCorrection) + ε)`.
 * The same ~12 kernels the tensor-op version runs, without the engine's bookkeeping (tidy
 * tracking, tape checks, a tensor per intermediate) around each one; a plain JavaScript loop
 * is several times slower than these vectorised kernels.
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
