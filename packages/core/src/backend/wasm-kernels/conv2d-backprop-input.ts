import type { KernelConfig, KernelFunc, TensorInfo } from '@tensorflow/tfjs';
import { addPatchRows, type ConvGeometry, convGeometry, imagesPerChunk } from './conv-geometry';
import { multiplyMatricesOnHeap, transposeLastTwo } from './heap-mat-mul';
import {
  asWasmBackend,
  disposeIntermediate,
  floatView,
  type KernelArguments,
  runWasmKernel,
  type WasmBackend,
} from './wasm-heap';

type Padding = [[number, number], [number, number], [number, number], [number, number]];

/** Explicit padding of the stride-1 "full" convolution that equals the input gradient, if valid. */
function stridedFreePadding(geometry: ConvGeometry): Padding | undefined {
  const { strideHeight, strideWidth, filterHeight, filterWidth, padTop, padLeft } = geometry;
  if (strideHeight !== 1 || strideWidth !== 1) return undefined;
  const top = filterHeight - 1 - padTop;
  const left = filterWidth - 1 - padLeft;
  const bottom = geometry.inHeight + filterHeight - 1 - top - geometry.outHeight;
  const right = geometry.inWidth + filterWidth - 1 - left - geometry.outWidth;
  if (top < 0 || left < 0 || bottom < 0 || right < 0) return undefined;
  return [
    [0, 0],
    [top, bottom],
    [left, right],
    [0, 0],
  ];
}

/**
 * Stride 1: dx = conv2d(dy, W rotated 180° with in/out channels swapped, "full" padding), one
 * XNNPACK convolution without im2col memory.
 */
function convolveWithFlippedFilter(
  backend: WasmBackend,
  dy: TensorInfo,
  filter: TensorInfo,
  geometry: ConvGeometry,
  padding: Padding,
): TensorInfo {
  const { filterHeight, filterWidth, inChannels, outChannels } = geometry;
  const flipped = backend.makeOutput(
    [filterHeight, filterWidth, outChannels, inChannels],
    'float32',
  );
  const target = floatView(backend, flipped);
  const source = floatView(backend, filter);
  for (let row = 0; row < filterHeight; row++) {
    for (let column = 0; column < filterWidth; column++) {
      const from =
        ((filterHeight - 1 - row) * filterWidth + (filterWidth - 1 - column)) *
        inChannels *
        outChannels;
      const to = (row * filterWidth + column) * outChannels * inChannels;
      for (let inChannel = 0; inChannel < inChannels; inChannel++) {
        for (let outChannel = 0; outChannel < outChannels; outChannel++) {
          target[to + outChannel * inChannels + inChannel] =
            source[from + inChannel * outChannels + outChannel]!;
        }
      }
    }
  }
  try {
    return runWasmKernel('Conv2D', { x: dy, filter: flipped }, backend, {
      strides: [1, 1],
      pad: padding,
      dilations: [1, 1],
      dataFormat: 'NHWC',
    });
  } finally {
    disposeIntermediate(backend, flipped);
  }
}

/**
 * `Conv2DBackpropInput` for the wasm backend (stock 4.22 runs a naive loop): the input
 * gradient of conv1d/conv2d and the forward pass of conv2dTranspose. Stride 1: one XNNPACK
 * Conv2D of dy with the 180°-rotated, channel-swapped filter. Other strides: one XNNPACK product
 * per chunk of images, dPatches = dy · W2dᵀ, then col2im (patch rows added back into dx).
 * NHWC, any strides, 'same'/'valid'/explicit padding, dilation 1.
 *
 * @param args - Kernel arguments: inputs `dy`, `filter`; attrs `strides`, `pad`, `dataFormat`,
 *   `dimRoundingMode`, `inputShape`.
 * @returns dx, `inputShape`.
 */
export function conv2dBackpropInputKernel(args: KernelArguments): TensorInfo {
  const backend = asWasmBackend(args.backend);
  const { dy, filter } = args.inputs;
  if (dy === undefined || filter === undefined)
    throw new Error('Conv2DBackpropInput needs inputs dy and filter.');
  const attrs = (args.attrs ?? {}) as Record<string, unknown>;
  const inputShape = attrs.inputShape as number[];
  const geometry = convGeometry('Conv2DBackpropInput', inputShape, filter.shape, attrs, false);
  const patchSize = geometry.filterHeight * geometry.filterWidth * geometry.inChannels;
  const pixels = geometry.outHeight * geometry.outWidth;
  const flippedPadding = stridedFreePadding(geometry);
  if (
    flippedPadding !== undefined &&
    patchSize * geometry.outChannels * geometry.batchSize * pixels > 0
  ) {
    return convolveWithFlippedFilter(backend, dy, filter, geometry, flippedPadding);
  }
  const out = backend.makeOutput([...inputShape], 'float32');
  floatView(backend, out).fill(0);
  if (patchSize * geometry.outChannels * geometry.batchSize * pixels === 0) return out;
  const chunk = imagesPerChunk(geometry);
  // W as [P, outChannels] → [outChannels, P], so that dPatches = dy2d · (W2dᵀ) is a plain product.
  const filterTransposed = transposeLastTwo(backend, {
    ...filter,
    shape: [patchSize, geometry.outChannels],
  });
  const patches = backend.makeOutput([chunk * pixels, patchSize], 'float32');
  try {
    for (let first = 0; first < geometry.batchSize; first += chunk) {
      const images = Math.min(chunk, geometry.batchSize - first);
      const rows = images * pixels;
      multiplyMatricesOnHeap(
        backend,
        dy,
        first * pixels * geometry.outChannels,
        filterTransposed,
        0,
        patches,
        0,
        rows,
        geometry.outChannels,
        patchSize,
      );
      addPatchRows(floatView(backend, patches), floatView(backend, out), geometry, first, images);
    }
  } finally {
    disposeIntermediate(backend, filterTransposed);
    disposeIntermediate(backend, patches);
  }
  return out;
}

/** Kernel config of {@link conv2dBackpropInputKernel}. */
export const conv2dBackpropInputConfig: KernelConfig = {
  kernelName: 'Conv2DBackpropInput',
  backendName: 'wasm',
  kernelFunc: conv2dBackpropInputKernel as unknown as KernelFunc,
};
