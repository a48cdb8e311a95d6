import { createReadStream, statSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, join, normalize, sep } from 'node:path';

/** A running local static server. */
export type StaticServer = {
  /** Its root URL, e.g. `http://127.0.0.1:39211/`. */
  readonly url: string;
  /** Stops it. */
  close(): Promise<void>;
};

const contentTypes: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.json': 'application/json',
  '.txt': 'text/plain; charset=utf-8',
};

/**
 * Serves a folder (and some in-memory files) over HTTP on a free localhost port, as a static
 * host such as Vite's public folder would: for tests of the static dataset export.
 *
 * @param directory the folder served at `/`.
 * @param extra in-memory files by URL path (e.g. `{ '/index.html': '<!doctype html>…' }`), served
 *   before the folder.
 * @returns the server's URL and `close()`.
 * @example
 * const server = await serveStaticDirectory('/tmp/datasets');
 * const datasets = createBrowserDatasets(server.url);
 */
export async function serveStaticDirectory(
  directory: string,
  extra: Readonly<Record<string, string>> = {},
): Promise<StaticServer> {
  const root = normalize(directory);
  const server = createServer((request, response) => {
    const path = decodeURIComponent(new URL(request.url ?? '/', 'http://localhost').pathname);
    const type = contentTypes[extname(path)] ?? 'application/octet-stream';
    const inMemory = extra[path];
    if (inMemory !== undefined) {
      response.writeHead(200, { 'content-type': type });
      response.end(inMemory);
      return;
    }
    const file = normalize(join(root, path));
    let size: number | undefined;
    try {
      const stats = statSync(file);
      if (stats.isFile()) size = stats.size;
    } catch {
      size = undefined;
    }
    if (!file.startsWith(root + sep) || size === undefined) {
      response.writeHead(404, { 'content-type': 'text/plain' });
      response.end(`Not found: ${path}`);
      return;
    }
    response.writeHead(200, { 'content-type': type, 'content-length': size });
    createReadStream(file).pipe(response);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/`,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}
