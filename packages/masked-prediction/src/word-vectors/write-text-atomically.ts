/**
 * Writes a text file atomically (Node only): the text goes to a temporary sibling, which is
 * flushed and renamed over `path`, so readers see the old file or the whole new one. `node:fs` is
 * imported when called, so browser bundles of the package never load it. Core has the same helper
 * (`writeFileAtomically`) but does not export it yet.
 *
 * @param path the file; its directory is created if needed.
 * @param text the content (UTF-8).
 * @example await writeTextAtomically('out/vectors.txt', text);
 */
export async function writeTextAtomically(path: string, text: string): Promise<void> {
  const { mkdir, open, rename, rm } = await import('node:fs/promises');
  const { basename, dirname, join } = await import('node:path');
  const directory = dirname(path);
  await mkdir(directory, { recursive: true });
  const temporary = join(directory, `.${basename(path)}.partial-${process.pid}-${Date.now()}`);
  try {
    const handle = await open(temporary, 'w');
    try {
      await handle.writeFile(text, 'utf8');
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
