import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readIdxFile } from './read-idx-file';

function idx(shape: number[], values: number[], extraBytes = 0): Buffer {
  const header = Buffer.alloc(4 + 4 * shape.length);
  header.writeUInt8(0x08, 2);
  header.writeUInt8(shape.length, 3);
  for (const [axis, dimension] of shape.entries()) header.writeUInt32BE(dimension, 4 + 4 * axis);
  return Buffer.concat([header, Buffer.from(values), Buffer.alloc(extraBytes)]);
}

describe('readIdxFile', () => {
  const directory = mkdtempSync(join(tmpdir(), 'selfsup-idx-'));

  it('reads the shape and bytes of a valid file', () => {
    const path = join(directory, 'valid');
    writeFileSync(path, idx([2, 3], [1, 2, 3, 4, 5, 6]));
    const array = readIdxFile(path);
    expect(array.shape).toEqual([2, 3]);
    expect(Array.from(array.values)).toEqual([1, 2, 3, 4, 5, 6]);
  });

  it('names the file when it is truncated, foreign or missing', () => {
    const truncated = join(directory, 'truncated');
    writeFileSync(truncated, idx([2, 3], [1, 2, 3]));
    expect(() => readIdxFile(truncated)).toThrow(/truncated.*needs 18 bytes, the file has 15/);
    const foreign = join(directory, 'foreign');
    writeFileSync(foreign, Buffer.from('PNG not idx'));
    expect(() => readIdxFile(foreign)).toThrow(/foreign is not an IDX file/);
    expect(() => readIdxFile(join(directory, 'missing'))).toThrow(
      /Cannot read the IDX file .*missing/,
    );
  });
});
