import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadTextFiles } from './load-text-files';

const root = mkdtempSync(join(tmpdir(), 'selfsup-texts-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('loadTextFiles', () => {
  it('reads a flat folder of .txt files in name order, unlabeled', () => {
    const path = join(root, 'notes');
    mkdirSync(path);
    writeFileSync(join(path, 'b.txt'), 'second\nline two');
    writeFileSync(join(path, 'a.txt'), '\uFEFFfirst — ünïcode');
    const documents = loadTextFiles(path);
    expect(documents.texts).toEqual(['first — ünïcode', 'second\nline two']);
    expect(documents.files).toEqual([join(path, 'a.txt'), join(path, 'b.txt')]);
    expect(documents.labels).toBeUndefined();
    expect(documents.classNames).toBeUndefined();
    expect(documents.skipped).toEqual([]);
    expect(loadTextFiles(join(path, 'b.txt')).texts).toEqual(['second\nline two']);
  });

  it('labels class subfolders', () => {
    const path = join(root, 'reviews');
    mkdirSync(join(path, 'positive'), { recursive: true });
    mkdirSync(join(path, 'negative'), { recursive: true });
    writeFileSync(join(path, 'positive', '1.txt'), 'great');
    writeFileSync(join(path, 'negative', '1.txt'), 'awful');
    writeFileSync(join(path, 'negative', '2.txt'), 'meh');
    const documents = loadTextFiles(path);
    expect(documents.classNames).toEqual(['negative', 'positive']);
    expect(documents.texts).toEqual(['awful', 'meh', 'great']);
    expect(Array.from(documents.labels!)).toEqual([0, 0, 1]);
  });

  it('names the bad file and the fix, or skips it with a summary', () => {
    const path = join(root, 'bad');
    mkdirSync(path);
    writeFileSync(join(path, 'good.txt'), 'fine');
    writeFileSync(join(path, 'latin1.txt'), Buffer.from([0x63, 0x61, 0x66, 0xe9]));
    writeFileSync(join(path, 'table.csv'), 'a,b');
    expect(() => loadTextFiles(path)).toThrow(/table\.csv has an unsupported extension '\.csv'/);
    expect(() => loadTextFiles(join(path, 'table.csv'))).toThrow(/unsupported extension/);
    const documents = loadTextFiles(path, { skipBadFiles: true });
    expect(documents.texts).toEqual(['fine']);
    expect(documents.skipped).toEqual([
      { file: join(path, 'table.csv'), reason: expect.stringContaining('table.csv') },
      {
        file: join(path, 'latin1.txt'),
        reason: expect.stringMatching(/latin1\.txt is not valid UTF-8; re-save it/),
      },
    ]);
    expect(() => loadTextFiles(join(root, 'missing'))).toThrow(/missing does not exist/);
    const empty = join(root, 'empty');
    mkdirSync(empty);
    expect(() => loadTextFiles(empty)).toThrow(/empty holds no files; put \.txt files/);
  });
});
