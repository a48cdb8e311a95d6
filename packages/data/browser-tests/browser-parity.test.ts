/**
 * Node/browser parity of `@selfsup/data` in a real browser (Chromium through playwright-core):
 * the page loads a static export and saved tokenizers through `@selfsup/data/browser`, and the
 * results must equal what the Node loaders give for the same files.
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type BrowserContext, chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exportStaticDatasets } from '../src/browser/export-static-datasets';
import { nodeBuiltinImports } from '../src/browser/node-builtin-imports';
import { type StaticServer, serveStaticDirectory } from '../src/browser/serve-static-directory';
import { describeImageDataset } from '../src/image-dataset';
import { loadMnist } from '../src/mnist';
import { movingMnistExample } from '../src/synthetic/moving-mnist';
import { shapesExample } from '../src/synthetic/shapes';
import { syntheticAudioExample } from '../src/synthetic/synthetic-audio';
import { loadMobyDick } from '../src/text-corpora/moby-dick';
import { loadNames } from '../src/text-corpora/names';
import { trainBytePairEncodingTokenizer } from '../src/tokenizers/byte-pair-encoding-tokenizer';
import { loadTokenizer, saveTokenizer } from '../src/tokenizers/tokenizer-file';
import { trainWordPieceTokenizer } from '../src/tokenizers/word-piece-tokenizer';
import { bundleForBrowser } from './bundle-for-browser';
import { fnv1a } from './page/checksum';
import type { ParityRequest, ParityResult } from './page/parity-page';

/** Where Chromium is; `SELFSUP_CHROMIUM` overrides. */
const chromiumPath = process.env.SELFSUP_CHROMIUM ?? '/usr/bin/chromium';

/** Varied text: plain, punctuation, digits, unknown scripts, emoji, combining marks, specials. */
const texts = [
  'Call me Ishmael. Some years ago—never mind how long precisely—',
  'THE WHALE!!! whale, whales; whaling? Whale-ship 1851.',
  '',
  '   leading and trailing spaces\tand\ttabs\nand a newline   ',
  'Ahab [MASK] the [CLS] white whale [SEP] <|endoftext|> [PAD][UNK]',
  '[mask] is not special, [MASK] is',
  'café naïve Ærøskøbing São Paulo Zürich',
  'cafe\u0301 (combining accent) vs café (precomposed)',
  '鯨 クジラ 고래 кит حوت לוויתן व्हेल',
  '🐋 🐳 👨‍👩‍👧 🏳️‍🌈 ✨ 1️⃣',
  'x\u200by zero\u00a0width and non-breaking spaces\u2028line separator',
  'supercalifragilisticexpialidocious antidisestablishmentarianism',
  '<script>alert("ids")</script> & &amp; @user #tag http://example.com/a?b=c',
  '3.14159 2,718 1e-10 0x1F ½ ² ∑∫√',
];

