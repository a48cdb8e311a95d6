#!/usr/bin/env node
// Issue 10's regression check: reruns the workloads of the newest bench/results/*.json and flags a
// throughput drop > 10% (normalised by the same run's matMul ceiling), after re-running suspects.
//
//   node scripts/compare-results.mjs            # full local run: exit 1 on a confirmed regression
//   node scripts/compare-results.mjs --ci       # CI: reduced run, warnings only, exit 0
//   node scripts/compare-results.mjs --help     # every option
//
// It runs the built bench (`dist/cli.js compare …`): build first (`npx tsup` in bench/).
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const cli = resolve(dirname(fileURLToPath(import.meta.url)), '../dist/cli.js');
if (!existsSync(cli)) {
  console.error(`${cli} is missing: build the bench first (cd bench && npx tsup).`);
  process.exit(2);
}
const child = spawnSync(process.execPath, [cli, 'compare', ...process.argv.slice(2)], {
  stdio: 'inherit',
});
process.exit(child.status ?? 1);
