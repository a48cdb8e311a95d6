#!/usr/bin/env node
// How far can 2 cores go? The ceiling of data-parallel training on this machine, measured without
// any of selfsup's data-parallel code: the same work run once alone, then as 2 independent
// processes at the same time. Two processes share nothing but the hardware (cores, caches,
// memory bandwidth), so their combined throughput bounds what 2 worker threads of one process can
// reach on the same steps (the workers add the gradient exchange on top).
//
// Probes, each alone and then 2 at once:
//   - compute: a register-bound JS loop (scales with cores);
//   - memory: 64 MB array copies (bound by DRAM bandwidth);
//   - gpt, simclr: the bench's one-thread training steps (`node dist/cli.js --workloads X`).
// Then the bench's data-parallel rows (gpt-data-parallel, simclr-data-parallel) in the same
// minutes, against the one-thread rows, so the two can be read side by side.
//
//   node scripts/scaling-profile.mjs                 # ~5 min on an idle machine; run after `pnpm --filter @selfsup/bench build`
//   node scripts/scaling-profile.mjs --steps 10      # fewer timed steps per bench run
//
// Writes results/scaling-profile-<date>.json (atomically; -<HHMM> added when that file exists) and
// prints a summary.
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, renameSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const here = dirname(fileURLToPath(import.meta.url));
const cli = resolve(here, '../dist/cli.js');
let values;
try {
  ({ values } = parseArgs({
    options: {
      steps: { type: 'string', default: '20' },
      out: { type: 'string' },
      help: { type: 'boolean', default: false },
    },
  }));
} catch (error) {
  console.error(
    `${error.message}\nusage: node scripts/scaling-profile.mjs [--steps 20] [--out FILE]`,
  );
  process.exit(2);
}
if (values.help) {
  console.log('usage: node scripts/scaling-profile.mjs [--steps 20] [--out FILE]');
  process.exit(0);
}
const steps = Number(values.steps);
if (!Number.isInteger(steps) || steps < 2) {
  console.error(`--steps must be an integer ≥ 2, got '${values.steps}'.`);
  process.exit(2);
}

// A probe run in a child process: prints one JSON line with its rate.
const probes = {
  compute: `
    const a = new Float64Array(1 << 16).map((_, i) => i * 1e-6);
    let s = 0, n = 0; const t = performance.now();
    while (performance.now() - t < 4000) { for (let i = 0; i < a.length; i++) s += a[i] * a[(i * 7) & 65535]; n++; }
    console.log(JSON.stringify({ rate: n / ((performance.now() - t) / 1000), unit: 'loops/s', check: s > 0 }));`,
  memory: `
    const n = 1 << 24; const a = new Float32Array(n).fill(1), b = new Float32Array(n);
    let reps = 0; const t = performance.now();
    while (performance.now() - t < 4000) { b.set(a); a.set(b); reps++; }
    console.log(JSON.stringify({ rate: (reps * 2 * n * 4 * 2) / 1e9 / ((performance.now() - t) / 1000), unit: 'GB/s' }));`,
};

function run(command, args) {
  return new Promise((resolvePromise, reject) => {
    execFile(command, args, { maxBuffer: 64 << 20 }, (error, stdout, stderr) => {
      if (error)
        reject(new Error(`${command} ${args.join(' ')} failed: ${stderr || error.message}`));
      else resolvePromise(stdout);
    });
  });
}

const probe = async (name) => JSON.parse(await run(process.execPath, ['-e', probes[name]])).rate;

async function benchRows(workloads) {
  const stdout = await run(process.execPath, [
    cli,
    '--workloads',
    workloads,
    '--no-torch',
    '--steps',
    String(steps),
    '--rounds',
    '2',
    '--json',
    '-',
  ]);
  return JSON.parse(stdout).results;
}

async function aloneAndPaired(measure) {
  const alone = await measure();
  const paired = await Promise.all([measure(), measure()]);
  const combined = paired[0] + paired[1];
  return { alone, paired, combined, scaling: combined / alone };
}

const report = {
  date: new Date().toISOString(),
  machine: {
    cpu: os.cpus()[0]?.model,
    cores: os.cpus().length,
    node: process.version,
    loadAverageAtStart: os.loadavg()[0],
  },
  steps,
  probes: {},
};
for (const name of ['compute', 'memory']) {
  report.probes[name] = await aloneAndPaired(() => probe(name));
  console.log(
    `${name}: alone ${report.probes[name].alone.toFixed(1)}, 2 processes ${report.probes[name].combined.toFixed(1)} → ${report.probes[name].scaling.toFixed(2)}×`,
  );
}
for (const workload of ['gpt', 'simclr']) {
  const throughput = async () => (await benchRows(workload))[0].throughput;
  report.probes[workload] = await aloneAndPaired(throughput);
  console.log(
    `${workload} step: alone ${report.probes[workload].alone.toFixed(0)}, 2 processes ${report.probes[workload].combined.toFixed(0)} → ${report.probes[workload].scaling.toFixed(2)}×`,
  );
}
const rows = await benchRows('gpt,gpt-data-parallel,simclr,simclr-data-parallel');
report.dataParallel = rows.map((row) => ({
  workload: row.workload,
  workers: row.workers,
  msPerStep: row.msPerStep,
  throughput: row.throughput,
  unit: row.unit,
  speedupOverOneWorker: row.speedupOverOneWorker,
}));
for (const row of report.dataParallel) {
  if (row.speedupOverOneWorker !== undefined)
    console.log(
      `${row.workload}: ${row.throughput.toFixed(0)} ${row.unit}/s, ${row.speedupOverOneWorker.toFixed(2)}× one thread (2 independent processes: ${report.probes[row.workload.replace('-data-parallel', '')].scaling.toFixed(2)}×)`,
    );
}
// The default name is the date's; a second profile the same day gets the time too, so that a
// committed profile is never overwritten (--out FILE writes exactly FILE).
const dated = resolve(here, `../results/scaling-profile-${report.date.slice(0, 10)}.json`);
const out = resolve(
  values.out ??
    (existsSync(dated)
      ? dated.replace(/\.json$/, `-${report.date.slice(11, 16).replace(':', '')}.json`)
      : dated),
);
mkdirSync(dirname(out), { recursive: true });
writeFileSync(`${out}.${process.pid}.tmp`, `${JSON.stringify(report, null, 2)}\n`);
renameSync(`${out}.${process.pid}.tmp`, out);
console.log(`wrote ${out}`);
