import type { KernelConfig, KernelFunc, TensorInfo } from '@tensorflow/tfjs';
import {
  asWasmBackend,
  disposeIntermediate,
  floatView,
  type KernelArguments,
  runWasmKernel,
} from './wasm-heap';

/** Name of the fused global-norm clipping kernel selfsup registers for 'wasm'. */
export const clipByGlobalNormKernelName = 'SelfsupClipByGlobalNorm';

/**
 * Global-norm gradient clipping (PyTorch's `clip_grad_norm_`) in one kernel:
 * `norm = √(Σ‖gᵢ‖²)`, `gᵢ ← gᵢ · min(1, maxNorm / (norm + 1e-6))`. Each squared norm is a
 * stock `Square` + `Sum` run directly on TensorInfos, and the scale is computed on the spot
 * (the wasm backend is synchronous): ~3 kernels per gradient without the engine's bookkeeping
 * around each, instead of ~5 engine ops. Unscaled gradients (scale 1) are shared, not copied.
 *
 * @param args - Kernel arguments: inputs, the float32 gradients (any keys, in order);
 *   attr `maxNorm`.
 * @returns `[norm, ...clipped]`: the scalar norm before clipping, then each clipped gradient.
 */
export function clipByGlobalNormKernel(args: KernelArguments): TensorInfo[] {
  const backend = asWasmBackend(args.backend);
  const gradients = Object.values(args.inputs) as TensorInfo[];
  const maxNorm = Number(args.attrs?.maxNorm);
  let squaredNorm = 0;
  for (const gradient of gradients) {
    if (gradient.dtype !== 'float32')
      throw new Error(`${clipByGlobalNormKernelName} supports float32 gradients only.`);
    const squares = runWasmKernel('Square', { x: gradient }, backend);
    const sum = runWasmKernel('Sum', { x: squares }, backend, {
      axis: [...gradient.shape.keys()],
      keepDims: false,
    });
    squaredNorm += floatView(backend, sum)[0] ?? 0;
    disposeIntermediate(backend, squares);
    disposeIntermediate(backend, sum);
  }
  const norm = Math.fround(Math.sqrt(squaredNorm));
  const scale = Math.min(1, Math.fround(maxNorm / Math.fround(norm + 1e-6)));
  const normInfo = backend.makeOutput([], 'float32');
  floatView(backend, normInfo)[0] = norm;
  if (scale === 1) {
    return [
      normInfo,
      ...gradients.map((gradient) => {
        backend.incRef(gradient.dataId);
        return { ...gradient };
      }),
    ];
  }
  const scaleInfo = backend.makeOutput([], 'float32');
  floatView(backend, scaleInfo)[0] = scale;
  try {
    return [
      normInfo,
      ...gradients.map((gradient) =>
        runWasmKernel('Multiply', { a: gradient, b: scaleInfo }, backend),
      ),
    ];
  } finally {
    disposeIntermediate(backend, scaleInfo);
  }
}

/** Kernel config of {@link clipByGlobalNormKernel}. */
export const clipByGlobalNormConfig: KernelConfig = {
  kernelName: clipByGlobalNormKernelName,
  backendName: 'wasm',
  kernelFunc: clipByGlobalNormKernel as unknown as KernelFunc,
};
