#!/usr/bin/env node
/**
 * The memory soak of issue 11: trains one method of each family (pretext: rotation, contrastive:
 * simclr, masked prediction: bert, autoregressive: gpt) for 10,000 steps on tiny settings with the
 * built `selfsup` binary and a memory probe, and checks that the live tensor count stays constant
 * and RSS grows by less than 50 MB after warm-up. Writes `results/reliability-soak.json`
 * atomically (after each method, so a stopped run keeps what it measured).
 *
 *   node scripts/reliability/soak.mjs [--steps 10000] [--methods rotation,simclr,bert,gpt] [--max-minutes 240]
 *
 * `--smoke` runs 150 steps of rotation (under 2 minutes) to show that it works.
 */
import { mkdtempSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildPrivateCli } from './kill-resume-lib.mjs';
import { soakMethod } from './soak-lib.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const option = (name, fallback) => {
  const index = process.argv.indexOf(`--${name}`);
  return index === -1 ? fallback : process.argv[index + 1];
};
const smoke = process.argv.includes('--smoke');
/** Tiny settings of each family: small encoders, small batches (wasm, one thread). */
const families = {
  rotation: [
    '--limit',
    '512',
    '--batch-size',
    '8',
    '--encoder-options',
    '{"channels":[4],"outputSize":16}',
  ],
  simclr: [
    '--limit',
    '512',
    '--batch-size',
    '8',
    '--encoder-options',
    '{"channels":[4],"outputSize":16}',
  ],
  bert: ['--batch-size', '4', '--encoder-options', '{"embeddingSize":16,"layers":1,"heads":2}'],
  gpt: ['--batch-size', '4', '--encoder-options', '{"embeddingSize":16,"layers":1,"heads":2}'],
};
const methods = smoke
  ? ['rotation']
  : option('methods', Object.keys(families).join(',')).split(',');
const steps = smoke ? 150 : Number(option('steps', '10000'));
const maxMinutes = Number(option('max-minutes', '240'));
const deadline = setTimeout(() => {
  console.error(`soak: over --max-minutes ${maxMinutes}; stopping (results so far are written).`);
  process.exit(1);
}, maxMinutes * 60_000);
deadline.unref();

const cli = await buildPrivateCli(root, 'soak');
const workDirectory = mkdtempSync(join(tmpdir(), 'selfsup-soak-'));
const path = join(root, 'results', `reliability-soak${smoke ? '-smoke' : ''}.json`);
const results = [];
const write = () => {
  const record = {
    date: new Date().toISOString(),
    machine: { cpu: cpus()[0]?.model ?? 'unknown', cores: cpus().length, node: process.version },
    backend: 'wasm',
    smoke,
    settings: {
      steps,
      methods,
      flags: families,
      warmupFraction: 0.2,
      windows: 5,
      rssLimitMegabytes: 50,
    },
    results,
  };
  const temporary = `${path}.${process.pid}.tmp`;
  writeFileSync(temporary, `${JSON.stringify(record, null, 2)}\n`);
  renameSync(temporary, path);
};
try {
  for (const method of methods) {
    const flags = families[method];
    if (flags === undefined)
      throw new Error(
        `--methods: unknown method '${method}' (known: ${Object.keys(families).join(', ')})`,
      );
    const result = await soakMethod({ cli, workDirectory, method, steps, flags, probeMs: 250 });
    results.push(result);
    write();
    console.log(
      `${method}: ${steps} steps in ${result.seconds.toFixed(0)} s; tensors ${result.windows.map((w) => w.minTensors).join(' → ')}` +
        ` (constant: ${result.tensorCountConstant}); RSS +${result.rssGrowthMegabytes.toFixed(1)} MB after warm-up → ${result.passed ? 'pass' : 'FAIL'}`,
    );
  }
  console.log(`→ ${path}`);
  if (results.some((result) => !result.passed)) process.exitCode = 1;
} finally {
  rmSync(workDirectory, { recursive: true, force: true });
  rmSync(dirname(cli), { recursive: true, force: true });
}
