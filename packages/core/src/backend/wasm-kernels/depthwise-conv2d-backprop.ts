import type { ConvGeometry } from './conv-geometry';

/**
 * Visits every (input pixel, filter tap, output pixel) triple of a depthwise convolution and
 * hands the three flat base offsets (x, filter, dy; all at channel 0) to `visit`. Shared by
 * the depthwise input- and filter-gradient kernels.
 */
export function forEachDepthwiseTap(
  geometry: ConvGeometry,
  visit: (xBase: number, filterBase: number, dyBase: number) => void,
): void {
  const { batchSize, inHeight, inWidth, inChannels, outHeight, outWidth, outChannels } = geometry;
  const { filterHeight, filterWidth, strideHeight, strideWidth, padTop, padLeft } = geometry;
  for (let image = 0; image < batchSize; image++) {
    for (let outRow = 0; outRow < outHeight; outRow++) {
      for (let filterRow = 0; filterRow < filterHeight; filterRow++) {
        const inRow = outRow * strideHeight - padTop + filterRow;
        if (inRow < 0 || inRow >= inHeight) continue;
        for (let outColumn = 0; outColumn < outWidth; outColumn++) {
          const dyBase = ((image * outHeight + outRow) * outWidth + outColumn) * outChannels;
          for (let filterColumn = 0; filterColumn < filterWidth; filterColumn++) {
            const inColumn = outColumn * strideWidth - padLeft + filterColumn;
            if (inColumn < 0 || inColumn >= inWidth) continue;
            visit(
              ((image * inHeight + inRow) * inWidth + inColumn) * inChannels,
              (filterRow * filterWidth + filterColumn) * outChannels,
              dyBase,
            );
          }
        }
      }
    }
  }
}
