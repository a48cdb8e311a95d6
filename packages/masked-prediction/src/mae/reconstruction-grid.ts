import type * as tf from '@tensorflow/tfjs';
import type { MaeReconstruction } from './mae-reconstruct';

/** An 8-bit image, row-major, `channels` values per pixel (1 grey, 3 RGB). */
export type PixelGrid = {
  readonly width: number;
  readonly height: number;
  readonly channels: number;
  readonly pixels: Uint8Array;
};

/** Options of {@link reconstructionGrid}. */
export type ReconstructionGridOptions = {
  /** Pixels between tiles. @default 2 */
  readonly padding?: number;
  /** Grey level [0, 1] of hidden patches in the "masked" column. @default 0.5 */
  readonly maskedLevel?: number;
  /** Grey level [0, 1] of the padding. @default 1 (white) */
  readonly background?: number;
};

/**
 * Lays out MAE reconstructions as one image, like the paper's Figure 2: one row per example with
 * four tiles, **original | masked input | reconstruction | reconstruction + visible patches**.
 * Hidden patches show as grey in the second tile. Pure data (no canvas, no file): write it with
 * any PNG encoder, or put it in an `ImageData` in a browser.
 *
 * @param images the originals `[B, H, W, C]` in [0, 1]
 * @param result what `maeReconstruct` returned for them
 * @param options padding and grey levels
 * @returns an 8-bit grid `(B·(H + pad) + pad) × (4·(W + pad) + pad)` with the images' channels
 * @example
 * const grid = reconstructionGrid(images, maeReconstruct(mae, images, { seed: 1 }));
 */
export function reconstructionGrid(
  images: tf.Tensor4D,
  result: Pick<MaeReconstruction, 'reconstruction' | 'composite' | 'pixelMask'>,
  options: ReconstructionGridOptions = {},
): PixelGrid {
  const { padding = 2, maskedLevel = 0.5, background = 1 } = options;
  const [batch, height, width, channels] = images.shape;
  if (result.reconstruction.shape.join() !== images.shape.join()) {
    throw new Error(
      `reconstructionGrid: the reconstruction ${JSON.stringify(result.reconstruction.shape)} does not match the images ${JSON.stringify(images.shape)}; pass the images given to maeReconstruct.`,
    );
  }
  const originals = images.dataSync();
  const reconstructions = result.reconstruction.dataSync();
  const composites = result.composite.dataSync();
  const hidden = result.pixelMask.dataSync();
  const gridWidth = 4 * (width + padding) + padding;
  const gridHeight = batch * (height + padding) + padding;
  const pixels = new Uint8Array(gridWidth * gridHeight * channels).fill(toByte(background));
  const tile = (example: number, column: number, value: (index: number) => number): void => {
    const top = padding + example * (height + padding);
    const left = padding + column * (width + padding);
    for (let row = 0; row < height; row++) {
      for (let x = 0; x < width; x++) {
        const pixel = (example * height + row) * width + x;
        for (let channel = 0; channel < channels; channel++) {
          const target = ((top + row) * gridWidth + left + x) * channels + channel;
          pixels[target] = toByte(value(pixel * channels + channel));
        }
      }
    }
  };
  for (let example = 0; example < batch; example++) {
    tile(example, 0, (index) => originals[index] ?? 0);
    tile(example, 1, (index) =>
      (hidden[Math.floor(index / channels)] ?? 0) > 0.5 ? maskedLevel : (originals[index] ?? 0),
    );
    tile(example, 2, (index) => reconstructions[index] ?? 0);
    tile(example, 3, (index) => composites[index] ?? 0);
  }
  return { width: gridWidth, height: gridHeight, channels, pixels };
}

function toByte(value: number): number {
  return Math.round(Math.min(1, Math.max(0, value)) * 255);
}
