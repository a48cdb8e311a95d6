import { builtinModules, createRequire } from 'node:module';

/** The part of esbuild's API used here (esbuild is not a direct dependency, so no types). */
export type Esbuild = {
  build(options: {
    entryPoints: string[];
    bundle: boolean;
    write: boolean;
    platform: 'browser' | 'node';
    format: 'esm';
    logLevel?: 'silent';
    external?: string[];
    minify?: boolean;
    sourcemap?: boolean;
    define?: Record<string, string>;
    plugins?: {
      name: string;
      setup(build: {
        onResolve(
          options: { filter: RegExp },
          callback: (args: {
            path: string;
            importer: string;
          }) => { path: string; external: boolean } | undefined,
        ): void;
      }): void;
    }[];
  }): Promise<{ outputFiles?: { text: string }[] }>;
};

/** One import of a Node built-in module found in a browser bundle. */
export type NodeBuiltinImport = { readonly importer: string; readonly module: string };

/**
 * esbuild, found through tsup (a devDependency that depends on it), so that no new dependency is
 * needed to bundle in tests.
 *
 * @returns the esbuild module.
 * @example
 * await loadEsbuild().build({ entryPoints: ['page.ts'], bundle: true, write: false, platform: 'browser', format: 'esm' });
 */
export function loadEsbuild(): Esbuild {
  const require = createRequire(import.meta.url);
  const tsupRequire = createRequire(require.resolve('tsup'));
  return tsupRequire('esbuild') as Esbuild;
}

/**
 * Bundles `entry` for the browser with esbuild and lists every import of a Node built-in module
 * (`node:fs`, `path`, …) in its module graph, with the importing file.
 *
 * @param entry the entry file.
 * @param external packages left out of the bundle (as tsup leaves them), e.g. `[/^@selfsup\//]`.
 * @returns the Node built-in imports (empty when the graph is browser-safe).
 * @example
 * await nodeBuiltinImports('src/browser/index.ts', ['@selfsup/*']); // []
 */
export async function nodeBuiltinImports(
  entry: string,
  external: readonly string[],
): Promise<NodeBuiltinImport[]> {
  const esbuild = loadEsbuild();
  const builtins = new Set(builtinModules);
  const found: NodeBuiltinImport[] = [];
  await esbuild.build({
    entryPoints: [entry],
    bundle: true,
    write: false,
    platform: 'browser',
    format: 'esm',
    logLevel: 'silent',
    external: [...external],
    plugins: [
      {
        name: 'find-node-builtins',
        setup(build) {
          build.onResolve({ filter: /.*/ }, (args) => {
            const name = args.path.replace(/^node:/, '');
            if (args.path.startsWith('node:') || builtins.has(name.split('/')[0] ?? name)) {
              found.push({ importer: args.importer, module: args.path });
              return { path: args.path, external: true };
            }
            return undefined;
          });
        },
      },
    ],
  });
  return found;
}
