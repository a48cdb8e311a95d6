import { existsSync, readdirSync, statSync } from 'node:fs';
import { mkdir, rm } from 'node:fs/promises';
import { UsageError } from '../commands/parse-flags';

/**
 * Makes an output directory ready for a new run without ever overwriting one silently: a missing
 * or empty directory is used as is; a directory with files is refused unless `force`, which
 * deletes it first.
 *
 * @param directory the output directory.
 * @param force replace an existing, non-empty directory.
 * @param resumable the command has `--resume` (`selfsup pretrain`): the refusal mentions it.
 * @returns nothing once the directory exists and is empty.
 * @throws UsageError when the directory holds files and `force` is off (or it is a file).
 * @example await prepareOutputDirectory('runs/simclr', false);
 */
export async function prepareOutputDirectory(
  directory: string,
  force: boolean,
  resumable = false,
): Promise<void> {
  if (existsSync(directory)) {
    if (!statSync(directory).isDirectory()) {
      throw new UsageError(
        `--out ${directory} is a file, not a directory: choose another --out path.`,
      );
    }
    if (readdirSync(directory).length > 0) {
      if (!force) {
        throw new UsageError(
          `--out ${directory} already holds files (an earlier run?). ` +
            `${resumable ? 'Pass --resume to continue that run, ' : 'Pass '}--force to delete and replace it, or choose another --out.`,
        );
      }
      await rm(directory, { recursive: true, force: true });
    }
  }
  await mkdir(directory, { recursive: true });
}

/**
 * Refuses to replace an existing output file unless `force`.
 *
 * @param path the file about to be written.
 * @param force allow replacing it.
 * @returns nothing when the path is free (or may be replaced).
 * @throws UsageError naming the file and the `--force` flag.
 * @example checkOutputFile('embeddings.npy', false);
 */
export function checkOutputFile(path: string, force: boolean): void {
  if (existsSync(path) && !force) {
    throw new UsageError(
      `${path} already exists: pass --force to replace it, or choose another --out.`,
    );
  }
}
