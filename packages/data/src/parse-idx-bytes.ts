/** A parsed IDX file (the format of MNIST and Fashion-MNIST): unsigned bytes and their shape. */
export type IdxArray = {
  readonly shape: readonly number[];
  readonly values: Uint8Array;
};

/**
 * Parses the bytes of an IDX file of unsigned bytes (type code 0x08, the format of MNIST, LeCun
 * et al. 1998), wherever they were read (`node:fs` or `fetch`): the platform-free core of
 * `readIdxFile`. The values are a view on `bytes`: no copy, no JS numbers per pixel.
 *
 * @param bytes the whole file.
 * @param source the file's path or URL, named in errors.
 * @returns the shape and the bytes.
 * @throws an Error naming `source` when the bytes are truncated or not an unsigned-byte IDX file.
 * @example
 * parseIdxBytes(new Uint8Array([0, 0, 8, 1, 0, 0, 0, 2, 7, 9]), 'labels').shape; // [2]
 */
export function parseIdxBytes(bytes: Uint8Array, source: string): IdxArray {
  if (bytes.length < 4 || bytes[0] !== 0 || bytes[1] !== 0) {
    throw new Error(`${source} is not an IDX file (bad magic number).`);
  }
  if (bytes[2] !== 0x08) {
    throw new Error(
      `${source} holds IDX type 0x${bytes[2]?.toString(16)}; only unsigned bytes (0x08) are supported.`,
    );
  }
  const rank = bytes[3]!;
  const header = 4 + 4 * rank;
  if (bytes.length < header) throw new Error(`${source} is truncated: its header is incomplete.`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const shape: number[] = [];
  for (let axis = 0; axis < rank; axis++) shape.push(view.getUint32(4 + 4 * axis, false));
  const size = shape.reduce((product, dimension) => product * dimension, 1);
  if (bytes.length !== header + size) {
    throw new Error(
      `${source} is truncated or damaged: shape ${JSON.stringify(shape)} needs ${header + size} bytes, the file has ${bytes.length}.`,
    );
  }
  return { shape, values: new Uint8Array(bytes.buffer, bytes.byteOffset + header, size) };
}
