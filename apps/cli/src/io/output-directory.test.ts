import { existsSync, mkdirSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkOutputFile, prepareOutputDirectory } from './output-directory';

describe('output directories and files', () => {
  it('uses a new or empty directory, refuses one with files unless forced', async () => {
    const root = mkdtempSync(join(tmpdir(), 'selfsup-out-'));
    await prepareOutputDirectory(join(root, 'new'), false);
    expect(existsSync(join(root, 'new'))).toBe(true);
    await prepareOutputDirectory(join(root, 'new'), false);
    mkdirSync(join(root, 'used'));
    writeFileSync(join(root, 'used', 'result.json'), '{}');
    await expect(prepareOutputDirectory(join(root, 'used'), false)).rejects.toThrow(
      /already holds files.*Pass --force/,
    );
    // Only commands with --resume suggest it.
    await expect(prepareOutputDirectory(join(root, 'used'), false, true)).rejects.toThrow(
      /Pass --resume to continue that run, --force/,
    );
    expect(readdirSync(join(root, 'used'))).toEqual(['result.json']);
    await prepareOutputDirectory(join(root, 'used'), true);
    expect(readdirSync(join(root, 'used'))).toEqual([]);
    await expect(
      prepareOutputDirectory(join(root, 'used', '..', 'used'), false),
    ).resolves.toBeUndefined();
    writeFileSync(join(root, 'file'), 'x');
    await expect(prepareOutputDirectory(join(root, 'file'), true)).rejects.toThrow(/is a file/);
  });

  it('refuses to replace an existing file unless forced', () => {
    const root = mkdtempSync(join(tmpdir(), 'selfsup-out-'));
    const path = join(root, 'embeddings.npy');
    expect(() => checkOutputFile(path, false)).not.toThrow();
    writeFileSync(path, 'x');
    expect(() => checkOutputFile(path, false)).toThrow(/already exists: pass --force/);
    expect(() => checkOutputFile(path, true)).not.toThrow();
  });
});
