#!/usr/bin/env node
/**
 * The full crash test of issue 11: SIGKILLs `selfsup pretrain` at ≥ 20 random moments (startup,
 * training steps, checkpoint writes), checks after every kill that each checkpoint on disk is
 * complete, resumes with `--resume`, and compares the last checkpoint byte for byte with an
 * uninterrupted run (same seed, wasm backend). Writes `results/reliability-kill-resume.json`
 * atomically.
 *
 *   node scripts/reliability/kill-resume.mjs [--kills 20] [--steps 60] [--seed 1] [--max-minutes 20]
 *
 * `--smoke` runs 2 kills on 12 steps (under 2 minutes) to show that it works.
 */
import { mkdtempSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildPrivateCli, killAndResume } from './kill-resume-lib.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const argument = (name, fallback) => {
  const index = process.argv.indexOf(`--${name}`);
  return index === -1 ? fallback : Number(process.argv[index + 1]);
};
const smoke = process.argv.includes('--smoke');
const settings = {
  method: 'rotation',
  kills: smoke ? 2 : argument('kills', 20),
  steps: smoke ? 12 : argument('steps', 60),
  checkpointEvery: 1,
  seed: argument('seed', 1),
  maxMinutes: argument('max-minutes', 20),
  flags: [
    '--limit',
    '256',
    '--batch-size',
    '8',
    '--encoder-options',
    '{"channels":[4],"outputSize":16}',
  ],
};
const deadline = setTimeout(() => {
  console.error(`kill-resume: over --max-minutes ${settings.maxMinutes}; stopping.`);
  process.exit(1);
}, settings.maxMinutes * 60_000);
deadline.unref();

const started = performance.now();
const cli = await buildPrivateCli(root, 'kill-resume');
const workDirectory = mkdtempSync(join(tmpdir(), 'selfsup-kill-resume-'));
try {
  const result = await killAndResume({
    cli,
    workDirectory,
    ...settings,
    log: (line) => console.log(line),
  });
  const record = {
    date: new Date().toISOString(),
    machine: { cpu: cpus()[0]?.model ?? 'unknown', cores: cpus().length, node: process.version },
    backend: 'wasm',
    smoke,
    settings,
    seconds: (performance.now() - started) / 1000,
    ...result,
  };
  const path = join(root, 'results', `reliability-kill-resume${smoke ? '-smoke' : ''}.json`);
  const temporary = `${path}.${process.pid}.tmp`;
  writeFileSync(temporary, `${JSON.stringify(record, null, 2)}\n`);
  renameSync(temporary, path);
  console.log(
    `${result.kills.length} kills (${result.killedDuringCheckpointWrite} during a checkpoint write), ` +
      `${result.damagedCheckpoints} damaged checkpoints, ${result.halfDeletedDirectories} half-deleted old ones (ignored), identical to the uninterrupted run: ${result.identicalToUninterrupted} → ${path}`,
  );
  if (!result.identicalToUninterrupted || result.damagedCheckpoints > 0) process.exitCode = 1;
} finally {
  rmSync(workDirectory, { recursive: true, force: true });
  rmSync(dirname(cli), { recursive: true, force: true });
}
