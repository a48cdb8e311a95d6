import { deflateSync } from 'node:zlib';

/** CRC-32 of the PNG chunks (ISO 3309, the table form). */
const crcTable = (() => {
  const table = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    table[n] = c >>> 0;
  }
  return table;
})();

function crc32(bytes: Uint8Array): number {
  let c = 0xffffffff;
  for (const byte of bytes) c = (crcTable[(c ^ byte) & 0xff] ?? 0) ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

function chunk(type: string, data: Uint8Array): Buffer {
  const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([length, body, crc]);
}

/**
 * Encodes 8-bit pixels as a PNG file (grey for 1 channel, RGB for 3; no interlace, filter 0 on
 * every row), per the PNG specification (W3C 2003: signature, IHDR, one zlib IDAT, IEND).
 *
 * @param image width, height, channels (1 or 3) and row-major pixels.
 * @returns the PNG bytes.
 * @example const png = encodePng({ width: 2, height: 1, channels: 1, pixels: Uint8Array.of(0, 255) });
 */
export function encodePng(image: {
  readonly width: number;
  readonly height: number;
  readonly channels: number;
  readonly pixels: Uint8Array;
}): Uint8Array {
  const { width, height, channels, pixels } = image;
  if (channels !== 1 && channels !== 3) {
    throw new RangeError(`encodePng: 1 (grey) or 3 (RGB) channels, got ${channels}.`);
  }
  const rowBytes = width * channels;
  const raw = Buffer.alloc(height * (rowBytes + 1));
  for (let row = 0; row < height; row++) {
    raw.set(pixels.subarray(row * rowBytes, (row + 1) * rowBytes), row * (rowBytes + 1) + 1);
  }
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header[8] = 8;
  header[9] = channels === 1 ? 0 : 2;
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', header),
    chunk('IDAT', deflateSync(raw)),
    chunk('IEND', new Uint8Array(0)),
  ]);
}

/**
 * Tiles images `[N, H, W, C]` with values in [0, 1] into one 8-bit grid, `columns` per row, with
 * `padding` grey-level-0 pixels between tiles.
 *
 * @param values the images' values, row-major `[N, H, W, C]`.
 * @param shape `[N, H, W, C]`.
 * @param columns tiles per row.
 * @param padding pixels between tiles.
 * @returns the grid, ready for {@link encodePng}.
 * @example const grid = imageGrid(samples, [16, 28, 28, 1], 4, 2);
 */
export function imageGrid(
  values: ArrayLike<number>,
  shape: readonly [number, number, number, number],
  columns: number,
  padding = 2,
): { width: number; height: number; channels: number; pixels: Uint8Array } {
  const [count, height, width, channels] = shape;
  const rows = Math.ceil(count / columns);
  const gridWidth = columns * width + (columns + 1) * padding;
  const gridHeight = rows * height + (rows + 1) * padding;
  const pixels = new Uint8Array(gridWidth * gridHeight * channels);
  for (let index = 0; index < count; index++) {
    const top = padding + Math.floor(index / columns) * (height + padding);
    const left = padding + (index % columns) * (width + padding);
    for (let y = 0; y < height; y++) {
      for (let x = 0; x < width; x++) {
        for (let c = 0; c < channels; c++) {
          const value = values[((index * height + y) * width + x) * channels + c] ?? 0;
          pixels[((top + y) * gridWidth + left + x) * channels + c] = Math.round(
            255 * Math.min(1, Math.max(0, value)),
          );
        }
      }
    }
  }
  return { width: gridWidth, height: gridHeight, channels, pixels };
}
