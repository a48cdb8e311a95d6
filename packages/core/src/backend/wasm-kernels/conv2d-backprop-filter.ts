import type { KernelConfig, KernelFunc, TensorInfo } from '@tensorflow/tfjs';
import { convGeometry, fillPatchRows, imagesPerChunk } from './conv-geometry';
import { multiplyMatricesOnHeap, transposeLastTwo } from './heap-mat-mul';
import { asWasmBackend, disposeIntermediate, floatView, type KernelArguments } from './wasm-heap';

/**
 * `Conv2DBackpropFilter` for the wasm backend (missing from stock tfjs-backend-wasm 4.22; the
 * cpu kernel takes ~107 s for a SimCLR conv layer): the filter gradient of every conv1d/conv2d,
 * as im2col + one XNNPACK product, dW = patchesᵀ · dy, over chunks of images.
 * NHWC, any strides, 'same'/'valid'/explicit padding, dilation 1.
 *
 * @param args - Kernel arguments: inputs `x`, `dy`; attrs `strides`, `pad`, `dataFormat`,
 *   `dimRoundingMode`, `filterShape`.
 * @returns dW, [fh, fw, inChannels, outChannels].
 */
export function conv2dBackpropFilterKernel(args: KernelArguments): TensorInfo {
  const backend = asWasmBackend(args.backend);
  const { x, dy } = args.inputs;
  if (x === undefined || dy === undefined)
    throw new Error('Conv2DBackpropFilter needs inputs x and dy.');
  const attrs = (args.attrs ?? {}) as Record<string, unknown>;
  const filterShape = attrs.filterShape as number[];
  const geometry = convGeometry('Conv2DBackpropFilter', x.shape, filterShape, attrs, false);
  const patchSize = geometry.filterHeight * geometry.filterWidth * geometry.inChannels;
  const pixels = geometry.outHeight * geometry.outWidth;
  const out = backend.makeOutput([...filterShape], 'float32');
  if (patchSize * geometry.outChannels === 0) return out;
  if (geometry.batchSize * pixels === 0) {
    floatView(backend, out).fill(0);
    return out;
  }
  const chunk = imagesPerChunk(geometry);
  const patches = backend.makeOutput([chunk * pixels, patchSize], 'float32');
  const partial =
    chunk < geometry.batchSize
      ? backend.makeOutput([patchSize, geometry.outChannels], 'float32')
      : undefined;
  try {
    for (let first = 0; first < geometry.batchSize; first += chunk) {
      const images = Math.min(chunk, geometry.batchSize - first);
      fillPatchRows(floatView(backend, x), floatView(backend, patches), geometry, first, images);
      const rows = images * pixels;
      const patchesTransposed = transposeLastTwo(backend, { ...patches, shape: [rows, patchSize] });
      const target = first === 0 || partial === undefined ? out : partial;
      try {
        multiplyMatricesOnHeap(
          backend,
          patchesTransposed,
          0,
          dy,
          first * pixels * geometry.outChannels,
          target,
          0,
          patchSize,
          rows,
          geometry.outChannels,
        );
      } finally {
        disposeIntermediate(backend, patchesTransposed);
      }
      if (target !== out) {
        const sum = floatView(backend, out);
        const addend = floatView(backend, target);
        for (let index = 0; index < sum.length; index++) sum[index]! += addend[index]!;
      }
    }
  } finally {
    disposeIntermediate(backend, patches);
    if (partial !== undefined) disposeIntermediate(backend, partial);
  }
  return out;
}

/** Kernel config of {@link conv2dBackpropFilterKernel}. */
export const conv2dBackpropFilterConfig: KernelConfig = {
  kernelName: 'Conv2DBackpropFilter',
  backendName: 'wasm',
  kernelFunc: conv2dBackpropFilterKernel as unknown as KernelFunc,
};
