import type { KernelConfig, KernelFunc, TensorInfo } from '@tensorflow/tfjs';
import * as tf from '@tensorflow/tfjs';
import { asWasmBackend, floatView, type KernelArguments } from './wasm-heap';

type PoolPad = Parameters<typeof tf.backend_util.computePool2DInfo>[4];
type PoolRounding = Parameters<typeof tf.backend_util.computePool2DInfo>[5];

/**
 * `MaxPoolGrad` for the wasm backend (stock 4.22's is naive: ~200 ms per SimCLR step): routes
 * each dy value to the first maximum of its window (row-major, as tfjs-cpu does), one pass over
 * zero-copy heap views. NHWC, any pool size, strides, padding.
 *
 * @param args - Kernel arguments: inputs `dy`, `input`, `output`; attrs `filterSize`,
 *   `strides`, `pad`, `dimRoundingMode`.
 * @returns dx, shaped like `input`.
 */
export function maxPoolGradKernel(args: KernelArguments): TensorInfo {
  const backend = asWasmBackend(args.backend);
  const { dy, input } = args.inputs;
  if (dy === undefined || input === undefined)
    throw new Error('MaxPoolGrad needs inputs dy and input.');
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
  const out = backend.makeOutput([...input.shape], 'float32');
  const dx = floatView(backend, out);
  const x = floatView(backend, input);
  const gradient = floatView(backend, dy);
  dx.fill(0);
  const windowOffsets = new Int32Array(filterHeight * filterWidth);
  for (let image = 0; image < batchSize; image++) {
    for (let outRow = 0; outRow < outHeight; outRow++) {
      const rowStart = Math.max(0, outRow * strideHeight - padTop);
      const rowEnd = Math.min(inHeight, outRow * strideHeight - padTop + filterHeight);
      for (let outColumn = 0; outColumn < outWidth; outColumn++) {
        const columnStart = Math.max(0, outColumn * strideWidth - padLeft);
        const columnEnd = Math.min(inWidth, outColumn * strideWidth - padLeft + filterWidth);
        // Valid window cells in row-major order, so that ties go to the first one as on cpu.
        let cells = 0;
        for (let row = rowStart; row < rowEnd; row++) {
          for (let column = columnStart; column < columnEnd; column++) {
            windowOffsets[cells++] = ((image * inHeight + row) * inWidth + column) * channels;
          }
        }
        const dyBase = ((image * outHeight + outRow) * outWidth + outColumn) * channels;
        for (let channel = 0; channel < channels; channel++) {
          let best = Number.NEGATIVE_INFINITY;
          let bestIndex = -1;
          for (let cell = 0; cell < cells; cell++) {
            const index = windowOffsets[cell]! + channel;
            const value = x[index]!;
            if (value > best) {
              best = value;
              bestIndex = index;
            }
          }
          if (bestIndex >= 0) dx[bestIndex]! += gradient[dyBase + channel]!;
        }
      }
    }
  }
  return out;
}

/** Kernel config of {@link maxPoolGradKernel}. */
export const maxPoolGradConfig: KernelConfig = {
  kernelName: 'MaxPoolGrad',
  backendName: 'wasm',
  kernelFunc: maxPoolGradKernel as unknown as KernelFunc,
};
