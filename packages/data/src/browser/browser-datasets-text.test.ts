import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadMobyDick } from '../text-corpora/moby-dick';
import { loadNames } from '../text-corpora/names';
import { loadSotu } from '../text-corpora/sotu';
import { loadSpamAssassin } from '../text-corpora/spam-assassin';
import { createBrowserDatasets } from './browser-datasets';
import { exportStaticDatasets } from './export-static-datasets';
import { type StaticServer, serveStaticDirectory } from './serve-static-directory';
import type { StaticManifest } from './static-layout';

const textIds = ['moby-dick', 'names', 'sotu', 'spam-assassin'] as const;

describe('static export of the text corpora read back through the browser API (Node, HTTP)', () => {
  let directory: string;
  let server: StaticServer;
  let manifest: StaticManifest;

  beforeAll(async () => {
    directory = mkdtempSync(join(tmpdir(), 'selfsup-static-'));
    manifest = exportStaticDatasets(directory, { datasets: textIds });
    server = await serveStaticDirectory(directory);
  }, 120_000);

  afterAll(async () => {
    await server?.close();
    rmSync(directory, { recursive: true, force: true });
  });

  it('writes the corpora as UTF-8 text and JSON indexes, with sizes, SHA-256, counts and provenance in the manifest', () => {
    expect(Object.keys(manifest.datasets)).toEqual(textIds);
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
    expect(manifest.datasets['spam-assassin']?.counts).toEqual({ train: 4841, test: 1205 });
  });

  it('gives the same text corpora as the Node loaders, describe() included', async () => {
    const datasets = createBrowserDatasets(server.url.slice(0, -1));
    const mobyDick = await datasets.mobyDick();
    const nodeMobyDick = loadMobyDick();
    expect(mobyDick.text).toBe(nodeMobyDick.text);
    expect(mobyDick.describe()).toEqual(nodeMobyDick.describe());
    for (const lowercase of [true, false]) {
      const names = await datasets.names({ lowercase });
      const nodeNames = loadNames({ lowercase });
      expect(names.names).toEqual(nodeNames.names);
      expect(names.describe()).toEqual(nodeNames.describe());
    }
    const sotu = await datasets.sotu();
    const nodeSotu = loadSotu();
    expect(sotu.addresses).toEqual(nodeSotu.addresses);
    expect(sotu.describe()).toEqual(nodeSotu.describe());
    const spam = await datasets.spamAssassin();
    const nodeSpam = loadSpamAssassin();
    expect(spam.messages).toEqual(nodeSpam.messages);
    expect(spam.test.map((message) => message.id)).toEqual(
      nodeSpam.test.map((message) => message.id),
    );
    expect(spam.pretrainingBodies()).toEqual(nodeSpam.pretrainingBodies());
    expect(spam.describe()).toEqual(nodeSpam.describe());
    const withHeaders = await datasets.spamAssassin({ headers: 'keep' });
    expect(withHeaders.messages.map((message) => message.body)).toEqual(
      nodeSpam.messages.map((message) => message.text),
    );
    expect(withHeaders.messages[0]?.text).toMatch(/^From /);
  });

  it('names the problem and the fix: missing dataset, stale file, bad URL', async () => {
    const partial = mkdtempSync(join(tmpdir(), 'selfsup-static-partial-'));
    try {
      exportStaticDatasets(partial, { datasets: ['names'] });
      const partialServer = await serveStaticDirectory(partial);
      try {
        const datasets = createBrowserDatasets(partialServer.url);
        await expect(datasets.mnist('test')).rejects.toThrow(
          /has no mnist: export it .*--datasets mnist/,
        );
        const male = (await datasets.manifest()).datasets.names!.files.male!;
        writeFileSync(join(partial, male.path), Buffer.alloc(male.bytes, 65));
        await expect(datasets.names()).rejects.toThrow(/does not match its SHA-256.*export/);
        const unchecked = createBrowserDatasets(partialServer.url, { verify: false });
        expect((await unchecked.names()).male).toEqual(['a'.repeat(male.bytes)]);
        await expect(createBrowserDatasets(`${partialServer.url}nowhere/`).sotu()).rejects.toThrow(
          /HTTP 404.*export-static\.mjs/,
        );
      } finally {
        await partialServer.close();
      }
    } finally {
      rmSync(partial, { recursive: true, force: true });
    }
    expect(() => createBrowserDatasets('/datasets/')).toThrow(/must be absolute/);
    expect(() => exportStaticDatasets(partial, { datasets: ['cifar' as 'mnist'] })).toThrow(
      /Unknown dataset "cifar"; choose among mnist/,
    );
  });
});
