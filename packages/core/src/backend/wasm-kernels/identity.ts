import type { KernelConfig, KernelFunc, TensorInfo } from '@tensorflow/tfjs';
import { asWasmBackend, type KernelArguments, runReplacedKernel } from './wasm-heap';

/**
 * `Identity` (`tf.clone`) for the wasm backend without a copy: the output shares the input's
 * data, whose reference count goes up by one (as tfjs-cpu's identity does; the data is freed
 * when the last tensor on it is disposed). tfjs clones every tensor it saves for the backward
 * pass, ~180 per GPT training step, each a full copy with the stock kernel. No kernel writes
 * into its inputs, so sharing is safe. Strings use the stock kernel.
 *
 * @param args - Kernel arguments: input `x`.
 * @returns A TensorInfo on the same data as `x`.
 */
export function identityKernel(args: KernelArguments): TensorInfo | TensorInfo[] {
  const backend = asWasmBackend(args.backend);
  const x = args.inputs.x;
  if (x === undefined) throw new Error('Identity needs input x.');
  if (x.dtype === 'string') return runReplacedKernel('Identity', args);
  backend.incRef(x.dataId);
  return { dataId: x.dataId, shape: x.shape, dtype: x.dtype };
}

/** Kernel config of {@link identityKernel}. */
export const identityConfig: KernelConfig = {
  kernelName: 'Identity',
  backendName: 'wasm',
  kernelFunc: identityKernel as unknown as KernelFunc,
};
