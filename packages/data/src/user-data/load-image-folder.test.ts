import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { initBackend } from '@selfsup/core';
import * as tf from '@tensorflow/tfjs';
import jpeg from 'jpeg-js';
import pngjs from 'pngjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ImageBatch, imageBatchSource } from '../image-batch-source';
import { convertImage, decodeImageFile } from './decode-image-file';
import { loadImageFolder } from './load-image-folder';

const root = mkdtempSync(join(tmpdir(), 'selfsup-images-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

/** RGBA bytes where pixel (y, x) is (r, g, b) = (seed + 10y, seed + x, seed + y + x), alpha 255. */
function pattern(height: number, width: number, seed: number): Uint8Array {
  const rgba = new Uint8Array(height * width * 4);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const offset = (y * width + x) * 4;
      rgba.set([seed + 10 * y, seed + x, seed + y + x, 255], offset);
    }
  }
  return rgba;
}

function writePng(path: string, height: number, width: number, rgba: Uint8Array): void {
  const png = new pngjs.PNG({ width, height });
  png.data.set(rgba);
  writeFileSync(path, pngjs.PNG.sync.write(png));
}

function writeJpeg(path: string, height: number, width: number, rgba: Uint8Array): void {
  writeFileSync(path, jpeg.encode({ data: rgba, width, height }, 100).data);
}

function folder(...parts: string[]): string {
  const path = join(root, ...parts);
  mkdirSync(path, { recursive: true });
  return path;
}

function writePets(): void {
  const path = folder('pets');
  mkdirSync(join(path, 'dog'));
  mkdirSync(join(path, 'cat'));
  writePng(join(path, 'dog', 'b.png'), 3, 4, pattern(3, 4, 100));
  writePng(join(path, 'dog', 'a.png'), 3, 4, pattern(3, 4, 50));
  writePng(join(path, 'cat', 'z.png'), 3, 4, pattern(3, 4, 0));
  writeFileSync(join(path, 'cat', '.DS_Store'), 'ignored');
}

