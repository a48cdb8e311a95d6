import type { KernelConfig, KernelFunc, TensorInfo } from '@tensorflow/tfjs';
import * as tf from '@tensorflow/tfjs';
import { asWasmBackend, floatView, type KernelArguments, runReplacedKernel } from './wasm-heap';

/**
 * Sums (or averages) a float32 tensor over its leading axes [0, k) in one pass over zero-copy
 * heap views, with float64 accumulators; undefined when the reduction is not of that form.
 */
function reduceLeadingAxes(args: KernelArguments, average: boolean): TensorInfo | undefined {
  const backend = asWasmBackend(args.backend);
  const x = args.inputs.x;
  if (x === undefined || x.dtype !== 'float32' || x.shape.length === 0) return undefined;
  const rank = x.shape.length;
  const axes = tf.util.parseAxisParam(args.attrs?.axis as number | number[], x.shape);
  const sorted = [...new Set(axes)].sort((first, second) => first - second);
  if (
    sorted.length === 0 ||
    sorted.length === rank ||
    sorted.some((axis, position) => axis !== position)
  )
    return undefined;
  const keepDims = Boolean(args.attrs?.keepDims);
  const kept = x.shape.slice(sorted.length);
  const outShape = keepDims ? [...sorted.map(() => 1), ...kept] : kept;
  const columns = tf.util.sizeFromShape(kept);
  const rows = tf.util.sizeFromShape(x.shape.slice(0, sorted.length));
  const out = backend.makeOutput(outShape, 'float32');
  const source = floatView(backend, x);
  const sums = new Float64Array(columns);
  for (let row = 0; row < rows; row++) {
    const base = row * columns;
    for (let column = 0; column < columns; column++) sums[column]! += source[base + column]!;
  }
  if (average && rows > 0) for (let column = 0; column < columns; column++) sums[column]! /= rows;
  floatView(backend, out).set(sums);
  return out;
}

/**
 * `Sum` for the wasm backend: reductions over leading axes (the per-channel sums of every
 * BatchNormalization and of bias gradients, e.g. axes [0, 1, 2] of NHWC) run as one pass over
 * the heap; stock 4.22 first transposes the whole tensor. Other reductions use the stock kernel.
 *
 * @param args - Kernel arguments: input `x`; attrs `axis`, `keepDims`.
 * @returns The sum.
 */
export function sumKernel(args: KernelArguments): TensorInfo | TensorInfo[] {
  return reduceLeadingAxes(args, false) ?? runReplacedKernel('Sum', args);
}

/**
 * `Mean` for the wasm backend: like {@link sumKernel} (leading axes in one pass, others via the
 * stock kernel), divided by the number of values reduced.
 *
 * @param args - Kernel arguments: input `x`; attrs `axis`, `keepDims`.
 * @returns The mean.
 */
export function meanKernel(args: KernelArguments): TensorInfo | TensorInfo[] {
  return reduceLeadingAxes(args, true) ?? runReplacedKernel('Mean', args);
}

/** Kernel config of {@link sumKernel}. */
export const sumConfig: KernelConfig = {
  kernelName: 'Sum',
  backendName: 'wasm',
  kernelFunc: sumKernel as unknown as KernelFunc,
};

/** Kernel config of {@link meanKernel}. */
export const meanConfig: KernelConfig = {
  kernelName: 'Mean',
  backendName: 'wasm',
  kernelFunc: meanKernel as unknown as KernelFunc,
};
