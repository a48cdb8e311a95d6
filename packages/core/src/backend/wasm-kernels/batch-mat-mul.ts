import type { KernelConfig, KernelFunc, TensorInfo } from '@tensorflow/tfjs';
import { batchMatMulOnHeap } from './heap-mat-mul';
import { asWasmBackend, type KernelArguments } from './wasm-heap';

/**
 * `BatchMatMul` for the wasm backend that always reaches XNNPACK's GEMM: transposed operands
 * are materialised first, batched and broadcast products run as one XNNPACK call per batch
 * item on zero-copy heap views. Stock tfjs-backend-wasm 4.22 uses XNNPACK only when nothing is
 * transposed and both batch sizes are 1 (a scalar loop ~10× slower otherwise), which is every
 * gradient of a dense layer and every attention product.
 *
 * @param args - Kernel arguments: inputs `a`, `b`; attrs `transposeA`, `transposeB`.
 * @returns The product, [...broadcastBatch, M, N].
 */
export function batchMatMulKernel(args: KernelArguments): TensorInfo {
  const backend = asWasmBackend(args.backend);
  const { a, b } = args.inputs;
  if (a === undefined || b === undefined) throw new Error('BatchMatMul needs inputs a and b.');
  const transposeA = Boolean(args.attrs?.transposeA);
  const transposeB = Boolean(args.attrs?.transposeB);
  return batchMatMulOnHeap(backend, a, b, transposeA, transposeB);
}

/** Kernel config of {@link batchMatMulKernel}. */
export const batchMatMulConfig: KernelConfig = {
  kernelName: 'BatchMatMul',
  backendName: 'wasm',
  kernelFunc: batchMatMulKernel as unknown as KernelFunc,
};
