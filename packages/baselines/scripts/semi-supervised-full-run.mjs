#!/usr/bin/env node
// Supervised and semi-supervised baselines on MNIST, as core's label-efficiency protocol:
// for each label budget (10, 100, 1000) and 3 seeds, the same small ConvNet trained
//   - from scratch on the labels (core's scratch runner: full finetuning, early stopping),
//   - supervised with standard augmentation (shifts ≤ 12.5%) and early stopping,
//   - Pseudo-Label (Lee 2013, threshold 0.95), FixMatch (Sohn et al. 2020), MixMatch (Berthelot
//     et al. 2019), each for a fixed number of steps with a wall-clock cap per run (--run-minutes).
// Every run is scored on the whole MNIST test split (accuracy, macro-F1). Results go to
// results/semi-supervised-mnist.json (results/semi-supervised-smoke.json with --smoke), or --out;
// written atomically after every run, so an interrupted study keeps what it finished.
//
//   node scripts/semi-supervised-full-run.mjs --max-minutes 180
//   node scripts/semi-supervised-full-run.mjs --smoke          # ≤ 2 min: tiny pool, few steps
//
// Flags: --max-minutes M (180; the whole study: cells past it are not run), --run-minutes R (3;
// the cap of one semi-supervised run), --steps N (600 steps per semi-supervised run),
// --budgets 10,100,1000, --seeds 0,1,2, --pool N (60000 training images used as the pool),
// --test N (10000), --runners scratch,supervised,pseudo-label,fixmatch,mixmatch,
// --backend wasm|cpu|node (wasm), --out FILE, --smoke, --quiet.
// The package build defaults to ../dist/index.js; set SELFSUP_BASELINES_DIST to another build.
import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { dirname, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import {
  createConvNetEncoder,
  createScratchRunner,
  initBackend,
  labelEfficiency,
} from '@selfsup/core';
import { imagesToTensor, loadMnist } from '@selfsup/data';
import * as tf from '@tensorflow/tfjs';

const here = dirname(fileURLToPath(import.meta.url));
const distribution = process.env.SELFSUP_BASELINES_DIST ?? resolve(here, '../dist/index.js');
const {
  createFixMatchRunner,
  createMixMatchRunner,
  createPseudoLabelRunner,
  createSupervisedRunner,
  createWeakImageAugment,
} = await import(pathToFileURL(resolve(distribution)).href);

const usage =
  'usage: node scripts/semi-supervised-full-run.mjs [--max-minutes 180] [--run-minutes 3] [--steps 600] ' +
  '[--budgets 10,100,1000] [--seeds 0,1,2] [--pool 60000] [--test 10000] ' +
  '[--runners scratch,supervised,pseudo-label,fixmatch,mixmatch] [--backend wasm|cpu|node] [--out FILE] [--smoke] [--quiet]';
const allRunners = ['scratch', 'supervised', 'pseudo-label', 'fixmatch', 'mixmatch'];

function parseFlags() {
  let values;
  try {
    ({ values } = parseArgs({
      options: {
        'max-minutes': { type: 'string', default: '180' },
        'run-minutes': { type: 'string', default: '3' },
        steps: { type: 'string' },
        budgets: { type: 'string' },
        seeds: { type: 'string', default: '0,1,2' },
        pool: { type: 'string' },
        test: { type: 'string' },
        runners: { type: 'string', default: allRunners.join(',') },
        backend: { type: 'string', default: 'wasm' },
        out: { type: 'string' },
        smoke: { type: 'boolean', default: false },
        quiet: { type: 'boolean', default: false },
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
  const smoke = values.smoke;
  const number = (name, fallback) => {
    const value = Number(values[name] ?? fallback);
    if (!Number.isFinite(value) || value <= 0) {
      console.error(`--${name} must be a positive number, got ${values[name]}.\n${usage}`);
      process.exit(2);
    }
    return value;
  };
  const list = (name, fallback) =>
    (values[name] ?? fallback)
      .split(',')
      .map((item) => item.trim())
      .filter((item) => item !== '');
  const runners = list('runners');
  const unknown = runners.filter((name) => !allRunners.includes(name));
  if (unknown.length > 0) {
    console.error(
      `Unknown runner(s) ${unknown.join(', ')}: use ${allRunners.join(', ')}.\n${usage}`,
    );
    process.exit(2);
  }
  const seeds = list('seeds').map(Number);
  if (seeds.length < 3 || seeds.some((seed) => !Number.isInteger(seed))) {
    console.error(`--seeds needs at least 3 integers (the protocol's mean ± std).\n${usage}`);
    process.exit(2);
  }
  return {
    smoke,
    maxMinutes: number('max-minutes', 180),
    runMinutes: number('run-minutes', 3),
    steps: Math.round(number('steps', smoke ? 8 : 600)),
    budgets: list('budgets', smoke ? '10,100' : '10,100,1000').map(Number),
    seeds,
    poolSize: Math.round(number('pool', smoke ? 1000 : 60000)),
    testSize: Math.round(number('test', smoke ? 300 : 10000)),
    runners,
    backend: values.backend,
    out: resolve(
      values.out ?? resolve(here, `../results/semi-supervised-${smoke ? 'smoke' : 'mnist'}.json`),
    ),
    quiet: values.quiet,
  };
}

const settings = parseFlags();
const log = (message) => {
  if (!settings.quiet) console.log(message);
};

function writeJsonAtomically(path, value) {
  mkdirSync(dirname(path), { recursive: true });
  const temporary = `${path}.${process.pid}.tmp`;
  writeFileSync(temporary, `${JSON.stringify(value, null, 2)}\n`);
  renameSync(temporary, path);
}

const backendInfo = await initBackend({ backend: settings.backend, quiet: true });
log(`backend ${backendInfo.backend}`);

const range = (count) => Array.from({ length: count }, (_, index) => index);
const mnist = loadMnist('train');
const mnistTest = loadMnist('test');
const poolSize = Math.min(settings.poolSize, mnist.labels.length);
const testSize = Math.min(settings.testSize, mnistTest.labels.length);
const train = {
  inputs: imagesToTensor(mnist, range(poolSize)),
  labels: Int32Array.from(mnist.labels.subarray(0, poolSize)),
};
const test = {
  inputs: imagesToTensor(mnistTest, range(testSize)),
  labels: Int32Array.from(mnistTest.labels.subarray(0, testSize)),
};

// The architecture every paradigm trains (the scratch baseline's): conv 16-32 with BatchNorm, dense 64.
const encoderOptions = { channels: [16, 32], outputSize: 64 };
const createEncoder = (seed) => createConvNetEncoder({ ...encoderOptions, seed });
const semiSupervised = {
  createEncoder,
  steps: settings.steps,
  maxSeconds: settings.runMinutes * 60,
};
// Smoke runs only show the script works: 2 epochs, a few steps.
const recipe = { epochs: settings.smoke ? 2 : 30, batchSize: 32 };
const minimumSteps = settings.smoke ? settings.steps : 200;
const factories = {
  scratch: () => createScratchRunner(createEncoder, { overrides: { learningRate: 3e-3 } }),
  supervised: () => createSupervisedRunner({ createEncoder }),
  // On images Pseudo-Label gets the same shifts as the supervised baseline (its default is none, for text).
  'pseudo-label': () =>
    createPseudoLabelRunner({ ...semiSupervised, augment: createWeakImageAugment() }),
  fixmatch: () => createFixMatchRunner(semiSupervised),
  mixmatch: () => createMixMatchRunner(semiSupervised),
};

const deadline = Date.now() + settings.maxMinutes * 60_000;
class DeadlineReached extends Error {}
// Cells past the study's deadline are not run (the study stops at the next cell).
const withDeadline = (runner) => ({
  ...runner,
  async run(context) {
    if (Date.now() > deadline)
      throw new DeadlineReached(`--max-minutes ${settings.maxMinutes} reached`);
    return runner.run(context);
  },
});
const runners = settings.runners.map((name) => withDeadline(factories[name]()));

const rows = [];
const summaries = [];
const started = Date.now();
let stoppedBy = null;
const result = () => ({
  date: new Date().toISOString(),
  machine: {
    cpu: os.cpus()[0]?.model ?? 'unknown',
    cores: os.cpus().length,
    platform: os.platform(),
  },
  backend: backendInfo.backend,
  complete:
    stoppedBy === null &&
    rows.length === settings.budgets.length * settings.seeds.length * runners.length,
  stoppedBy,
  minutes: (Date.now() - started) / 60_000,
  settings: {
    dataset: 'MNIST',
    pool: poolSize,
    test: testSize,
    budgets: settings.budgets,
    seeds: settings.seeds,
    runners: settings.runners,
    encoder: { type: 'conv-net', ...encoderOptions },
    recipe: {
      ...recipe,
      minimumSteps,
      scratchLearningRate: 3e-3,
      supervisedAugment: 'shift ≤ 12.5%',
    },
    semiSupervised: {
      steps: settings.steps,
      runMinutesCap: settings.runMinutes,
      batchSize: 32,
      learningRate: 3e-3,
      pseudoLabel: {
        threshold: 0.95,
        lambdaU: 3,
        rampUp: [0.2, 0.6],
        unlabeledRatio: 2,
        augment: 'shift ≤ 12.5%',
      },
      fixMatch: {
        threshold: 0.95,
        unlabeledRatio: 2,
        lambdaU: 1,
        weak: 'shift ≤ 12.5%',
        strong: 'crop, brightness/contrast, blur, noise, cutout ≤ 0.5',
      },
      mixMatch: {
        augmentations: 2,
        temperature: 0.5,
        alpha: 0.75,
        lambdaU: 25,
        rampUp: 0.4,
      },
    },
    maxMinutes: settings.maxMinutes,
  },
  rows,
  summary: summaries,
});

for (const budget of settings.budgets) {
  if (stoppedBy !== null) break;
  try {
    const study = await labelEfficiency({
      train,
      test,
      numClasses: 10,
      budgets: [budget],
      seeds: settings.seeds,
      recipe,
      minimumSteps,
      runners,
      onProgress: ({ completed, total, row, seconds }) => {
        rows.push({ ...row, seconds });
        log(
          `budget ${budget} [${completed}/${total}] ${row.runner} seed ${row.seed}: accuracy ${row.accuracy.toFixed(4)} ` +
            `(${seconds.toFixed(1)} s)`,
        );
        writeJsonAtomically(settings.out, result());
      },
    });
    summaries.push(...study.summary);
  } catch (error) {
    if (!(error instanceof DeadlineReached)) throw error;
    stoppedBy = error.message;
    log(`stopped: ${error.message}`);
  }
  writeJsonAtomically(settings.out, result());
}
tf.dispose([train.inputs, test.inputs]);
writeJsonAtomically(settings.out, result());
for (const line of summaries) log(JSON.stringify(line));
log(`wrote ${settings.out}`);
