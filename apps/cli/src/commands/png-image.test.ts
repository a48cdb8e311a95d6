import { inflateSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { encodePng, imageGrid } from './png-image';

/** The chunks of a PNG file: type and data, in order. */
function chunks(png: Uint8Array): { type: string; data: Buffer }[] {
  const bytes = Buffer.from(png);
  const found: { type: string; data: Buffer }[] = [];
  for (let offset = 8; offset < bytes.length; ) {
    const length = bytes.readUInt32BE(offset);
    found.push({
      type: bytes.subarray(offset + 4, offset + 8).toString('ascii'),
      data: bytes.subarray(offset + 8, offset + 8 + length),
    });
    offset += 12 + length;
  }
  return found;
}

describe('encodePng and imageGrid', () => {
  it('writes a grey PNG whose rows decode back to the pixels', () => {
    const pixels = Uint8Array.from([0, 64, 128, 255, 1, 2]);
    const png = encodePng({ width: 3, height: 2, channels: 1, pixels });
    expect([...png.subarray(0, 8)]).toEqual([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
    const [header, data, end] = chunks(png);
    expect(header?.type).toBe('IHDR');
    expect(header?.data.readUInt32BE(0)).toBe(3);
    expect(header?.data.readUInt32BE(4)).toBe(2);
    expect([header?.data[8], header?.data[9]]).toEqual([8, 0]);
    expect(end?.type).toBe('IEND');
    const raw = inflateSync(data?.data ?? Buffer.alloc(0));
    // Each row: filter byte 0, then the row's pixels.
    expect([...raw]).toEqual([0, 0, 64, 128, 0, 255, 1, 2]);
  });

  it('refuses 2 or 4 channels with the supported counts', () => {
    expect(() =>
      encodePng({ width: 1, height: 1, channels: 2, pixels: new Uint8Array(2) }),
    ).toThrow(/1 \(grey\) or 3 \(RGB\)/);
  });

  it('tiles images row by row with borders and scales [0, 1] to bytes', () => {
    // Three 1×2 images (values 0.5, 1, 0.25 everywhere), two per row, border 1.
    const values = [0.5, 0.5, 1, 1, 0.25, 0.25];
    const grid = imageGrid(values, [3, 1, 2, 1], 2, 1);
    expect([grid.width, grid.height, grid.channels]).toEqual([7, 5, 1]);
    const at = (x: number, y: number) => grid.pixels[y * grid.width + x];
    expect([at(1, 1), at(2, 1), at(4, 1), at(5, 1), at(1, 3), at(2, 3)]).toEqual([
      128, 128, 255, 255, 64, 64,
    ]);
    // Borders and the empty fourth tile stay 0.
    expect([at(0, 0), at(3, 1), at(4, 3)]).toEqual([0, 0, 0]);
  });
});
