import { defineConfig } from 'tsup';

export default defineConfig({
  // replicas.js: what the data-parallel workloads' worker threads import (plain JavaScript);
  // group-process.js: the process each group of workloads runs in (src/isolation/).
  entry: {
    cli: 'src/cli.ts',
    replicas: 'src/replicas/index.ts',
    'group-process': 'src/isolation/group-process.ts',
  },
  format: ['esm'],
  sourcemap: true,
  clean: true,
  target: 'es2022',
  banner: { js: '#!/usr/bin/env node' },
  // Bundling tfjs-backend-wasm breaks its .wasm lookup: keep tfjs and core (which loads it) external.
  external: [/^@tensorflow\//, /^@selfsup\//],
});
