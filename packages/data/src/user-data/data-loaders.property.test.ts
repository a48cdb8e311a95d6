import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import pngjs from 'pngjs';
import { describe, expect, it } from 'vitest';
import { parseIdxBytes } from '../parse-idx-bytes';
import { readWav, writeWav } from '../synthetic/wav-file';
import { decodeImageFile } from './decode-image-file';
import { loadCsv } from './load-csv';
import { loadImageFolder } from './load-image-folder';
import { loadJsonl } from './load-jsonl';
import { loadTextFiles } from './load-text-files';
import { loadWavFolder } from './load-wav-folder';

// Property-based tests (fast-check) of the data loaders on broken files: a valid file cut at any
// length, random bytes, wrong columns, huge lines and empty folders either load or fail with an
// Error that names the file (never a crash deep inside a decoder, never a hang).
const directory = mkdtempSync(join(tmpdir(), 'selfsup-loaders-property-'));
let fileCount = 0;
const fresh = (name: string): string => join(directory, `${fileCount++}-${name}`);

function validIdx(): Uint8Array {
  const header = Buffer.alloc(12);
  header.writeUInt8(0x08, 2);
  header.writeUInt8(2, 3);
  header.writeUInt32BE(3, 4);
  header.writeUInt32BE(4, 8);
  return Buffer.concat([header, Buffer.from(Array.from({ length: 12 }, (_, index) => index))]);
}

function validPng(): Buffer {
  const png = new pngjs.PNG({ width: 4, height: 3 });
  png.data.fill(200);
  return pngjs.PNG.sync.write(png);
}

function validWav(): Uint8Array {
  const path = fresh('valid.wav');
  writeWav(
    path,
    Float32Array.from({ length: 64 }, (_, index) => Math.sin(index)),
    8000,
  );
  return readFileSync(path);
}

/** A valid file cut at any length, or random bytes. */
const damaged = (valid: Uint8Array): fc.Arbitrary<Uint8Array> =>
  fc.oneof(
    fc.integer({ min: 0, max: valid.length - 1 }).map((length) => valid.subarray(0, length)),
    fc.uint8Array({ maxLength: 200 }),
  );

describe('data loaders on damaged files, property-based', () => {
  it('IDX: any truncation or random bytes fails with an Error naming the source', () => {
    fc.assert(
      fc.property(damaged(validIdx()), (bytes) => {
        expect(() => parseIdxBytes(bytes, 'digits.idx')).toThrow(/digits\.idx/);
      }),
      { numRuns: 200 },
    );
  });

  it('WAV: any truncation or random bytes fails with an Error naming the file, in a folder too', () => {
    const valid = validWav();
    fc.assert(
      fc.property(damaged(valid), (bytes) => {
        expect(() => readWav(bytes, 'clip.wav')).toThrow(/clip\.wav/);
      }),
      { numRuns: 200 },
    );
    const folder = fresh('wavs');
    mkdirSync(folder);
    writeFileSync(join(folder, 'broken.wav'), valid.subarray(0, valid.length >> 1));
    expect(() => loadWavFolder(folder)).toThrow(/broken\.wav/);
  });

  it('PNG: any truncation or random bytes fails with an Error naming the file', () => {
    const valid = validPng();
    fc.assert(
      fc.property(damaged(valid), (bytes) => {
        const path = fresh('image.png');
        writeFileSync(path, bytes);
        expect(() => decodeImageFile(path)).toThrow(new RegExp(`${fileCount - 1}-image\\.png`));
      }),
      { numRuns: 100 },
    );
  });

  it('CSV: any column name that is not in the header is named with the columns that exist', () => {
    const path = fresh('messages.csv');
    writeFileSync(path, 'text,label\nhello,ham\nbuy now,spam\n');
    fc.assert(
      fc.property(
        fc.string({ maxLength: 12 }).filter((name) => name !== 'text' && name !== 'label'),
        (column) => {
          const named = (message: string): boolean =>
            message.includes('messages.csv has no column') &&
            message.includes(`'${column}'`) &&
            message.includes("(its columns: 'text', 'label')");
          for (const options of [
            { textColumn: column },
            { textColumn: 'text', labelColumn: column },
          ]) {
            let message = '';
            try {
              loadCsv(path, options);
            } catch (error) {
              message = (error as Error).message;
            }
            expect(named(message), message).toBe(true);
          }
        },
      ),
      { numRuns: 100 },
    );
  });

  it('CSV and JSONL: a huge line (8 MB) loads without a hang, and random text loads or names the file', () => {
    const huge = 'x'.repeat(8 * 2 ** 20);
    const csv = fresh('huge.csv');
    writeFileSync(csv, `text,label\n${huge},a\nshort,b\n`);
    const fromCsv = loadCsv(csv, { textColumn: 'text', labelColumn: 'label' });
    expect(fromCsv.texts[0]?.length).toBe(huge.length);
    const jsonl = fresh('huge.jsonl');
    writeFileSync(jsonl, `${JSON.stringify({ text: huge })}\n{"text":"short"}\n`);
    expect(loadJsonl(jsonl, { textField: 'text' }).texts[0]?.length).toBe(huge.length);
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 300 }), (text) => {
        const path = fresh('random.jsonl');
        writeFileSync(path, text);
        try {
          loadJsonl(path, { textField: 'text' });
        } catch (error) {
          expect(error).toBeInstanceOf(Error);
          expect((error as Error).message).toContain('random.jsonl');
        }
      }),
      { numRuns: 200 },
    );
  });

  it('empty folders are refused naming the folder, for images, WAVs and texts', () => {
    const empty = fresh('empty');
    mkdirSync(empty);
    for (const load of [loadImageFolder, loadWavFolder, loadTextFiles]) {
      expect(() => load(empty)).toThrow(new RegExp(`${fileCount - 1}-empty`));
    }
  });
});
