import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { cacheDirectoryVariable, resolveCacheDirectory, writeFileAtomic } from './dataset-cache';

const saved = process.env[cacheDirectoryVariable];
const directories: string[] = [];
function temporaryDirectory(): string {
  const directory = mkdtempSync(join(tmpdir(), 'selfsup-cache-test-'));
  directories.push(directory);
  return directory;
}

afterEach(() => {
  if (saved === undefined) delete process.env[cacheDirectoryVariable];
  else process.env[cacheDirectoryVariable] = saved;
  for (const directory of directories.splice(0))
    rmSync(directory, { recursive: true, force: true });
});

describe('resolveCacheDirectory', () => {
  it('uses $SELFSUP_CACHE_DIR when set, creating it', () => {
    const directory = join(temporaryDirectory(), 'nested', 'cache');
    process.env[cacheDirectoryVariable] = directory;
    expect(resolveCacheDirectory()).toBe(directory);
    expect(readdirSync(directory)).toEqual([]);
  });

  it('defaults to node_modules/.cache/selfsup near the package', () => {
    delete process.env[cacheDirectoryVariable];
    expect(resolveCacheDirectory()).toMatch(/node_modules[\\/]\.cache[\\/]selfsup$/);
  });

  it('names the variable when the override cannot be written', () => {
    const file = join(temporaryDirectory(), 'a-file');
    writeFileSync(file, 'x');
    process.env[cacheDirectoryVariable] = join(file, 'cache');
    expect(() => resolveCacheDirectory()).toThrow(/SELFSUP_CACHE_DIR=.* cannot be created/);
  });
});

describe('writeFileAtomic', () => {
  it('replaces the file whole and leaves no temporary file behind', () => {
    const directory = temporaryDirectory();
    const path = join(directory, 'sub', 'data.bin');
    writeFileAtomic(path, new Uint8Array([1, 2, 3]));
    writeFileAtomic(path, new Uint8Array([4, 5]));
    expect([...readFileSync(path)]).toEqual([4, 5]);
    expect(readdirSync(join(directory, 'sub'))).toEqual(['data.bin']);
  });

  it('reports the path when the write fails and cleans up', () => {
    const directory = temporaryDirectory();
    const path = join(directory, 'target');
    writeFileSync(join(directory, 'occupied'), 'x');
    // Renaming a file over a non-empty directory fails.
    writeFileAtomic(join(path, 'inside'), 'y');
    expect(() => writeFileAtomic(path, 'z')).toThrow(/Cannot write the cache file .*target/);
    expect(readdirSync(directory).sort()).toEqual(['occupied', 'target']);
  });
});
