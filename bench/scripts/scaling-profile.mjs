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
//   - gpt, simclr: the bench's one-thread training steps (`node dist/cli.js --workloads X`);
//   - gpt split: what `gpt-data-parallel` asks of each core. One process trains the replica's GPT
//     step (core's AdamW, clip 1) on the recipe's 12 sequences; then each of 2 processes trains it
//     on 6 at the same time, exchanging nothing and waiting for nothing. Data-parallel workers
//     finish a split step at the pace of the slower half, so 2 × the slower rate over the whole
//     batch's rate alone bounds what 2 workers can reach on the split batch with a free gradient
//     exchange. Alternated over --rounds rounds.
// Then the bench's data-parallel rows (gpt-data-parallel, simclr-data-parallel) in the same
// minutes, against the one-thread rows, so the two can be read side by side.
//
//   node scripts/scaling-profile.mjs                 # ~5 min on an idle machine; run after `pnpm --filter @selfsup/bench build`
//   node scripts/scaling-profile.mjs --steps 10      # fewer timed steps per bench run
//   node scripts/scaling-profile.mjs --rounds 5      # more rounds of the split probe
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
      rounds: { type: 'string', default: '3' },
      out: { type: 'string' },
      help: { type: 'boolean', default: false },
    },
  }));
} catch (error) {
  console.error(
    `${error.message}\nusage: node scripts/scaling-profile.mjs [--steps 20] [--rounds 3] [--out FILE]`,
  );
  process.exit(2);
}
if (values.help) {
  console.log('usage: node scripts/scaling-profile.mjs [--steps 20] [--rounds 3] [--out FILE]');
  process.exit(0);
}
const steps = Number(values.steps);
if (!Number.isInteger(steps) || steps < 2) {
  console.error(`--steps must be an integer ≥ 2, got '${values.steps}'.`);
  process.exit(2);
}
const rounds = Number(values.rounds);
if (!Number.isInteger(rounds) || rounds < 1) {
  console.error(`--rounds must be an integer ≥ 1, got '${values.rounds}'.`);
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

// The replica's GPT step on SPLIT_BATCH sequences for 4 s after 20 warm-up steps (run with the
// bench's directory as the working directory, where @selfsup/core and tfjs resolve).
const splitProbe = `
  import { initBackend, SeededRandom, clipByGlobalNorm, collectTrainableParameters, createAdamW } from '@selfsup/core';
  import * as tf from '@tensorflow/tfjs';
  const { createGptReplica } = await import(${JSON.stringify(new URL('../dist/replicas.js', import.meta.url).href)});
  await initBackend({ backend: 'wasm', quiet: true });
  const size = Number(process.env.SPLIT_BATCH), block = 64;
  const objective = createGptReplica({ seed: 0 });
  const parameters = collectTrainableParameters(objective);
  const variables = parameters.map((parameter) => parameter.variable);
  const optimizer = createAdamW({ weightDecay: 0.1, beta1: 0.9, beta2: 0.99 });
  const random = new SeededRandom(1);
  const ids = Array.from({ length: size * (block + 1) }, () => random.nextInt(65));
  const window = (shift) => tf.tensor2d(Array.from({ length: size * block }, (_, i) => ids[Math.floor(i / block) * (block + 1) + (i % block) + shift]), [size, block], 'int32');
  const batch = { tokens: window(0), targets: window(1) };
  const step = () => tf.tidy(() => {
    const { value, grads } = tf.variableGrads(() => objective.doLoss(batch).loss, variables);
    const keyed = Object.fromEntries(parameters.map((parameter) => [parameter.key, grads[parameter.variable.name]]));
    const { gradients } = clipByGlobalNorm(keyed, 1);
    optimizer.applyGradients(parameters, gradients, 1e-3);
    return value;
  }).dataSync()[0];
  for (let i = 0; i < 20; i++) step();
  let n = 0; const t = performance.now();
  while (performance.now() - t < 4000) { step(); n++; }
  console.log(JSON.stringify({ rate: (n * size * block) / ((performance.now() - t) / 1000), unit: 'tokens/s' }));`;

function run(command, args, environment) {
  return new Promise((resolvePromise, reject) => {
    const options = {
      maxBuffer: 64 << 20,
      cwd: resolve(here, '..'),
      env: { ...process.env, ...environment },
    };
    execFile(command, args, options, (error, stdout, stderr) => {
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
const splitRate = async (size) =>
  JSON.parse(
    await run(process.execPath, ['--input-type=module', '-e', splitProbe], {
      SPLIT_BATCH: String(size),
    }),
  ).rate;
report.probes.gptSplit = [];
for (let round = 0; round < rounds; round++) {
  const whole = await splitRate(12);
  const half = await splitRate(6);
  const pair = await Promise.all([splitRate(6), splitRate(6)]);
  const ceiling = (2 * Math.min(...pair)) / whole;
  report.probes.gptSplit.push({ whole, half, pair, ceiling });
  console.log(
    `gpt split, round ${round + 1}: 12 sequences alone ${whole.toFixed(0)} tokens/s, 6 alone ${half.toFixed(0)}, 6 in each of 2 processes ${pair.map((rate) => rate.toFixed(0)).join(' + ')} → split ceiling ${ceiling.toFixed(2)}×`,
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
