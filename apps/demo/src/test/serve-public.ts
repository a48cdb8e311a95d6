import { readFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';

/** The site's `public/` folder (committed checkpoints in `models/`). */
export const publicDirectory = fileURLToPath(new URL('../../public/', import.meta.url));

/** A static server of `public/` for Node tests of the browser loaders. */
export type PublicServer = {
  /** Its URL, ending in '/'. */
  readonly url: string;
  readonly close: () => Promise<void>;
};

/**
 * Serves `public/` over HTTP on a free local port, as `vite preview` does (404 for a missing
 * file), so tests can run the site's `fetch`-based loaders in Node.
 *
 * @returns The server's URL and a function that stops it.
 * @example
 * const server = await servePublic(); // server.url === 'http://127.0.0.1:PORT/'
 */
export function servePublic(): Promise<PublicServer> {
  const server: Server = createServer(async (request, response) => {
    const path = decodeURIComponent(new URL(request.url ?? '/', 'http://localhost').pathname);
    if (path.includes('..')) {
      response.writeHead(400).end();
      return;
    }
    try {
      const body = await readFile(`${publicDirectory}${path.slice(1)}`);
      response.writeHead(200, {
        'content-type': path.endsWith('.json') ? 'application/json' : 'application/octet-stream',
      });
      response.end(body);
    } catch {
      response.writeHead(404).end();
    }
  });
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () =>
      resolve({
        url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/`,
        close: () => new Promise((done) => server.close(() => done())),
      }),
    ),
  );
}
