/**
 * The NumPy `.npy` file format, version 1.0 (NEP 1, "A Simple File Format for NumPy Arrays";
 * https://numpy.org/doc/stable/reference/generated/numpy.lib.format.html), for the two dtypes
 * selfsup writes: little-endian float32 (`<f4`) and int32 (`<i4`).
 */

const MAGIC = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]; // "\x93NUMPY"
/** Magic (6) + version (2) + header length (2). */
const PREAMBLE_BYTES = 10;
/** NumPy pads the preamble + header to a multiple of 64 bytes so the data is aligned. */
const ALIGNMENT = 64;

/** The `.npy` header dict, as NumPy writes it: `{'descr': '<f4', 'fortran_order': False, 'shape': (N, D), }`. */
function headerDict(descr: string, shape: readonly number[]): string {
  const dimensions = shape.length === 1 ? `(${shape[0]},)` : `(${shape.join(', ')})`;
  return `{'descr': '${descr}', 'fortran_order': False, 'shape': ${dimensions}, }`;
}

/**
 * Encodes a C-order array as a `.npy` (version 1.0) file: magic, version, header dict padded with
 * spaces and a final newline to a multiple of 64 bytes, then the little-endian values.
 *
 * @param values the values, row-major: `Float32Array` gives `<f4`, `Int32Array` gives `<i4`.
 * @param shape the array shape; its product must equal `values.length`.
 * @returns the file bytes (`numpy.load` reads them).
 * @example await writeFile('x.npy', encodeNpy(new Float32Array([1, 2, 3, 4]), [2, 2]));
 */
export function encodeNpy(values: Float32Array | Int32Array, shape: readonly number[]): Uint8Array {
  const count = shape.reduce((product, size) => product * size, 1);
  if (shape.some((size) => !Number.isInteger(size) || size < 0) || count !== values.length) {
    throw new Error(
      `Cannot write ${values.length} values as a .npy of shape ${JSON.stringify(shape)}: the shape's product must equal the number of values.`,
    );
  }
  const descr = values instanceof Float32Array ? '<f4' : '<i4';
  const dict = headerDict(descr, shape);
  // Spaces then '\n' so that preamble + header is a multiple of 64 bytes.
  const unpadded = PREAMBLE_BYTES + dict.length + 1;
  const headerLength = dict.length + 1 + ((ALIGNMENT - (unpadded % ALIGNMENT)) % ALIGNMENT);
  const header = `${dict.padEnd(headerLength - 1, ' ')}\n`;
  const bytes = new Uint8Array(PREAMBLE_BYTES + headerLength + values.length * 4);
  bytes.set(MAGIC, 0);
  bytes[6] = 1; // major version
  bytes[7] = 0; // minor version
  const view = new DataView(bytes.buffer);
  view.setUint16(8, headerLength, true);
  for (let i = 0; i < header.length; i++) bytes[PREAMBLE_BYTES + i] = header.charCodeAt(i);
  const offset = PREAMBLE_BYTES + headerLength;
  if (values instanceof Float32Array) {
    for (let i = 0; i < values.length; i++) view.setFloat32(offset + i * 4, values[i]!, true);
  } else {
    for (let i = 0; i < values.length; i++) view.setInt32(offset + i * 4, values[i]!, true);
  }
  return bytes;
}
