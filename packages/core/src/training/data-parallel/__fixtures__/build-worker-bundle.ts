import { rm } from 'node:fs/promises';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { build } from 'tsup';

/** A plain-JavaScript build of the worker entry and the test workloads, for worker threads in tests. */
export type WorkerBundle = {
  /** The worker entry module. */
  readonly workerEntry: URL;
  /** The URL of a bundled fixture module: `'tiny-gpt-workload'`, `'tiny-simclr-workload'` or `'collective-checks'`. */
  moduleUrl(name: 'tiny-gpt-workload' | 'tiny-simclr-workload' | 'collective-checks'): string;
  /** Deletes the build. */
  remove(): Promise<void>;
};

/**
 * Bundles the worker entry and the fixtures from source (tsup, no types) into
 * `packages/core/.selfsup-cache/` (git-ignored; inside the package so that `@tensorflow/tfjs`
 * resolves from its node_modules). Worker threads need plain JavaScript, and tests must not
 * rebuild `packages/core/dist`.
 *
 * @param name a name for the build folder (one per test file: they run in parallel).
 * @returns where the modules are.
 */
export async function buildWorkerBundle(name: string): Promise<WorkerBundle> {
  const directory = fileURLToPath(
    new URL(`../../../../.selfsup-cache/data-parallel-${name}-${process.pid}/`, import.meta.url),
  );
  const source = (file: string): string => fileURLToPath(new URL(file, import.meta.url));
  await build({
    config: false,
    entry: {
      'data-parallel-worker': source('../data-parallel-worker-entry.ts'),
      'tiny-gpt-workload': source('./tiny-gpt-workload.ts'),
      'collective-checks': source('./collective-checks.ts'),
      'tiny-simclr-workload': source('./tiny-simclr-workload.ts'),
    },
    outDir: directory,
    format: ['esm'],
    platform: 'node',
    target: 'es2022',
    dts: false,
    sourcemap: false,
    splitting: true,
    clean: true,
    silent: true,
    external: [/^@tensorflow\//, 'zod', 'umap-js'],
  });
  return {
    workerEntry: pathToFileURL(`${directory}data-parallel-worker.js`),
    moduleUrl: (module) => pathToFileURL(`${directory}${module}.js`).href,
    remove: () => rm(directory, { recursive: true, force: true }),
  };
}
