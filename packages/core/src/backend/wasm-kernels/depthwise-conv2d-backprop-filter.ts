import type { KernelConfig, KernelFunc, TensorInfo } from '@tensorflow/tfjs';
import { convGeometry } from './conv-geometry';
import { forEachDepthwiseTap } from './depthwise-conv2d-backprop';
import { asWasmBackend, floatView, type KernelArguments } from './wasm-heap';

/**
 * `DepthwiseConv2dNativeBackpropFilter` for the wasm backend (missing from stock 4.22): the
 * filter gradient of depthwise and separable convolutions,
 * dW[i, j, c, m] = Σ x[b, h, w, c] · dy[b, oh, ow, c·M + m], as a JS loop over zero-copy heap
 * views with float64 accumulation. NHWC, any strides and padding, dilation 1.
 *
 * @param args - Kernel arguments: inputs `x`, `dy`; attrs `strides`, `pad`, `dilations`,
 *   `dimRoundingMode`, `filterShape`.
 * @returns dW, `filterShape` ([fh, fw, inChannels, multiplier]).
 */
export function depthwiseConv2dBackpropFilterKernel(args: KernelArguments): TensorInfo {
  const backend = asWasmBackend(args.backend);
  const { x, dy } = args.inputs;
  if (x === undefined || dy === undefined)
    throw new Error('DepthwiseConv2dNativeBackpropFilter needs inputs x and dy.');
  const attrs = (args.attrs ?? {}) as Record<string, unknown>;
  const filterShape = attrs.filterShape as number[];
  const geometry = convGeometry(
    'DepthwiseConv2dNativeBackpropFilter',
    x.shape,
    filterShape,
    attrs,
    true,
  );
  const out = backend.makeOutput([...filterShape], 'float32');
  const input = floatView(backend, x);
  const gradient = floatView(backend, dy);
  const sums = new Float64Array(floatView(backend, out).length);
  const channels = geometry.outChannels;
  const multiplier = channels / geometry.inChannels;
  if (multiplier === 1) {
    forEachDepthwiseTap(geometry, (xBase, filterBase, dyBase) => {
      for (let channel = 0; channel < channels; channel++) {
        sums[filterBase + channel]! += input[xBase + channel]! * gradient[dyBase + channel]!;
      }
    });
  } else {
    forEachDepthwiseTap(geometry, (xBase, filterBase, dyBase) => {
      for (let channel = 0; channel < channels; channel++) {
        sums[filterBase + channel]! +=
          input[xBase + Math.floor(channel / multiplier)]! * gradient[dyBase + channel]!;
      }
    });
  }
  floatView(backend, out).set(sums);
  return out;
}

/** Kernel config of {@link depthwiseConv2dBackpropFilterKernel}. */
export const depthwiseConv2dBackpropFilterConfig: KernelConfig = {
  kernelName: 'DepthwiseConv2dNativeBackpropFilter',
  backendName: 'wasm',
  kernelFunc: depthwiseConv2dBackpropFilterKernel as unknown as KernelFunc,
};
