import type { KernelConfig, KernelFunc, TensorInfo } from '@tensorflow/tfjs';
import { convGeometry } from './conv-geometry';
import { forEachDepthwiseTap } from './depthwise-conv2d-backprop';
import { asWasmBackend, floatView, type KernelArguments } from './wasm-heap';

/**
 * `DepthwiseConv2dNativeBackpropInput` for the wasm backend (missing from stock 4.22): the
 * input gradient of depthwise and separable convolutions,
 * dx[b, h, w, c] = Σ W[i, j, c, m] · dy[b, oh, ow, c·M + m], as a JS loop over zero-copy
 * heap views. NHWC, any strides and padding, dilation 1.
 *
 * @param args - Kernel arguments: inputs `dy`, `filter`; attrs `strides`, `pad`, `dilations`,
 *   `dimRoundingMode`, `inputShape`.
 * @returns dx, `inputShape`.
 */
export function depthwiseConv2dBackpropInputKernel(args: KernelArguments): TensorInfo {
  const backend = asWasmBackend(args.backend);
  const { dy, filter } = args.inputs;
  if (dy === undefined || filter === undefined)
    throw new Error('DepthwiseConv2dNativeBackpropInput needs inputs dy and filter.');
  const attrs = (args.attrs ?? {}) as Record<string, unknown>;
  const inputShape = attrs.inputShape as number[];
  const geometry = convGeometry(
    'DepthwiseConv2dNativeBackpropInput',
    inputShape,
    filter.shape,
    attrs,
    true,
  );
  const out = backend.makeOutput([...inputShape], 'float32');
  const dx = floatView(backend, out);
  const weights = floatView(backend, filter);
  const gradient = floatView(backend, dy);
  dx.fill(0);
  const channels = geometry.outChannels;
  const multiplier = channels / geometry.inChannels;
  if (multiplier === 1) {
    forEachDepthwiseTap(geometry, (xBase, filterBase, dyBase) => {
      for (let channel = 0; channel < channels; channel++) {
        dx[xBase + channel]! += weights[filterBase + channel]! * gradient[dyBase + channel]!;
      }
    });
  } else {
    forEachDepthwiseTap(geometry, (xBase, filterBase, dyBase) => {
      for (let channel = 0; channel < channels; channel++) {
        dx[xBase + Math.floor(channel / multiplier)]! +=
          weights[filterBase + channel]! * gradient[dyBase + channel]!;
      }
    });
  }
  return out;
}

/** Kernel config of {@link depthwiseConv2dBackpropInputKernel}. */
export const depthwiseConv2dBackpropInputConfig: KernelConfig = {
  kernelName: 'DepthwiseConv2dNativeBackpropInput',
  backendName: 'wasm',
  kernelFunc: depthwiseConv2dBackpropInputKernel as unknown as KernelFunc,
};
