import { mkdir, open, rename, rm } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';

/**
 * Writes a file atomically: the bytes go to a temporary sibling, which is flushed (fsync) and then
 * renamed over `path`, so readers see the old file or the complete new one.
 *
 * @param path the file (its directory is created if needed).
 * @param data the content.
 * @example await writeFileAtomically('out/loss.svg', svg);
 */
export async function writeFileAtomically(path: string, data: string | Uint8Array): Promise<void> {
  const directory = dirname(path);
  await mkdir(directory, { recursive: true });
  const temporary = join(directory, `.${basename(path)}.partial-${process.pid}-${Date.now()}`);
  try {
    const handle = await open(temporary, 'w');
    try {
      await handle.writeFile(data);
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(temporary, path);
  } catch (error) {
    await rm(temporary, { force: true });
    throw error;
  }
}