describe('@selfsup/data/browser in Chromium', () => {
  let directory: string;
  let server: StaticServer;
  let context: BrowserContext;
  let result: ParityResult;
  const pageErrors: string[] = [];

  beforeAll(async () => {
    if (!existsSync(chromiumPath)) {
      throw new Error(
        `Chromium is missing at ${chromiumPath}: install it with \`apt-get install -y chromium\` (or point SELFSUP_CHROMIUM at a Chromium binary). This test is never skipped.`,
      );
    }
    directory = mkdtempSync(join(tmpdir(), 'selfsup-browser-parity-'));
    exportStaticDatasets(join(directory, 'datasets'), {
      datasets: ['mnist', 'names', 'moby-dick'],
    });
    const training = loadMobyDick().train.slice(0, 60_000);
    saveTokenizer(
      trainWordPieceTokenizer(training, { vocabularySize: 600 }),
      join(directory, 'tokenizers', 'word-piece.json'),
    );
    saveTokenizer(
      trainBytePairEncodingTokenizer(training, { vocabularySize: 600 }),
      join(directory, 'tokenizers', 'byte-pair-encoding.json'),
    );
    const page = fileURLToPath(new URL('./page/parity-page.ts', import.meta.url));
    const script = await bundleForBrowser(page);
    server = await serveStaticDirectory(directory, {
      '/index.html':
        '<!doctype html><html><head><meta charset="utf-8"><link rel="icon" href="data:,"><script type="module" src="/parity-page.js"></script></head><body></body></html>',
      '/parity-page.js': script,
    });
    context = await chromium.launchPersistentContext(
      mkdtempSync(join(tmpdir(), 'selfsup-chromium-profile-')),
      {
        executablePath: chromiumPath,
        headless: true,
        args: [
          '--no-sandbox',
          '--disable-gpu',
          '--disable-quic',
          '--no-first-run',
          '--disable-background-networking',
          '--disable-component-update',
          '--disable-sync',
        ],
      },
    );
    const browserPage = context.pages()[0] ?? (await context.newPage());
    browserPage.on('pageerror', (error) => pageErrors.push(error.message));
    browserPage.on('console', (message) => {
      if (message.type() === 'error')
        pageErrors.push(`${message.text()} (${message.location().url})`);
    });
    await browserPage.goto(`${server.url}index.html`);
    await browserPage.waitForFunction(() => 'runParity' in globalThis, undefined, {
      timeout: 30_000,
    });
    const request: ParityRequest = {
      datasetsUrl: '/datasets/',
      tokenizerUrls: {
        'word-piece': '/tokenizers/word-piece.json',
        'byte-pair-encoding': '/tokenizers/byte-pair-encoding.json',
      },
      texts,
    };
    result = await browserPage.evaluate(
      (parityRequest) =>
        (
          globalThis as unknown as {
            runParity: (value: ParityRequest) => Promise<ParityResult>;
          }
        ).runParity(parityRequest),
      request,
    );
  }, 120_000);

  afterAll(async () => {
    await context?.close();
    await server?.close();
    if (directory !== undefined) rmSync(directory, { recursive: true, force: true });
  });

  it('loads MNIST, names and Moby Dick with the same bytes and description as Node', () => {
    expect(pageErrors).toEqual([]);
    const mnist = loadMnist('test');
    expect(result.mnist).toEqual({
      description: describeImageDataset(mnist),
      images: fnv1a(mnist.images),
      labels: fnv1a(mnist.labels),
      height: 28,
      width: 28,
      channels: 1,
    });
    const names = loadNames();
    expect(result.names).toEqual({ description: names.describe(), names: names.names.join('\n') });
    const mobyDick = loadMobyDick();
    expect(result.mobyDick).toEqual({
      description: mobyDick.describe(),
      text: fnv1a(new TextEncoder().encode(mobyDick.text)),
    });
  });

  it('gives identical ids for the same saved WordPiece and BPE tokenizer.json', () => {
    for (const name of ['word-piece', 'byte-pair-encoding']) {
      const tokenizer = loadTokenizer(join(directory, 'tokenizers', `${name}.json`));
      const ids = texts.map((text) => tokenizer.encode(text));
      const browser = result.tokenizers[name]!;
      expect(browser.ids, name).toEqual(ids);
      expect(browser.fromText, name).toEqual(ids);
      expect(browser.decoded, name).toEqual(ids.map((sequence) => tokenizer.decode(sequence)));
    }
    const wordPiece = loadTokenizer(join(directory, 'tokenizers', 'word-piece.json'));
    const unknown = wordPiece.specialTokens.unknown!;
    expect(result.tokenizers['word-piece']!.ids[8]).toContain(unknown);
    expect(result.tokenizers['word-piece']!.ids[4]).toContain(wordPiece.specialTokens.mask!);
  });

  it('generates the same synthetic data (shapes, Moving MNIST from fetched MNIST, audio)', () => {
    const shapes = shapesExample(7, { size: 32 });
    expect(result.synthetic.shapes).toBe(
      `${fnv1a(shapes.image)}:${shapes.label}:${shapes.caption}`,
    );
    const moving = movingMnistExample(11, { split: 'test', size: 32, frames: 4, digits: 2 });
    expect(result.synthetic.movingMnist).toBe(
      `${fnv1a(moving.frames)}:${Array.from(moving.labels).join(',')}:${fnv1a(moving.boxes)}`,
    );
    const audio = syntheticAudioExample(5, { sampleRate: 8000, duration: 0.5 });
    expect(result.synthetic.audioLabel).toBe(audio.label);
    const largest = Math.max(
      ...result.synthetic.audio.map((value, i) => Math.abs(value - audio.samples[i]!)),
    );
    expect(result.synthetic.audio).toHaveLength(audio.samples.length);
    expect(largest).toBeLessThan(1e-6);
    console.info(
      `browser parity: page timings ${JSON.stringify(result.milliseconds)} ms; audio max |Δ| ${largest}`,
    );
  });

  it('bundles the page without Node built-ins from @selfsup/data', async () => {
    const entry = fileURLToPath(new URL('../src/browser/index.ts', import.meta.url));
    expect(await nodeBuiltinImports(entry, ['@selfsup/*', '@tensorflow/*'])).toEqual([]);
  });
});
