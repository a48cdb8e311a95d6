import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { defineConfig, type Plugin } from 'vite';
import { writeMnistSubset } from './build-tools/write-mnist-subset.ts';

const root = fileURLToPath(new URL('.', import.meta.url));

/** The site's pages: one HTML entry each (a multi-page app, no router). */
export const demoPages = {
  index: 'index.html',
  contrastive: 'contrastive.html',
  'masked-prediction': 'masked-prediction.html',
  autoregressive: 'autoregressive.html',
  finetune: 'finetune.html',
} as const;

// No cross-origin isolation headers: with SharedArrayBuffer tfjs-backend-wasm 4.22.0 picks its
// multi-threaded build, whose inlined worker breaks once bundled ("e is not defined"); the
// single-threaded SIMD build runs everywhere.

/** Writes the small MNIST subset into `public/data/` before a build or the dev server starts. */
function mnistSubsetPlugin(): Plugin {
  return {
    name: 'selfsup-demo:mnist-subset',
    buildStart() {
      writeMnistSubset(resolve(root, 'public', 'data'));
    },
  };
}

export default defineConfig({
  root,
  plugins: [mnistSubsetPlugin()],
  build: {
    target: 'es2022',
    chunkSizeWarningLimit: 4096,
    rolldownOptions: {
      input: Object.fromEntries(
        Object.entries(demoPages).map(([name, file]) => [name, resolve(root, file)]),
      ),
    },
  },
});
