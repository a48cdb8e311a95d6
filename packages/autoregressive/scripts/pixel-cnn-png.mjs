/**
 * A minimal PNG writer for grids of grey images (8-bit greyscale, one IDAT chunk compressed with
 * node's zlib), used by the PixelCNN full run to save its samples. Node only.
 *
 *   import { encodeGreyPng, imageGrid, writePngAtomically } from './pixel-cnn-png.mjs';
 *   await writePngAtomically('samples.png', imageGrid(pixels, { count: 16, height: 28, width: 28 }));
 */
import { mkdir, rename, writeFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { deflateSync } from 'node:zlib';

const crcTable = (() => {
  const table = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    table[n] = c >>> 0;
  }
  return table;
})();

/** CRC-32 (ISO 3309, the PNG chunk checksum) of some bytes. */
export function crc32(bytes) {
  let c = 0xffffffff;
  for (const byte of bytes) c = crcTable[(c ^ byte) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

function chunk(type, data) {
  const out = Buffer.alloc(12 + data.length);
  out.writeUInt32BE(data.length, 0);
  out.write(type, 4, 'ascii');
  Buffer.from(data).copy(out, 8);
  out.writeUInt32BE(crc32(out.subarray(4, 8 + data.length)), 8 + data.length);
  return out;
}

/**
 * Encodes an 8-bit greyscale image as PNG bytes.
 * @param {Uint8Array} grey `height × width` values, row-major (0 black, 255 white)
 * @param {number} height
 * @param {number} width
 * @returns {Buffer}
 */
export function encodeGreyPng(grey, height, width) {
  if (grey.length !== height * width) {
    throw new Error(`encodeGreyPng: ${grey.length} values for a ${height}×${width} image.`);
  }
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header[8] = 8; // bit depth
  header[9] = 0; // colour type: greyscale
  // Bytes 10–12: compression, filter and interlace methods, all 0.
  const raw = Buffer.alloc(height * (width + 1));
  for (let row = 0; row < height; row++) {
    raw[row * (width + 1)] = 0; // filter: none
    Buffer.from(grey.buffer, grey.byteOffset + row * width, width).copy(raw, row * (width + 1) + 1);
  }
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', header),
    chunk('IDAT', deflateSync(raw)),
    chunk('IEND', new Uint8Array(0)),
  ]);
}

/**
 * Lays `count` images (values in [0, 1], `[count, height, width]` row-major) out in a grid, white
 * digits on black with a grey border, each pixel scaled up `scale` times.
 * @returns {{ grey: Uint8Array, height: number, width: number }}
 */
export function imageGrid(
  pixels,
  { count, height, width, columns = Math.ceil(Math.sqrt(count)), scale = 2, border = 2 },
) {
  const rows = Math.ceil(count / columns);
  const cellHeight = height * scale + border;
  const cellWidth = width * scale + border;
  const gridHeight = rows * cellHeight + border;
  const gridWidth = columns * cellWidth + border;
  const grey = new Uint8Array(gridHeight * gridWidth).fill(96);
  for (let image = 0; image < count; image++) {
    const top = Math.floor(image / columns) * cellHeight + border;
    const left = (image % columns) * cellWidth + border;
    for (let y = 0; y < height * scale; y++) {
      for (let x = 0; x < width * scale; x++) {
        const value =
          pixels[(image * height + Math.floor(y / scale)) * width + Math.floor(x / scale)];
        grey[(top + y) * gridWidth + left + x] = Math.round(255 * Math.min(1, Math.max(0, value)));
      }
    }
  }
  return { grey, height: gridHeight, width: gridWidth };
}

/** Writes a grid from {@link imageGrid} as a PNG file, atomically (temporary file + rename). */
export async function writePngAtomically(path, grid) {
  const target = resolve(path);
  await mkdir(dirname(target), { recursive: true });
  const temporary = `${target}.${process.pid}.tmp`;
  await writeFile(temporary, encodeGreyPng(grid.grey, grid.height, grid.width));
  await rename(temporary, target);
}
