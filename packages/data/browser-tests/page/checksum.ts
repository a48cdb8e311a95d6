/**
 * FNV-1a (32-bit) of some bytes, as 8 hex digits: the same code hashes data in the page and in
 * Node, so a few characters stand for megabytes in the comparison.
 *
 * @param bytes the bytes (or the bytes of a typed array).
 * @returns the hash, lowercase hex.
 * @example
 * fnv1a(new Uint8Array([1, 2, 3])); // '56cf37ab'
 */
export function fnv1a(bytes: ArrayBufferView): string {
  const view = new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let hash = 0x811c9dc5;
  for (let i = 0; i < view.length; i++) {
    hash ^= view[i]!;
    hash = Math.imul(hash, 0x01000193);
  }
  return (hash >>> 0).toString(16).padStart(8, '0');
}
