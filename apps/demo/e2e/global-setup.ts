import { fileURLToPath } from 'node:url';
import { build, type PreviewServer, preview } from 'vite';
import type { TestProject } from 'vitest/node';

declare module 'vitest' {
  export interface ProvidedContext {
    /** Where `vite preview` serves the freshly built site, ending in '/'. */
    demoUrl: string;
  }
}

const root = fileURLToPath(new URL('..', import.meta.url));

/**
 * Builds the site exactly as `pnpm --filter demo build` does (which also writes the MNIST
 * subset), serves `dist/` with `vite preview` on a free port, and hands its URL to the tests.
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  await build({ root, logLevel: 'warn', configFile: `${root}vite.config.ts` });
  const server: PreviewServer = await preview({
    root,
    configFile: `${root}vite.config.ts`,
    logLevel: 'warn',
    preview: { port: 0, host: '127.0.0.1', strictPort: false },
  });
  const url = server.resolvedUrls?.local[0];
  if (url === undefined) throw new Error('vite preview did not report a local URL.');
  project.provide('demoUrl', url.endsWith('/') ? url : `${url}/`);
  return async () => {
    await server.close();
  };
}
