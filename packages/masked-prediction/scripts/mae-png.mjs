// A minimal PNG encoder for the MAE scripts (8-bit grey or RGB, no interlace), with node's zlib.
// PNG spec: https://www.w3.org/TR/png/ (signature, IHDR, IDAT with filter byte 0 per row, IEND).
import { mkdir, rename, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
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

function crc32(bytes) {
  let c = 0xffffffff;
  for (const byte of bytes) c = crcTable[(c ^ byte) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

function chunk(type, data) {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([length, body, crc]);
}

/**
 * Encodes an 8-bit image as PNG bytes.
 *
 * @param {{ width: number, height: number, channels: number, pixels: Uint8Array }} grid
 *   row-major pixels, 1 (grey) or 3 (RGB) channels (e.g. `reconstructionGrid`'s result)
 * @returns {Buffer} the PNG file
 */
export function encodePng(grid) {
  const { width, height, channels, pixels } = grid;
  if (channels !== 1 && channels !== 3) {
    throw new Error(`encodePng: 1 (grey) or 3 (RGB) channels, got ${channels}.`);
  }
  if (pixels.length !== width * height * channels) {
    throw new Error(
      `encodePng: ${pixels.length} values do not make a ${width}×${height}×${channels} image.`,
    );
  }
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header[8] = 8; // bit depth
  header[9] = channels === 1 ? 0 : 2; // colour type: grey or RGB
  const stride = width * channels;
  const raw = Buffer.alloc((stride + 1) * height);
  for (let row = 0; row < height; row++) {
    raw[row * (stride + 1)] = 0; // filter: none
    raw.set(pixels.subarray(row * stride, (row + 1) * stride), row * (stride + 1) + 1);
  }
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', header),
    chunk('IDAT', deflateSync(raw)),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

/**
 * Writes a file atomically: to a temporary file beside it, then renamed over the target.
 *
 * @param {string} path the target
 * @param {string | Uint8Array} data the contents
 */
export async function writeFileAtomically(path, data) {
  await mkdir(dirname(path), { recursive: true });
  const temporary = `${path}.${process.pid}.tmp`;
  await writeFile(temporary, data);
  await rename(temporary, path);
}
