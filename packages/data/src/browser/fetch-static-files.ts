import {
  type StaticFile,
  type StaticManifest,
  staticManifestFileName,
  staticManifestFormat,
  staticManifestVersion,
} from './static-layout';

/** How static files are fetched and checked. */
export type StaticFetchOptions = {
  /** The `fetch` to use (tests, service workers, auth headers). @default globalThis.fetch */
  readonly fetch?: typeof globalThis.fetch;
  /**
   * Check each file's SHA-256 against the manifest (Web Crypto; sizes are always checked). Needs
   * a secure context (https or localhost): set false to serve the files over plain http.
   * @default true
   */
  readonly verify?: boolean;
};

/**
 * The absolute URL of a file of the static export.
 *
 * @param baseUrl the export's root, absolute (`https://host/datasets/`) or, in a page, relative to
 *   the page (`/datasets/`); a missing trailing `/` is added.
 * @param path the file's path below the root, e.g. `mnist/test-labels-idx1-ubyte`.
 * @returns the absolute URL.
 * @throws an Error when `baseUrl` is relative outside a page (no `location` to resolve it).
 * @example
 * staticFileUrl('http://localhost:5173/datasets', 'manifest.json'); // 'http://localhost:5173/datasets/manifest.json'
 */
export function staticFileUrl(baseUrl: string | URL, path: string): string {
  const base = String(baseUrl).endsWith('/') ? String(baseUrl) : `${String(baseUrl)}/`;
  const page = (globalThis as { location?: { href?: string } }).location?.href;
  try {
    return new URL(path, page === undefined ? base : new URL(base, page)).href;
  } catch {
    throw new Error(
      `Cannot resolve the dataset base URL ${JSON.stringify(String(baseUrl))}: outside a web page it must be absolute, e.g. 'http://localhost:5173/datasets/'.`,
    );
  }
}

/**
 * Fetches one file of the static export and checks its size (and SHA-256) against the manifest.
 *
 * @param baseUrl the export's root.
 * @param file the manifest's record of the file.
 * @param options `fetch` and `verify` (default true).
 * @returns the file's bytes.
 * @throws an Error naming the URL when the request fails or the bytes differ from the manifest.
 * @example
 * const bytes = await fetchStaticFile('/datasets/', manifest.datasets.mnist!.files['test-labels']!);
 */
export async function fetchStaticFile(
  baseUrl: string | URL,
  file: StaticFile,
  options: StaticFetchOptions = {},
): Promise<Uint8Array> {
  const url = staticFileUrl(baseUrl, file.path);
  const response = await request(url, options);
  const bytes = new Uint8Array(await response.arrayBuffer());
  if (bytes.length !== file.bytes) {
    throw new Error(
      `${url} has ${bytes.length} bytes but the manifest says ${file.bytes}: the files and manifest.json are from different exports (or the server compressed without saying so); export them again.`,
    );
  }
  if (options.verify ?? true) {
    const subtle = globalThis.crypto?.subtle;
    if (subtle === undefined) {
      throw new Error(
        `Cannot check ${url}: Web Crypto is only available in secure contexts (https or localhost); serve the page securely or pass { verify: false }.`,
      );
    }
    const digest = new Uint8Array(await subtle.digest('SHA-256', bytes));
    const hex = Array.from(digest, (byte) => byte.toString(16).padStart(2, '0')).join('');
    if (hex !== file.sha256) {
      throw new Error(
        `${url} does not match its SHA-256 in manifest.json (${hex} ≠ ${file.sha256}): the file is stale or damaged; export the datasets again.`,
      );
    }
  }
  return bytes;
}

/**
 * Fetches and checks the export's `manifest.json`.
 *
 * @param baseUrl the export's root.
 * @param options `fetch`.
 * @returns the manifest.
 * @throws an Error naming the URL when it is missing, not JSON, or of another format or version.
 * @example
 * const manifest = await fetchStaticManifest('/datasets/');
 * Object.keys(manifest.datasets); // ['mnist', 'names', …]
 */
export async function fetchStaticManifest(
  baseUrl: string | URL,
  options: StaticFetchOptions = {},
): Promise<StaticManifest> {
  const url = staticFileUrl(baseUrl, staticManifestFileName);
  const response = await request(url, options);
  let value: unknown;
  try {
    value = JSON.parse(await response.text());
  } catch (error) {
    throw new Error(
      `${url} is not valid JSON (${(error as Error).message}); export the datasets again (node packages/data/scripts/export-static.mjs <dir>).`,
    );
  }
  const manifest = value as Partial<StaticManifest> | null;
  if (
    manifest === null ||
    typeof manifest !== 'object' ||
    manifest.format !== staticManifestFormat ||
    typeof manifest.datasets !== 'object' ||
    manifest.datasets === null
  ) {
    throw new Error(
      `${url} is not a selfsup dataset manifest (format ${JSON.stringify(staticManifestFormat)}); point baseUrl at the folder written by export-static.mjs.`,
    );
  }
  if (manifest.version !== staticManifestVersion) {
    throw new Error(
      `${url} has layout version ${String(manifest.version)}, this build reads version ${staticManifestVersion}; export the datasets again with this version of @selfsup/data.`,
    );
  }
  return manifest as StaticManifest;
}

/**
 * Decodes UTF-8 bytes exactly as Node's `readFileSync(path, 'utf8')` does (a leading byte-order
 * mark is kept, invalid bytes become U+FFFD), so texts match the Node loaders'.
 *
 * @param bytes UTF-8 bytes.
 * @returns the text.
 * @example
 * decodeUtf8(new Uint8Array([104, 105])); // 'hi'
 */
export function decodeUtf8(bytes: Uint8Array): string {
  return new TextDecoder('utf-8', { ignoreBOM: true }).decode(bytes);
}

async function request(url: string, options: StaticFetchOptions): Promise<Response> {
  const fetchFunction = options.fetch ?? globalThis.fetch;
  let response: Response;
  try {
    response = await fetchFunction(url);
  } catch (error) {
    throw new Error(
      `Cannot fetch ${url} (${(error as Error).message}); check that the server is up and baseUrl points at the exported datasets.`,
    );
  }
  if (!response.ok) {
    throw new Error(
      `Cannot fetch ${url}: HTTP ${response.status}${response.statusText ? ` ${response.statusText}` : ''}. Export the datasets into the served folder (node packages/data/scripts/export-static.mjs <dir>) and check baseUrl.`,
    );
  }
  return response;
}
