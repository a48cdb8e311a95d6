import { build } from 'tsup';

/**
 * Bundles source entries into plain JavaScript for the tests that start a worker thread or a
 * process on them (`dist/` may not exist under vitest). tfjs and selfsup's packages stay external,
 * resolved from the bench's node_modules, so the bundle shares the built `@selfsup/core`.
 *
 * @param entries output name → source path.
 * @param directory where the bundles go (under the git-ignored `.selfsup-cache/`).
 * @returns when the bundles are written (`<directory><name>.js`).
 * @example await bundleForTest({ replicas: fileURLToPath(new URL('../replicas/index.ts', import.meta.url)) }, directory);
 */
export async function bundleForTest(
  entries: Readonly<Record<string, string>>,
  directory: string,
): Promise<void> {
  await build({
    config: false,
    entry: { ...entries },
    outDir: directory,
    format: ['esm'],
    platform: 'node',
    target: 'es2022',
    dts: false,
    silent: true,
    external: [/^@tensorflow\//, /^@selfsup\//],
  });
}