describe('loadImageFolder', () => {
  beforeAll(writePets);

  it('reads class subfolders of PNGs with exact pixels, sorted classes and labels', () => {
    const path = join(root, 'pets');
    const dataset = loadImageFolder(path);
    expect(dataset).toMatchObject({ id: 'pets', split: 'train', count: 3, height: 3, width: 4 });
    expect(dataset.channels).toBe(3);
    expect(dataset.classNames).toEqual(['cat', 'dog']);
    expect(Array.from(dataset.labels)).toEqual([0, 1, 1]);
    expect(dataset.files).toEqual([
      join(path, 'cat', 'z.png'),
      join(path, 'dog', 'a.png'),
      join(path, 'dog', 'b.png'),
    ]);
    expect(dataset.skipped).toEqual([]);
    expect(dataset.images).toBeInstanceOf(Uint8Array);
    expect(dataset.images.length).toBe(3 * 3 * 4 * 3);
    // Image 1 (dog/a.png, seed 50), pixel (y=2, x=3): (50 + 20, 50 + 3, 50 + 5).
    const offset = 1 * 36 + (2 * 4 + 3) * 3;
    expect(Array.from(dataset.images.subarray(offset, offset + 3))).toEqual([70, 53, 55]);
    const expected = new Uint8Array(36);
    for (let pixel = 0; pixel < 12; pixel++) {
      expected.set(pattern(3, 4, 0).subarray(pixel * 4, pixel * 4 + 3), pixel * 3);
    }
    expect(dataset.images.subarray(0, 36)).toEqual(expected);
  });

  it('reads a flat folder as unlabeled (labels 0, no class names), grey with luma', () => {
    const path = folder('flat');
    writePng(join(path, 'one.png'), 2, 2, pattern(2, 2, 30));
    writePng(join(path, 'two.png'), 2, 2, pattern(2, 2, 60));
    const dataset = loadImageFolder(path, { channels: 1 });
    expect(dataset.classNames).toEqual([]);
    expect(Array.from(dataset.labels)).toEqual([0, 0]);
    expect(dataset.channels).toBe(1);
    // one.png pixel (1, 1) = (40, 31, 32): luma 0.299·40 + 0.587·31 + 0.114·32 = 33.845 → 34.
    expect(dataset.images[3]).toBe(34);
    expect(dataset.images.length).toBe(8);
  });

  it('reads grey and 16-bit PNGs, and files nested below a class folder', () => {
    const path = folder('depths');
    mkdirSync(join(path, 'only', 'deeper'), { recursive: true });
    const grey = new pngjs.PNG({ width: 2, height: 1 });
    grey.data.set([7, 7, 7, 255, 250, 250, 250, 255]);
    writeFileSync(join(path, 'only', 'grey.png'), pngjs.PNG.sync.write(grey, { colorType: 0 }));
    // pngjs packs 16-bit input as little-endian uint16 channels; v × 257 reads back as v.
    const deep = new pngjs.PNG({ width: 2, height: 1 });
    const wide = Uint16Array.from([10, 20, 30, 0, 40, 50, 60, 128], (value) => value * 257);
    deep.data = Buffer.from(wide.buffer);
    writeFileSync(
      join(path, 'only', 'deeper', 'deep.png'),
      pngjs.PNG.sync.write(deep, { colorType: 6, bitDepth: 16 }),
    );
    const dataset = loadImageFolder(path, { channels: 1 });
    expect(dataset.classNames).toEqual(['only']);
    expect(dataset.files).toEqual([
      join(path, 'only', 'deeper', 'deep.png'),
      join(path, 'only', 'grey.png'),
    ]);
    // Alpha is dropped; luma of (10, 20, 30) = 18.15 → 18, of (40, 50, 60) = 48.15 → 48.
    expect(Array.from(dataset.images)).toEqual([18, 48, 7, 250]);
  });

  it('decodes JPEGs (colour within JPEG error) and one file path', () => {
    const path = folder('jpegs');
    const solid = new Uint8Array(8 * 8 * 4).map((_, i) => [200, 40, 90, 255][i % 4]!);
    writeJpeg(join(path, 'solid.jpg'), 8, 8, solid);
    const dataset = loadImageFolder(join(path, 'solid.jpg'));
    expect(dataset).toMatchObject({ count: 1, height: 8, width: 8, channels: 3, classNames: [] });
    for (let pixel = 0; pixel < 64; pixel++) {
      const [r, g, b] = dataset.images.subarray(pixel * 3, pixel * 3 + 3);
      expect(Math.abs(r! - 200) + Math.abs(g! - 40) + Math.abs(b! - 90)).toBeLessThanOrEqual(6);
    }
  });

  it('needs size for mixed sizes, then resizes (nearest exactly, bilinear as tf.image)', async () => {
    const path = folder('mixed');
    writePng(join(path, 'a.png'), 4, 4, pattern(4, 4, 0));
    writeJpeg(join(path, 'b.jpeg'), 8, 6, pattern(8, 6, 20));
    expect(() => loadImageFolder(path)).toThrow(
      /b\.jpeg is 8×6 but .*a\.png is 4×4; pass size: \[4, 4\]/,
    );
    const nearest = loadImageFolder(path, { size: [2, 2], resize: 'nearest' });
    expect(nearest).toMatchObject({ count: 2, height: 2, width: 2 });
    // 4×4 → 2×2 nearest: output row/column i reads source floor((i + 0.5) · 2), i.e. 1 and 3.
    const source = pattern(4, 4, 0);
    const pick = (y: number, x: number) =>
      Array.from(source.subarray((y * 4 + x) * 4, (y * 4 + x) * 4 + 3));
    expect(Array.from(nearest.images.subarray(0, 12))).toEqual([
      ...pick(1, 1),
      ...pick(1, 3),
      ...pick(3, 1),
      ...pick(3, 3),
    ]);
    await initBackend({ backend: 'cpu' });
    const rgb = tf.tensor4d(
      Array.from(source).filter((_, i) => i % 4 !== 3),
      [1, 4, 4, 3],
    );
    const reference = tf.image.resizeBilinear(rgb, [3, 5], false, true);
    const target = new Uint8Array(3 * 5 * 3);
    convertImage({ height: 4, width: 4, rgba: source }, 3, 5, 3, 'bilinear', target);
    const expected = Array.from(await reference.data()).map(Math.round);
    tf.dispose([rgb, reference]);
    expect(Array.from(target)).toEqual(expected);
  });

  it('feeds imageBatchSource', async () => {
    await initBackend({ backend: 'cpu' });
    const dataset = loadImageFolder(join(root, 'pets'), { size: [2, 2] });
    const source = imageBatchSource(dataset, { batchSize: 3, shuffle: false });
    const iterator = source.batches({ position: 0, seed: 1 }) as Iterator<ImageBatch>;
    const batch = iterator.next().value as ImageBatch;
    expect(batch.images.shape).toEqual([3, 2, 2, 3]);
    expect(Array.from(await batch.labels.data())).toEqual([0, 1, 1]);
    const pixels = await batch.images.data();
    expect(pixels.every((value) => value >= 0 && value <= 1)).toBe(true);
    tf.dispose([batch.images, batch.labels]);
  });

  it('names the file and the fix for a missing path, an empty folder, a mixed folder', () => {
    expect(() => loadImageFolder(join(root, 'nowhere'))).toThrow(/nowhere does not exist/);
    expect(() => loadImageFolder(folder('empty'))).toThrow(/empty holds no files; put \.png/);
    const mixed = folder('half');
    mkdirSync(join(mixed, 'cat'));
    writePng(join(mixed, 'cat', 'a.png'), 1, 1, pattern(1, 1, 0));
    writePng(join(mixed, 'loose.png'), 1, 1, pattern(1, 1, 0));
    expect(() => loadImageFolder(mixed)).toThrow(/loose\.png.*move every file into a class/);
    expect(() => loadImageFolder(join(root, 'pets'), { size: [0, 2] })).toThrow(/size must be/);
  });

  it('rejects truncated PNGs, garbage JPEGs and other extensions, or skips them with a summary', () => {
    const path = folder('bad', 'images');
    writePng(join(path, 'good.png'), 2, 3, pattern(2, 3, 9));
    writePng(join(path, 'cut.png'), 2, 3, pattern(2, 3, 9));
    const bytes = readFileSync(join(path, 'cut.png'));
    writeFileSync(join(path, 'cut.png'), bytes.subarray(0, bytes.length - 20));
    writeFileSync(join(path, 'noise.jpg'), 'this is not a jpeg at all');
    writeJpeg(join(path, 'short.jpg'), 16, 16, pattern(16, 16, 0));
    const jpegBytes = readFileSync(join(path, 'short.jpg'));
    writeFileSync(join(path, 'short.jpg'), jpegBytes.subarray(0, jpegBytes.length >> 1));
    writeFileSync(join(path, 'notes.gif'), 'GIF89a');
    expect(() => loadImageFolder(path)).toThrow(
      /notes\.gif has an unsupported extension '\.gif'; convert it to \.png, \.jpg, \.jpeg.*skipBadFiles/,
    );
    rmSync(join(path, 'notes.gif'));
    expect(() => loadImageFolder(path)).toThrow(
      /cut\.png is not a readable PNG.*corrupt or truncated/,
    );
    writeFileSync(join(path, 'notes.gif'), 'GIF89a');
    const dataset = loadImageFolder(path, { skipBadFiles: true });
    expect(dataset.count).toBe(1);
    expect(dataset.files).toEqual([join(path, 'good.png')]);
    expect(dataset.images.length).toBe(2 * 3 * 3);
    expect(dataset.skipped.map(({ file }) => file).sort()).toEqual(
      ['cut.png', 'noise.jpg', 'notes.gif', 'short.jpg'].map((name) => join(path, name)),
    );
    for (const { file, reason } of dataset.skipped) expect(reason).toContain(file);
    expect(() => decodeImageFile(join(path, 'noise.jpg'))).toThrow(
      /noise\.jpg is not a readable JPEG/,
    );
    expect(() => decodeImageFile(join(path, 'short.jpg'))).toThrow(
      /short\.jpg is not a readable JPEG/,
    );
    rmSync(join(path, 'good.png'));
    expect(() => loadImageFolder(path, { skipBadFiles: true })).toThrow(
      /no readable PNG or JPEG image in .*\(4 skipped/,
    );
  });
});
