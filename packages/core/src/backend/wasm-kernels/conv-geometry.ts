import * as tf from '@tensorflow/tfjs';

/** Geometry of a 2-D NHWC convolution, as the backprop kernels use it. */
export type ConvGeometry = {
  readonly batchSize: number;
  readonly inHeight: number;
  readonly inWidth: number;
  readonly inChannels: number;
  readonly outHeight: number;
  readonly outWidth: number;
  readonly outChannels: number;
  readonly filterHeight: number;
  readonly filterWidth: number;
  readonly strideHeight: number;
  readonly strideWidth: number;
  readonly padTop: number;
  readonly padLeft: number;
};

type PadAttribute = Parameters<typeof tf.backend_util.computeConv2DInfo>[4];
type RoundingAttribute = Parameters<typeof tf.backend_util.computeConv2DInfo>[5];

/**
 * Computes the geometry of a conv2d (or depthwise conv2d) for a backprop kernel and rejects
 * what the wasm kernels do not support, with the fix in the message.
 *
 * @param kernelName - For error messages.
 * @param inputShape - x's shape, [batch, height, width, channels].
 * @param filterShape - [fh, fw, inChannels, outChannels] (depthwise: [fh, fw, inChannels, multiplier]).
 * @param attrs - The kernel's strides, pad, dilations, dataFormat, dimRoundingMode.
 * @param depthwise - Whether the filter is depthwise.
 * @returns The geometry.
 */
export function convGeometry(
  kernelName: string,
  inputShape: readonly number[],
  filterShape: readonly number[],
  attrs: Record<string, unknown>,
  depthwise: boolean,
): ConvGeometry {
  const dataFormat = (attrs.dataFormat as string | undefined) ?? 'NHWC';
  if (dataFormat !== 'NHWC' && dataFormat !== 'channelsLast') {
    throw new Error(
      `${kernelName} on wasm supports dataFormat 'NHWC' only (got '${dataFormat}'); transpose your input to NHWC.`,
    );
  }
  const dilations = (attrs.dilations as number | [number, number] | undefined) ?? 1;
  const [dilationHeight, dilationWidth] =
    typeof dilations === 'number' ? [dilations, dilations] : dilations;
  if (dilationHeight !== 1 || dilationWidth !== 1) {
    throw new Error(
      `${kernelName} on wasm supports dilation 1 only (got ${JSON.stringify(dilations)}); for dilated causal ` +
        'convolutions use selfsup core’s dilated causal conv1d layer, which is built from dilation-1 ops.',
    );
  }
  const info = tf.backend_util.computeConv2DInfo(
    inputShape as [number, number, number, number],
    filterShape as [number, number, number, number],
    attrs.strides as number | [number, number],
    1,
    attrs.pad as PadAttribute,
    attrs.dimRoundingMode as RoundingAttribute,
    depthwise,
    'channelsLast',
  );
  return {
    batchSize: info.batchSize,
    inHeight: info.inHeight,
    inWidth: info.inWidth,
    inChannels: info.inChannels,
    outHeight: info.outHeight,
    outWidth: info.outWidth,
    outChannels: info.outChannels,
    filterHeight: info.filterHeight,
    filterWidth: info.filterWidth,
    strideHeight: info.strideHeight,
    strideWidth: info.strideWidth,
    padTop: info.padInfo.top,
    padLeft: info.padInfo.left,
  };
}

/** How many images to im2col at once so that a patch matrix stays under ~32 MB. */
export function imagesPerChunk(geometry: ConvGeometry): number {
  const patchValues =
    geometry.outHeight *
    geometry.outWidth *
    geometry.filterHeight *
    geometry.filterWidth *
    geometry.inChannels;
  return Math.max(
    1,
    Math.min(geometry.batchSize, Math.floor(8_000_000 / Math.max(1, patchValues))),
  );
}

/**
 * im2col: writes the patches of images [firstImage, firstImage + images) of `x` (NHWC) as rows
 * of `patches` ([images·outHeight·outWidth, fh·fw·inChannels], zeros for padding).
 */
export function fillPatchRows(
  x: Float32Array,
  patches: Float32Array,
  geometry: ConvGeometry,
  firstImage: number,
  images: number,
): void {
  const { inHeight, inWidth, inChannels, outHeight, outWidth, filterHeight, filterWidth } =
    geometry;
  const { strideHeight, strideWidth, padTop, padLeft } = geometry;
  const rowSize = filterHeight * filterWidth * inChannels;
  let row = 0;
  for (let image = firstImage; image < firstImage + images; image++) {
    const imageBase = image * inHeight * inWidth * inChannels;
    for (let outRow = 0; outRow < outHeight; outRow++) {
      for (let outColumn = 0; outColumn < outWidth; outColumn++) {
        let target = row * rowSize;
        for (let filterRow = 0; filterRow < filterHeight; filterRow++) {
          const inRow = outRow * strideHeight - padTop + filterRow;
          for (let filterColumn = 0; filterColumn < filterWidth; filterColumn++) {
            const inColumn = outColumn * strideWidth - padLeft + filterColumn;
            if (inRow < 0 || inRow >= inHeight || inColumn < 0 || inColumn >= inWidth) {
              patches.fill(0, target, target + inChannels);
            } else {
              const source = imageBase + (inRow * inWidth + inColumn) * inChannels;
              if (inChannels === 1) patches[target] = x[source]!;
              else patches.set(x.subarray(source, source + inChannels), target);
            }
            target += inChannels;
          }
        }
        row++;
      }
    }
  }
}

/**
 * col2im: adds patch rows (layout of {@link fillPatchRows}) back into the NHWC gradient `dx`
 * of images [firstImage, firstImage + images); padding positions are skipped.
 */
export function addPatchRows(
  patches: Float32Array,
  dx: Float32Array,
  geometry: ConvGeometry,
  firstImage: number,
  images: number,
): void {
  const { inHeight, inWidth, inChannels, outHeight, outWidth, filterHeight, filterWidth } =
    geometry;
  const { strideHeight, strideWidth, padTop, padLeft } = geometry;
  const rowSize = filterHeight * filterWidth * inChannels;
  let row = 0;
  for (let image = firstImage; image < firstImage + images; image++) {
    const imageBase = image * inHeight * inWidth * inChannels;
    for (let outRow = 0; outRow < outHeight; outRow++) {
      for (let outColumn = 0; outColumn < outWidth; outColumn++) {
        let source = row * rowSize;
        for (let filterRow = 0; filterRow < filterHeight; filterRow++) {
          const inRow = outRow * strideHeight - padTop + filterRow;
          for (let filterColumn = 0; filterColumn < filterWidth; filterColumn++) {
            const inColumn = outColumn * strideWidth - padLeft + filterColumn;
            if (inRow >= 0 && inRow < inHeight && inColumn >= 0 && inColumn < inWidth) {
              const target = imageBase + (inRow * inWidth + inColumn) * inChannels;
              for (let channel = 0; channel < inChannels; channel++)
                dx[target + channel]! += patches[source + channel]!;
            }
            source += inChannels;
          }
        }
        row++;
      }
    }
  }
}
