import { defineConfig } from 'tsup';

export default defineConfig({
  entry: { selfsup: 'src/selfsup.ts' },
  format: ['esm'],
  sourcemap: true,
  clean: true,
  target: 'es2022',
  banner: { js: '#!/usr/bin/env node' },
  external: [/^@tensorflow\//, /^@selfsup\//, 'cac', 'cli-progress', 'yaml', 'zod'],
});
