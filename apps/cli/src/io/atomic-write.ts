import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';

/**
 * Writes a file atomically: the bytes go to a temporary sibling, which is then renamed over the
 * target, so a reader (or a crash) never sees half a file.
 *
 * @param path the file to write (its directory is created when missing).
 * @param data the contents.
 * @returns nothing once the file is in place.
 * @example await writeFileAtomically('runs/a/result.json', '{}\n');
 */
export async function writeFileAtomically(path: string, data: string | Uint8Array): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  const temporary = `${path}.${process.pid}.${Date.now()}.tmp`;
  try {
    await writeFile(temporary, data);
    await rename(temporary, path);
  } catch (error) {
    await rm(temporary, { force: true });
    throw error;
  }
}

/**
 * Writes a value as pretty-printed JSON, atomically.
 *
 * @param path the file to write.
 * @param value any JSON-serialisable value.
 * @returns nothing once the file is in place.
 * @example await writeJsonAtomically('runs/a/run.json', { method: 'simclr' });
 */
export async function writeJsonAtomically(path: string, value: unknown): Promise<void> {
  await writeFileAtomically(path, `${JSON.stringify(value, null, 2)}\n`);
}
