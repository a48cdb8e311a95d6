#!/usr/bin/env node
// Writes the real datasets of @selfsup/data as static files for a web page (see README,
// "In the browser"). Usage: node packages/data/scripts/export-static.mjs <outDir> [--datasets …]
// Needs the built package (pnpm --filter @selfsup/data build).
import { existsSync } from 'node:fs';

const built = new URL('../dist/export-static.js', import.meta.url);
if (!existsSync(built)) {
  console.error('export-static: build @selfsup/data first (pnpm --filter @selfsup/data build).');
  process.exit(1);
}
const { runExportStaticCommand } = await import(built.href);
process.exitCode = runExportStaticCommand(process.argv.slice(2));
