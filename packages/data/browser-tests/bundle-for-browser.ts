import { builtinModules } from 'node:module';
import { loadEsbuild } from '../src/browser/node-builtin-imports';

/**
 * Bundles a page script for the browser with esbuild (one ES module, as a Vite build would).
 * Node built-ins reached only by `@selfsup/core`'s lazy checkpoint code (dynamic `import('path')`,
 * never run in a page) stay external.
 *
 * @param entry the page's entry file.
 * @returns the bundled JavaScript.
 * @example
 * const script = await bundleForBrowser('browser-tests/page/parity-page.ts');
 */
export async function bundleForBrowser(entry: string): Promise<string> {
  const builtins = [...builtinModules, ...builtinModules.map((name) => `node:${name}`)];
  const result = await loadEsbuild().build({
    entryPoints: [entry],
    bundle: true,
    write: false,
    platform: 'browser',
    format: 'esm',
    logLevel: 'silent',
    external: builtins,
    define: { 'process.env.NODE_ENV': '"production"' },
  });
  const text = result.outputFiles?.[0]?.text;
  if (text === undefined) throw new Error(`esbuild wrote nothing for ${entry}.`);
  return text;
}
