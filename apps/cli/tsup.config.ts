import { defineConfig } from 'tsup';

export default defineConfig({
  // cli-workload.js: what `selfsup pretrain --workers N` worker threads import to build the
  // objective (plain JavaScript beside selfsup.js; see src/pretrain/workload-reference.ts);
  // quickstart-workload.js: what `selfsup quickstart`'s finetuning worker threads import.
  entry: {
    selfsup: 'src/selfsup.ts',
    'cli-workload': 'src/pretrain/cli-workload.ts',
    'quickstart-workload': 'src/quickstart/quickstart-workload.ts',
  },
  format: ['esm'],
  sourcemap: true,
  clean: true,
  target: 'es2022',
  banner: { js: '#!/usr/bin/env node' },
  external: [/^@tensorflow\//, /^@selfsup\//, 'cac', 'cli-progress', 'yaml', 'zod'],
});
