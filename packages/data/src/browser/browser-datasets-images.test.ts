import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadFashionMnist } from '../fashion-mnist';
import type { ImageDataset } from '../image-dataset';
import { loadMnist } from '../mnist';
import { createBrowserDatasets } from './browser-datasets';
import { exportStaticDatasets } from './export-static-datasets';
import { type StaticServer, serveStaticDirectory } from './serve-static-directory';
import type { StaticManifest } from './static-layout';

/** Expects two image datasets to hold the same fields and bytes. */
function expectSameImages(actual: ImageDataset, expected: ImageDataset): void {
  const { images, labels, ...fields } = actual;
  const { images: expectedImages, labels: expectedLabels, ...expectedFields } = expected;
  expect(fields).toEqual(expectedFields);
  expect(Buffer.from(images).equals(Buffer.from(expectedImages))).toBe(true);
  expect(Buffer.from(labels).equals(Buffer.from(expectedLabels))).toBe(true);
}

describe('static export of the image datasets read back through the browser API (Node, HTTP)', () => {
  let directory: string;
  let server: StaticServer;
  let manifest: StaticManifest;

  beforeAll(async () => {
    directory = mkdtempSync(join(tmpdir(), 'selfsup-static-'));
    manifest = exportStaticDatasets(directory, { datasets: ['mnist', 'fashion-mnist'] });
    server = await serveStaticDirectory(directory);
  }, 120_000);

  afterAll(async () => {
    await server?.close();
    rmSync(directory, { recursive: true, force: true });
  });

  it('writes MNIST and Fashion-MNIST as IDX, with sizes, SHA-256, counts and provenance in the manifest', () => {
    expect(Object.keys(manifest.datasets)).toEqual(['mnist', 'fashion-mnist']);
    const written = JSON.parse(readFileSync(join(directory, 'manifest.json'), 'utf8'));
    expect(written).toEqual(manifest);
    for (const entry of Object.values(manifest.datasets)) {
      expect(entry.license.length).toBeGreaterThan(3);
      expect(entry.source).toMatch(/npm /);
      for (const file of Object.values(entry.files)) {
        expect(readFileSync(join(directory, file.path)).length).toBe(file.bytes);
        expect(file.sha256).toMatch(/^[0-9a-f]{64}$/);
      }
    }
    expect(manifest.datasets.mnist?.counts).toEqual({ train: 60_000, test: 10_000 });
    expect(manifest.datasets.mnist?.files['test-images']?.bytes).toBe(16 + 10_000 * 784);
  });

  it('gives the same image datasets as loadMnist and loadFashionMnist', async () => {
    const datasets = createBrowserDatasets(server.url);
    for (const split of ['train', 'test'] as const) {
      expectSameImages(await datasets.mnist(split), loadMnist(split));
      expectSameImages(await datasets.fashionMnist(split), loadFashionMnist(split));
    }
    expect(await datasets.mnist('test')).toBe(await datasets.mnist('test'));
  });
});
