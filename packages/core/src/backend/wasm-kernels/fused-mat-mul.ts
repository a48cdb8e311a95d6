import type { KernelConfig, KernelFunc, TensorInfo } from '@tensorflow/tfjs';
import { batchMatMulOnHeap, type HeapProductOptions } from './heap-mat-mul';
import {
  asWasmBackend,
  disposeIntermediate,
  type KernelArguments,
  runWasmKernel,
  type WasmBackend,
} from './wasm-heap';

const activations = ['linear', 'relu', 'relu6', 'elu', 'leakyrelu', 'sigmoid', 'prelu'] as const;
type Activation = (typeof activations)[number];

function applyActivation(
  backend: WasmBackend,
  x: TensorInfo,
  activation: Activation,
  preluWeights: TensorInfo | undefined,
  leakyreluAlpha: number,
): TensorInfo {
  switch (activation) {
    case 'linear':
      return x;
    case 'relu':
      return runWasmKernel('Relu', { x }, backend);
    case 'relu6':
      return runWasmKernel('Relu6', { x }, backend);
    case 'elu':
      return runWasmKernel('Elu', { x }, backend);
    case 'sigmoid':
      return runWasmKernel('Sigmoid', { x }, backend);
    case 'leakyrelu':
      return runWasmKernel('LeakyRelu', { x }, backend, { alpha: leakyreluAlpha });
    case 'prelu':
      if (preluWeights === undefined)
        throw new Error("fused matMul with activation 'prelu' needs preluActivationWeights.");
      return runWasmKernel('Prelu', { x, alpha: preluWeights }, backend);
  }
}

/**
 * `_FusedMatMul` (`tf.fused.matMul`: product + bias + activation) for the wasm backend on
 * XNNPACK's fast path for every transpose and batch combination. A rank-1 bias of length N
 * and the linear/relu/relu6 activations run inside XNNPACK; other biases (any shape that
 * broadcasts) and activations (elu, leakyrelu, sigmoid, prelu) run as wasm kernels after the
 * product. Also fixes stock 4.22's wrong results for batched fused products.
 *
 * @param args - Kernel arguments: inputs `a`, `b`, optional `bias`, `preluActivationWeights`;
 *   attrs `transposeA`, `transposeB`, `activation`, `leakyreluAlpha`.
 * @returns activation(a·b + bias).
 */
export function fusedMatMulKernel(args: KernelArguments): TensorInfo {
  const backend = asWasmBackend(args.backend);
  const { a, b, bias, preluActivationWeights } = args.inputs;
  if (a === undefined || b === undefined) throw new Error('_FusedMatMul needs inputs a and b.');
  const transposeA = Boolean(args.attrs?.transposeA);
  const transposeB = Boolean(args.attrs?.transposeB);
  const activation = (args.attrs?.activation ?? 'linear') as Activation;
  if (!activations.includes(activation)) {
    throw new Error(
      `fused matMul activation '${String(activation)}' is not supported; use one of ${activations.join(', ')}.`,
    );
  }
  const leakyreluAlpha = Number(args.attrs?.leakyreluAlpha ?? 0.2);
  const n = transposeB ? b.shape[b.shape.length - 2]! : b.shape[b.shape.length - 1]!;
  const k = transposeB ? b.shape[b.shape.length - 1]! : b.shape[b.shape.length - 2]!;
  const biasInProduct =
    bias !== undefined &&
    bias.dtype === 'float32' &&
    bias.shape.length === 1 &&
    bias.shape[0] === n &&
    n > 0 &&
    k > 0;
  const clampInProduct =
    (bias === undefined || biasInProduct) && (activation === 'relu' || activation === 'relu6');
  const options: HeapProductOptions = {
    ...(biasInProduct ? { bias } : {}),
    activation: clampInProduct ? (activation as 'relu' | 'relu6') : 'linear',
  };
  let result = batchMatMulOnHeap(backend, a, b, transposeA, transposeB, options);
  if (bias !== undefined && !biasInProduct) {
    const sum = runWasmKernel('Add', { a: result, b: bias }, backend);
    disposeIntermediate(backend, result);
    result = sum;
  }
  if (!clampInProduct && activation !== 'linear') {
    const activated = applyActivation(
      backend,
      result,
      activation,
      preluActivationWeights,
      leakyreluAlpha,
    );
    disposeIntermediate(backend, result);
    result = activated;
  }
  return result;
}

/** Kernel config of {@link fusedMatMulKernel}. */
export const fusedMatMulConfig: KernelConfig = {
  kernelName: '_FusedMatMul',
  backendName: 'wasm',
  kernelFunc: fusedMatMulKernel as unknown as KernelFunc,
};
