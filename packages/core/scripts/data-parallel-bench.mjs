#!/usr/bin/env node
// Data-parallel training benchmark (issue 10): ms per GPT training step with 1 vs N worker threads
// (one tfjs-wasm instance per worker, gradients all-reduced through a SharedArrayBuffer).
// Workload: nanoGPT's CPU config (vocab 65, block 64, batch 12, 4 layers, 4 heads, 128 dims,
// AdamW lr 1e-3, weight decay 0.1, β2 0.99, clip 1.0), random tokens, the batch split evenly.
// Reports per worker count: median and mean ms/step, tokens/s, the speed-up over 1 worker, the
// process CPU time per step (all threads: on a shared machine a low CPU/wall ratio means the
// workers waited for cores), and the slowest worker's compute / exchange / update times.
//
// The data-parallel code is bundled from source (tsup, no types) into .selfsup-cache/, together
// with the test GPT workload, so the bench runs before packages/core/dist is rebuilt.
//
//   node scripts/data-parallel-bench.mjs --max-minutes 10
//   node scripts/data-parallel-bench.mjs --smoke          # ≤ 2 min: tiny model, 3 steps
//
// Flags: --max-minutes M (10; split evenly between the worker counts), --workers 1,2 (the counts),
// --steps N (30 timed steps per count at most), --warmup N (3), --batch-size B (12), --seed N (0),
// --out FILE (results/data-parallel-bench.json; results/data-parallel-smoke.json with --smoke), --smoke.
import { mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { dirname, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';

const here = dirname(fileURLToPath(import.meta.url));
const packageRoot = resolve(here, '..');
const usage =
  'usage: node scripts/data-parallel-bench.mjs [--max-minutes 10] [--workers 1,2] [--steps 30] ' +
  '[--warmup 3] [--batch-size 12] [--seed 0] [--out FILE] [--smoke]';

function parseFlags() {
  let values;
  try {
    ({ values } = parseArgs({
      options: {
        'max-minutes': { type: 'string', default: '10' },
        workers: { type: 'string', default: '1,2' },
        steps: { type: 'string' },
        warmup: { type: 'string' },
        'batch-size': { type: 'string', default: '12' },
        seed: { type: 'string', default: '0' },
        out: { type: 'string' },
        smoke: { type: 'boolean', default: false },
        help: { type: 'boolean', default: false },
      },
    }));
  } catch (error) {
    console.error(`${error.message}\n${usage}`);
    process.exit(2);
  }
  if (values.help) {
    console.log(usage);
    process.exit(0);
  }
  const number = (name, text) => {
    const value = Number(text);
    if (!Number.isFinite(value) || value <= 0) {
      console.error(`--${name} must be a positive number, got ${text}.\n${usage}`);
      process.exit(2);
    }
    return value;
  };
  const workers = values.workers.split(',').map((text) => number('workers', text));
  return {
    smoke: values.smoke,
    maxMinutes: number('max-minutes', values['max-minutes']),
    workers,
    steps: values.steps === undefined ? (values.smoke ? 3 : 30) : number('steps', values.steps),
    warmup: values.warmup === undefined ? (values.smoke ? 1 : 3) : number('warmup', values.warmup),
    batchSize: values.smoke ? 4 : number('batch-size', values['batch-size']),
    seed: Number(values.seed),
    out: resolve(
      values.out ??
        resolve(packageRoot, `results/data-parallel-${values.smoke ? 'smoke' : 'bench'}.json`),
    ),
  };
}

async function bundleFromSource() {
  const { build } = await import('tsup');
  const directory = resolve(packageRoot, `.selfsup-cache/data-parallel-bench-${process.pid}`);
  const source = (file) => resolve(packageRoot, 'src/training/data-parallel', file);
  await build({
    config: false,
    entry: {
      'data-parallel': source('index.ts'),
      'data-parallel-worker': source('data-parallel-worker-entry.ts'),
      'tiny-gpt-workload': source('__fixtures__/tiny-gpt-workload.ts'),
    },
    outDir: directory,
    format: ['esm'],
    platform: 'node',
    target: 'es2022',
    dts: false,
    sourcemap: false,
    splitting: true,
    clean: true,
    silent: true,
    external: [/^@tensorflow\//, 'zod', 'umap-js'],
  });
  const url = (name) => pathToFileURL(resolve(directory, `${name}.js`)).href;
  return { directory, url };
}

function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

function writeAtomically(path, value) {
  mkdirSync(dirname(path), { recursive: true });
  const temporary = `${path}.${process.pid}.tmp`;
  writeFileSync(temporary, `${JSON.stringify(value, null, 2)}\n`);
  renameSync(temporary, path);
}

const flags = parseFlags();
const deadline = Date.now() + flags.maxMinutes * 60_000;
const model = flags.smoke
  ? { vocabularySize: 16, blockSize: 8, layers: 1, heads: 2, embeddingSize: 16, seed: 1 }
  : { vocabularySize: 65, blockSize: 64, layers: 4, heads: 4, embeddingSize: 128, seed: 1 };
const training = {
  steps: 1000,
  learningRate: 1e-3,
  weightDecay: 0.1,
  beta2: 0.99,
  clipNorm: 1,
  seed: flags.seed,
};
for (const workers of flags.workers) {
  if (!Number.isInteger(workers) || flags.batchSize % workers !== 0) {
    console.error(`--batch-size ${flags.batchSize} must split evenly across ${workers} workers.`);
    process.exit(2);
  }
}

const bundle = await bundleFromSource();
try {
  const { createDataParallelTrainer } = await import(bundle.url('data-parallel'));
  const { tinyTokenBatches } = await import(bundle.url('tiny-gpt-workload'));
  const runs = [];
  for (const [index, workers] of flags.workers.entries()) {
    const budget = (deadline - Date.now()) / (flags.workers.length - index);
    const runDeadline = Date.now() + budget;
    const startedAt = performance.now();
    const trainer = await createDataParallelTrainer({
      workers,
      workload: {
        module: bundle.url('tiny-gpt-workload'),
        exportName: 'createTinyGpt',
        options: model,
      },
      training,
      workerEntry: new URL(bundle.url('data-parallel-worker')),
    });
    const startMilliseconds = performance.now() - startedAt;
    const steps = [];
    try {
      const total = flags.warmup + flags.steps;
      const batches = tinyTokenBatches(total, {
        vocabularySize: model.vocabularySize,
        blockSize: model.blockSize,
        batchSize: flags.batchSize,
        seed: flags.seed + 1,
      });
      try {
        for (let step = 0; step < total; step++) {
          if (step >= flags.warmup + 2 && Date.now() > runDeadline) break;
          const cpuBefore = process.cpuUsage();
          const before = performance.now();
          const result = await trainer.trainStep(batches[step]);
          const wall = performance.now() - before;
          const cpu = process.cpuUsage(cpuBefore);
          if (step >= flags.warmup) {
            steps.push({ wall, cpu: (cpu.user + cpu.system) / 1000, result });
          }
        }
      } finally {
        for (const batch of batches) batch.dispose();
      }
      const checksums = await trainer.checksums();
      const tokensPerStep = flags.batchSize * model.blockSize;
      const medianWall = median(steps.map((step) => step.wall));
      runs.push({
        workers,
        startSeconds: startMilliseconds / 1000,
        timedSteps: steps.length,
        medianMillisecondsPerStep: medianWall,
        meanMillisecondsPerStep: steps.reduce((sum, step) => sum + step.wall, 0) / steps.length,
        tokensPerSecond: tokensPerStep / (medianWall / 1000),
        medianCpuMillisecondsPerStep: median(steps.map((step) => step.cpu)),
        cpuPerWall: median(steps.map((step) => step.cpu / step.wall)),
        medianComputeMilliseconds: median(steps.map((step) => step.result.computeMilliseconds)),
        medianExchangeMilliseconds: median(steps.map((step) => step.result.exchangeMilliseconds)),
        medianUpdateMilliseconds: median(steps.map((step) => step.result.updateMilliseconds)),
        losses: steps.map((step) => step.result.loss),
        replicasInSync: new Set(checksums).size === 1,
      });
      console.log(
        `workers ${workers}: ${medianWall.toFixed(1)} ms/step (median of ${steps.length}), ` +
          `${runs.at(-1).tokensPerSecond.toFixed(0)} tokens/s, CPU ${runs.at(-1).medianCpuMillisecondsPerStep.toFixed(0)} ms/step, ` +
          `compute ${runs.at(-1).medianComputeMilliseconds.toFixed(1)} / exchange ${runs.at(-1).medianExchangeMilliseconds.toFixed(1)} / update ${runs.at(-1).medianUpdateMilliseconds.toFixed(1)} ms`,
      );
    } finally {
      await trainer.close();
    }
  }
  const baseline = runs.find((run) => run.workers === 1);
  for (const run of runs) {
    if (baseline !== undefined)
      run.speedupOverOneWorker = baseline.medianMillisecondsPerStep / run.medianMillisecondsPerStep;
  }
  const result = {
    benchmark: 'data-parallel',
    date: new Date().toISOString(),
    machine: {
      cpu: os.cpus()[0]?.model ?? 'unknown',
      cores: os.cpus().length,
      loadAverage: os.loadavg(),
      node: process.version,
    },
    backend: 'wasm (one instance per worker thread)',
    settings: {
      smoke: flags.smoke,
      model,
      batchSize: flags.batchSize,
      training,
      warmup: flags.warmup,
      steps: flags.steps,
      maxMinutes: flags.maxMinutes,
    },
    note: 'Preliminary when the machine is shared: compare cpuPerWall with the worker count to see whether the workers got their cores.',
    runs,
  };
  writeAtomically(flags.out, result);
  console.log(`wrote ${flags.out}`);
} finally {
  rmSync(bundle.directory, { recursive: true, force: true });
}
