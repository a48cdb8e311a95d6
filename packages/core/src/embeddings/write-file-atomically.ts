/**
 * Atomic single-file writes (Node only: imports `node:fs`; the rest of `embeddings/` imports this
 * module lazily so browser bundles never pull it in).
 */
import { mkdir, rename, rm } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { syncDirectory, writeFileDurably } from '../checkpoint/checkpoint-files';

/**
 * Writes a file atomically: the bytes go to a temporary sibling, which is flushed and then renamed
 * over `path`, so readers see the old file or the complete new one, never a partial one.
 *
 * @param path the file to write (its directory is created if needed).
 * @param data the content.
 * @example await writeFileAtomically('out/embeddings.csv', csvText);
 */
export async function writeFileAtomically(path: string, data: string | Uint8Array): Promise<void> {
  const directory = dirname(path);
  await mkdir(directory, { recursive: true });
  const temporary = join(directory, `.${basename(path)}.partial-${process.pid}-${Date.now()}`);
  try {
    await writeFileDurably(temporary, data);
    await rename(temporary, path);
  } catch (error) {
    await rm(temporary, { force: true });
    throw error;
  }
  await syncDirectory(directory);
}
