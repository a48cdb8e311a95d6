import type { KernelConfig, KernelFunc, TensorInfo } from '@tensorflow/tfjs';
import * as tf from '@tensorflow/tfjs';
import { asWasmBackend, floatView, type KernelArguments } from './wasm-heap';

type PoolPad = Parameters<typeof tf.backend_util.computePool2DInfo>[4];
type PoolRounding = Parameters<typeof tf.backend_util.computePool2DInfo>[5];

/**
 * `AvgPoolGrad` for the wasm backend (stock 4.22's is naive): spreads each dy value over the
 * valid cells of its window with weight 1 / (filterHeight · filterWidth), as tfjs-cpu does, in
 * one pass over zero-copy heap views. NHWC, any pool size, strides, padding.
 *
 * @param args - Kernel arguments: inputs `dy`, `input`; attrs `filterSize`, `strides`, `pad`,
 *   `dimRoundingMode`.
 * @returns dx, shaped like `input`.
 */
export function avgPoolGradKernel(args: KernelArguments): TensorInfo {
  const backend = asWasmBackend(args.backend);
  const { dy, input } = args.inputs;
  if (dy === undefined || input === undefined)
    throw new Error('AvgPoolGrad needs inputs dy and input.');
  const attrs = (args.attrs ?? {}) as Record<string, unknown>;
  const info = tf.backend_util.computePool2DInfo(
    input.shape as [number, number, number, number],
    attrs.filterSize as number | [number, number],
    attrs.strides as number | [number, number],
    1,
    attrs.pad as PoolPad,
    attrs.dimRoundingMode as PoolRounding,
  );
  const { batchSize, inHeight, inWidth, inChannels: channels, outHeight, outWidth } = info;
  const { filterHeight, filterWidth, strideHeight, strideWidth } = info;
  const padTop = info.padInfo.top;
  const padLeft = info.padInfo.left;
  const weight = 1 / (filterHeight * filterWidth);
  const out = backend.makeOutput([...input.shape], 'float32');
  const dx = floatView(backend, out);
  const gradient = floatView(backend, dy);
  dx.fill(0);
  for (let image = 0; image < batchSize; image++) {
    for (let outRow = 0; outRow < outHeight; outRow++) {
      const rowStart = Math.max(0, outRow * strideHeight - padTop);
      const rowEnd = Math.min(inHeight, outRow * strideHeight - padTop + filterHeight);
      for (let outColumn = 0; outColumn < outWidth; outColumn++) {
        const columnStart = Math.max(0, outColumn * strideWidth - padLeft);
        const columnEnd = Math.min(inWidth, outColumn * strideWidth - padLeft + filterWidth);
        const dyBase = ((image * outHeight + outRow) * outWidth + outColumn) * channels;
        for (let row = rowStart; row < rowEnd; row++) {
          for (let column = columnStart; column < columnEnd; column++) {
            const base = ((image * inHeight + row) * inWidth + column) * channels;
            for (let channel = 0; channel < channels; channel++) {
              dx[base + channel]! += gradient[dyBase + channel]! * weight;
            }
          }
        }
      }
    }
  }
  return out;
}

/** Kernel config of {@link avgPoolGradKernel}. */
export const avgPoolGradConfig: KernelConfig = {
  kernelName: 'AvgPoolGrad',
  backendName: 'wasm',
  kernelFunc: avgPoolGradKernel as unknown as KernelFunc,
};
