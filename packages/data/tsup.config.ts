import { defineConfig } from 'tsup';

export default defineConfig({
  entry: {
    index: 'src/index.ts',
    // `@selfsup/data/browser`: no node: imports in its graph (src/browser/browser-entry.test.ts).
    browser: 'src/browser/index.ts',
    // Behind scripts/export-static.mjs (Node only).
    'export-static': 'src/browser/export-static-command.ts',
  },
  format: ['esm'],
  dts: true,
  sourcemap: true,
  clean: true,
  target: 'es2022',
  external: [/^@tensorflow\//, /^@selfsup\//],
});
