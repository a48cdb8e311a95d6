import { readFileSync } from 'node:fs';
import { extname } from 'node:path';
import jpeg from 'jpeg-js';
import pngjs from 'pngjs';

/** An image decoded to 8-bit RGBA, row-major (`height × width × 4` bytes). */
export type RgbaImage = {
  readonly height: number;
  readonly width: number;
  readonly rgba: Uint8Array;
};

/** Extensions that {@link decodeImageFile} reads. */
export const imageExtensions: readonly string[] = ['.png', '.jpg', '.jpeg'];

/**
 * Decodes a PNG or JPEG file to 8-bit RGBA with well-kept decoders: `pngjs` (MIT,
 * pngjs/pngjs; 1–16-bit grey, RGB, palette, alpha; 16-bit is scaled to 8) and `jpeg-js` (BSD-3,
 * jpeg-js/jpeg-js; baseline and progressive, grey or colour).
 *
 * The format is chosen by the extension. JPEGs are decoded strictly (`tolerantDecoding: false`)
 * so a truncated file is an error rather than an image with a grey bottom; images over 100
 * megapixels are refused.
 *
 * @param path a `.png`, `.jpg` or `.jpeg` file.
 * @returns its size and RGBA bytes (JPEG alpha is 255).
 * @example
 * const { height, width, rgba } = decodeImageFile('cat.png');
 */
export function decodeImageFile(path: string): RgbaImage {
  let bytes: Buffer;
  try {
    bytes = readFileSync(path);
  } catch (error) {
    throw new Error(`Cannot read the image ${path}: ${(error as Error).message}`);
  }
  const extension = extname(path).toLowerCase();
  if (extension === '.png') {
    try {
      const image = pngjs.PNG.sync.read(bytes);
      return { height: image.height, width: image.width, rgba: new Uint8Array(image.data) };
    } catch (error) {
      throw new Error(
        `${path} is not a readable PNG (${(error as Error).message}): the file is corrupt or truncated; re-export it, remove it, or pass skipBadFiles: true.`,
      );
    }
  }
  if (extension === '.jpg' || extension === '.jpeg') {
    try {
      const image = jpeg.decode(bytes, {
        useTArray: true,
        formatAsRGBA: true,
        tolerantDecoding: false,
        maxResolutionInMP: 100,
        maxMemoryUsageInMB: 1024,
      });
      return { height: image.height, width: image.width, rgba: image.data };
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      throw new Error(
        `${path} is not a readable JPEG (${reason}): the file is corrupt or truncated; re-export it, remove it, or pass skipBadFiles: true.`,
      );
    }
  }
  throw new Error(
    `${path} has an unsupported image extension '${extension}'; convert it to PNG or JPEG.`,
  );
}

/**
 * Converts an RGBA image to `channels` bytes per pixel and resizes it to `height × width`,
 * writing into `target` (row-major `[height, width, channels]`).
 *
 * Alpha is dropped (pixels keep their colour, not blended on a background). One channel is the
 * luma `0.299 R + 0.587 G + 0.114 B`, rounded. Resizing samples pixel centres (the convention of
 * `tf.image.resizeBilinear` with `halfPixelCenters: true`); `nearest` picks the pixel whose
 * centre is closest, `bilinear` blends the four around and rounds.
 *
 * @param image the decoded image.
 * @param height the output height.
 * @param width the output width.
 * @param channels 1 (grey) or 3 (RGB).
 * @param method `bilinear` or `nearest`.
 * @param target where to write `height × width × channels` bytes.
 * @example
 * const out = new Uint8Array(32 * 32 * 3);
 * convertImage(decodeImageFile('cat.png'), 32, 32, 3, 'bilinear', out);
 */
export function convertImage(
  image: RgbaImage,
  height: number,
  width: number,
  channels: 1 | 3,
  method: 'bilinear' | 'nearest',
  target: Uint8Array,
): void {
  const { rgba } = image;
  const sourceHeight = image.height;
  const sourceWidth = image.width;
  const pixel = (y: number, x: number, channel: number) => {
    const offset = (y * sourceWidth + x) * 4;
    if (channels === 3) return rgba[offset + channel]!;
    return 0.299 * rgba[offset]! + 0.587 * rgba[offset + 1]! + 0.114 * rgba[offset + 2]!;
  };
  const scaleY = sourceHeight / height;
  const scaleX = sourceWidth / width;
  const same = sourceHeight === height && sourceWidth === width;
  let out = 0;
  for (let y = 0; y < height; y++) {
    const sourceY = Math.max(0, (y + 0.5) * scaleY - 0.5);
    const top = Math.min(Math.floor(sourceY), sourceHeight - 1);
    const bottom = Math.min(top + 1, sourceHeight - 1);
    const weightY = sourceY - top;
    const nearestY = same ? y : Math.min(Math.floor((y + 0.5) * scaleY), sourceHeight - 1);
    for (let x = 0; x < width; x++) {
      const sourceX = Math.max(0, (x + 0.5) * scaleX - 0.5);
      const left = Math.min(Math.floor(sourceX), sourceWidth - 1);
      const right = Math.min(left + 1, sourceWidth - 1);
      const weightX = sourceX - left;
      const nearestX = same ? x : Math.min(Math.floor((x + 0.5) * scaleX), sourceWidth - 1);
      for (let channel = 0; channel < channels; channel++) {
        let value: number;
        if (same || method === 'nearest') {
          value = pixel(nearestY, nearestX, channel);
        } else {
          const upper =
            pixel(top, left, channel) * (1 - weightX) + pixel(top, right, channel) * weightX;
          const lower =
            pixel(bottom, left, channel) * (1 - weightX) + pixel(bottom, right, channel) * weightX;
          value = upper * (1 - weightY) + lower * weightY;
        }
        target[out++] = Math.min(255, Math.max(0, Math.round(value)));
      }
    }
  }
}
