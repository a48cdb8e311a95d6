import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { nodeBuiltinImports } from './node-builtin-imports';

const external = ['@selfsup/*', '@tensorflow/*'];

describe('@selfsup/data/browser', () => {
  it('imports no Node built-in module anywhere in its graph (bundled for the browser)', async () => {
    const entry = fileURLToPath(new URL('./index.ts', import.meta.url));
    const found = await nodeBuiltinImports(entry, external);
    expect(
      found.map(({ importer, module }) => `${importer} imports ${module}`),
      'the browser entry must not reach node: modules; move the platform-free part into its own file',
    ).toEqual([]);
  });

  it('the check catches a Node import (the Node loaders read files)', async () => {
    const entry = fileURLToPath(new URL('../mnist.ts', import.meta.url));
    const found = await nodeBuiltinImports(entry, external);
    expect(found.map(({ module }) => module)).toEqual(
      expect.arrayContaining(['node:fs', 'node:module', 'node:path']),
    );
  });
});
