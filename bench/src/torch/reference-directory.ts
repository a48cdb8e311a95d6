import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The absolute path of `bench/reference/` (the PyTorch reference scripts), found by walking up
 * from this module, so it works from `src/` (tests) and from the bundled `dist/cli.js`.
 *
 * @returns the directory path.
 * @example join(referenceDirectory(), 'gpt_step.py')
 */
export function referenceDirectory(): string {
  let directory = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const candidate = join(directory, 'reference');
    if (existsSync(join(candidate, '_timing.py'))) return candidate;
    const parent = dirname(directory);
    if (parent === directory) {
      throw new Error(
        'Cannot find bench/reference/_timing.py above the bench module: is the bench package complete?',
      );
    }
    directory = parent;
  }
}
