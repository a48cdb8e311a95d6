import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { captionedMnistTestSet } from '../synthetic/captioned-mnist-generator';
import { movingMnistExample } from '../synthetic/moving-mnist-generator';
import { trainWordPieceTokenizer } from '../tokenizers/word-piece-tokenizer';
import { decodeUtf8, staticFileUrl } from './fetch-static-files';
import { fetchTokenizer, tokenizerFromText } from './fetch-tokenizer';
import { serveStaticDirectory } from './serve-static-directory';
import { splitByLengths } from './static-layout';

describe('browser helpers', () => {
  it('resolves file URLs below the base, with or without a trailing slash', () => {
    expect(staticFileUrl('http://localhost:5173/datasets', 'mnist/a')).toBe(
      'http://localhost:5173/datasets/mnist/a',
    );
    expect(staticFileUrl(new URL('http://host/x/'), 'manifest.json')).toBe(
      'http://host/x/manifest.json',
    );
    expect(() => staticFileUrl('datasets/', 'manifest.json')).toThrow(/must be absolute/);
  });

  it('splits documents by UTF-16 lengths and refuses an index from another export', () => {
    expect(splitByLengths('ab🐋cd', [2, 2, 2], 'x.txt')).toEqual(['ab', '🐋', 'cd']);
    expect(() => splitByLengths('abc', [1, 1], 'x.txt')).toThrow(
      /x\.txt: the index covers 2 characters but the text has 3/,
    );
    expect(() => splitByLengths('abc', [1.5, 1.5], 'x.txt')).toThrow(/bad length 1\.5/);
  });

  it("decodes UTF-8 as Node's readFileSync does, byte-order mark kept", () => {
    const bytes = Buffer.from('\uFEFFcafé 🐋 \xff', 'utf8');
    const withInvalid = Buffer.concat([bytes, Buffer.from([0xc3])]);
    expect(decodeUtf8(withInvalid)).toBe(withInvalid.toString('utf8'));
    expect(decodeUtf8(bytes).startsWith('\uFEFF')).toBe(true);
  });

  it('builds a tokenizer from text or a URL, and names bad files and URLs', async () => {
    const tokenizer = trainWordPieceTokenizer('the whale the sea the ship', { vocabularySize: 40 });
    const text = JSON.stringify(tokenizer.json);
    expect(tokenizerFromText(text).encode('the whale')).toEqual(tokenizer.encode('the whale'));
    expect(() => tokenizerFromText(text.slice(0, 50), 'model.json')).toThrow(
      /model\.json: not valid JSON.*truncated/,
    );
    const directory = mkdtempSync(join(tmpdir(), 'selfsup-tokenizer-url-'));
    const server = await serveStaticDirectory(directory);
    try {
      writeFileSync(join(directory, 'tokenizer.json'), text);
      const fetched = await fetchTokenizer(`${server.url}tokenizer.json`);
      expect(fetched.encode('the sea')).toEqual(tokenizer.encode('the sea'));
      await expect(fetchTokenizer(`${server.url}missing.json`)).rejects.toThrow(
        /Cannot fetch the tokenizer .*missing\.json: HTTP 404/,
      );
    } finally {
      await server.close();
      rmSync(directory, { recursive: true, force: true });
    }
  });

  it('asks for `dataset` when an MNIST generator runs without one (no MNIST on disk)', () => {
    expect(() => movingMnistExample(1, { size: 28 })).toThrow(
      /Moving MNIST needs options\.dataset.*datasets\.mnist\('train'\)/,
    );
    expect(() => captionedMnistTestSet({ count: 2 })).toThrow(
      /Captioned MNIST needs options\.dataset.*datasets\.mnist\('test'\)/,
    );
  });
});
