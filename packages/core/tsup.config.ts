import { defineConfig } from 'tsup';

export default defineConfig({
  entry: {
    index: 'src/index.ts',
    'test/index': 'src/test/index.ts',
    // The data-parallel workers load this file beside index.js.
    'data-parallel-worker': 'src/training/data-parallel/data-parallel-worker-entry.ts',
  },
  format: ['esm'],
  dts: true,
  sourcemap: true,
  clean: true,
  target: 'es2022',
  // Bundling tfjs-backend-wasm breaks its .wasm lookup: keep every tfjs package external.
  external: [/^@tensorflow\//],
});
