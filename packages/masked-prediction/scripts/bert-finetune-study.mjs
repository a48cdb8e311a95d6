#!/usr/bin/env node
// Spam/ham finetuning of a saved BERT run (bert-full-run.mjs's --run-directory) without pretraining
// again: choose a finetuning recipe on a validation split carved from the SpamAssassin training
// split (the test split is never read), then score the chosen recipes on the test split.
// Balanced accuracy with --labels labels drawn stratified, core's labelEfficiency over --seeds,
// the pretrained encoder (linear probe and/or full finetuning) and/or the same architecture from
// scratch. Writes a JSON report atomically.
//
//   node scripts/bert-finetune-study.mjs --run runs/bert/<date> --split validation --learning-rate 3e-4
//   node scripts/bert-finetune-study.mjs --run runs/bert/<date> --split test --rows scratch --learning-rate 3e-4
//
// Flags: --run DIR (required: holds tokenizer.json and the step-N checkpoints), --split validation|test
// (validation), --rows LIST (pretrained-full,pretrained-probe,scratch), --labels N (100), --seeds a,b,c
// (0,1,2,3,4), --learning-rate X (head, and scratch encoder: 1e-3), --encoder-learning-rate-multiplier X
// (pretrained encoder in full finetuning: 0.1), --linear-probe-first N (0: off; N > 0: the pretrained
// full finetuning starts from a linear probe trained up to N epochs, LP-FT), --epochs N (40), --batch-size N (16), --patience N (5),
// --monitor loss|accuracy (loss), --minimum-steps N (150), --truncation head|head-and-tail (head: how a
// message longer than the sequence is cut; head-and-tail keeps its first quarter and its end, Sun et al. 2019),
// --windows N (1: a message fills up to N sequences, read by core's windowed encoder, the mean of their features), --out FILE
// (results/bert-finetune-<split>-<time>.json), --smoke (every 12th pool and 6th scored message, 2 epochs), --quiet.
// The package build defaults to ../dist/index.js; SELFSUP_MASKED_PREDICTION_DIST overrides it.
import os from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { createTransformerEncoder, initBackend, labelEfficiency } from '@selfsup/core';
import { loadSpamAssassin, loadTokenizer } from '@selfsup/data';
import {
  balancedRunner,
  balancedSummary,
  disposeSpamHamSets,
  finetuningCopy,
  spamHamRecipe,
  spamHamSets,
  windowedReader,
  writeJsonAtomically,
} from './bert-spam-ham.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const packageDirectory = resolve(here, '..');
const distribution =
  process.env.SELFSUP_MASKED_PREDICTION_DIST ?? resolve(packageDirectory, 'dist/index.js');
const { encodeBertInputs, loadBert } = await import(pathToFileURL(resolve(distribution)).href);

const usage =
  'usage: node scripts/bert-finetune-study.mjs --run DIR [--split validation|test] ' +
  '[--rows pretrained-full,pretrained-probe,scratch] [--labels 100] [--seeds 0,1,2,3,4] [--learning-rate 1e-3] ' +
  '[--encoder-learning-rate-multiplier 0.1] [--linear-probe-first 0] [--epochs 40] [--batch-size 16] [--patience 5] [--monitor loss] ' +
  '[--minimum-steps 150] [--truncation head] [--windows 1] [--out FILE] [--smoke] [--quiet]';
const allRows = ['pretrained-full', 'pretrained-probe', 'scratch'];

function parseFlags() {
  let values;
  try {
    ({ values } = parseArgs({
      options: {
        run: { type: 'string' },
        split: { type: 'string', default: 'validation' },
        rows: { type: 'string', default: allRows.join(',') },
        labels: { type: 'string', default: '100' },
        seeds: { type: 'string', default: '0,1,2,3,4' },
        'learning-rate': { type: 'string', default: String(spamHamRecipe.learningRate) },
        'encoder-learning-rate-multiplier': {
          type: 'string',
          default: String(spamHamRecipe.pretrainedEncoderLearningRateMultiplier),
        },
        'linear-probe-first': { type: 'string', default: '0' },
        epochs: { type: 'string', default: String(spamHamRecipe.epochs) },
        'batch-size': { type: 'string', default: String(spamHamRecipe.batchSize) },
        patience: { type: 'string', default: '5' },
        monitor: { type: 'string', default: 'loss' },
        truncation: { type: 'string', default: 'head' },
        windows: { type: 'string', default: '1' },
        'minimum-steps': { type: 'string', default: String(spamHamRecipe.minimumSteps) },
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
  const fail = (message) => {
    console.error(`${message}\n${usage}`);
    process.exit(2);
  };
  if (values.run === undefined) fail('--run is required: a run directory of bert-full-run.mjs.');
  if (values.split !== 'validation' && values.split !== 'test')
    fail(`--split must be 'validation' or 'test', got '${values.split}'.`);
  if (values.monitor !== 'loss' && values.monitor !== 'accuracy')
    fail(`--monitor must be 'loss' or 'accuracy', got '${values.monitor}'.`);
  if (values.truncation !== 'head' && values.truncation !== 'head-and-tail')
    fail(`--truncation must be 'head' or 'head-and-tail', got '${values.truncation}'.`);
  const rows = values.rows.split(',');
  const unknown = rows.filter((row) => !allRows.includes(row));
  if (unknown.length > 0 || rows.length === 0)
    fail(`--rows takes ${allRows.join(', ')}; got '${values.rows}'.`);
  const integer = (name, minimum) => {
    const value = Number(values[name]);
    if (!Number.isInteger(value) || value < minimum)
      fail(`--${name} must be an integer ≥ ${minimum}, got '${values[name]}'.`);
    return value;
  };
  const number = (name, minimum) => {
    const value = Number(values[name]);
    if (!(value >= minimum) || !Number.isFinite(value))
      fail(`--${name} must be a number ≥ ${minimum}, got '${values[name]}'.`);
    return value;
  };
  const seeds = values.seeds.split(',').map(Number);
  if (seeds.length < 3 || !seeds.every((seed) => Number.isInteger(seed) && seed >= 0))
    fail(`--seeds must be at least 3 comma-separated integers, got '${values.seeds}'.`);
  const learningRate = number('learning-rate', 0);
  if (learningRate === 0) fail('--learning-rate must be > 0.');
  const stamp = new Date().toISOString().replace(/[:.]/g, '-');
  return {
    run: resolve(values.run),
    split: values.split,
    rows,
    labels: integer('labels', 2),
    seeds,
    learningRate,
    encoderLearningRateMultiplier: number('encoder-learning-rate-multiplier', 0),
    linearProbeFirst: integer('linear-probe-first', 0),
    epochs: integer('epochs', 1),
    batchSize: integer('batch-size', 1),
    patience: integer('patience', 1),
    monitor: values.monitor,
    truncation: values.truncation,
    windows: integer('windows', 1),
    minimumSteps: integer('minimum-steps', 0),
    out: resolve(
      values.out ??
        join(packageDirectory, 'results', `bert-finetune-${values.split}-${stamp}.json`),
    ),
    smoke: values.smoke,
    quiet: values.quiet,
  };
}

const settings = parseFlags();
const log = (message) => {
  if (!settings.quiet)
    console.log(`[bert-finetune ${new Date().toISOString().slice(11, 19)}] ${message}`);
};
const started = performance.now();
const backend = await initBackend({ quiet: true });
let tokenizer;
try {
  tokenizer = loadTokenizer(join(settings.run, 'tokenizer.json'));
} catch (error) {
  console.error(
    `Cannot read ${join(settings.run, 'tokenizer.json')}: ${error.message}\n` +
      'Pass --run the run directory bert-full-run.mjs printed (it holds tokenizer.json and the checkpoints).',
  );
  process.exit(2);
}
const bert = await loadBert(settings.run);
const encoderSettings = bert.encoder.settings;
log(
  `${settings.run}: step ${bert.manifest.step}, ${encoderSettings.layers} × ${encoderSettings.embeddingSize}, ` +
    `${settings.split} split, rows ${settings.rows.join(', ')}`,
);

const spam = loadSpamAssassin();
const sets = spamHamSets(spam, tokenizer, {
  encodeBertInputs,
  sequenceLength: encoderSettings.maxLength,
  split: settings.split,
  truncation: settings.truncation,
  windows: settings.windows,
  smoke: settings.smoke,
});
const pretrainedModes = [
  ...(settings.rows.includes('pretrained-probe') ? ['linear-probe'] : []),
  ...(settings.rows.includes('pretrained-full') ? ['full'] : []),
];
const runners = [
  ...(pretrainedModes.length === 0
    ? []
    : [
        balancedRunner(
          'pretrained',
          () => windowedReader(finetuningCopy(bert.encoder), settings.windows),
          pretrainedModes,
          {
            encoderLearningRateMultiplier: settings.encoderLearningRateMultiplier,
            ...(settings.linearProbeFirst === 0
              ? {}
              : { linearProbeFirst: { epochs: settings.linearProbeFirst } }),
          },
        ),
      ]),
  ...(settings.rows.includes('scratch')
    ? [
        balancedRunner(
          'scratch',
          // The seeds of bert-full-run.mjs's scratch runner: the same models for the same seeds.
          (seed) =>
            windowedReader(
              createTransformerEncoder({
                ...encoderSettings,
                dropout: spamHamRecipe.encoderDropout,
                seed: 1000 + seed,
              }),
              settings.windows,
            ),
          ['full'],
          {},
        ),
      ]
    : []),
];
const recipe = {
  epochs: settings.smoke ? 2 : settings.epochs,
  batchSize: settings.batchSize,
  inferenceBatchSize: spamHamRecipe.inferenceBatchSize,
  learningRate: settings.learningRate,
  earlyStopping: { patience: settings.patience, monitor: settings.monitor },
};
const efficiency = await labelEfficiency({
  train: sets.pool,
  test: sets.test,
  budgets: [settings.labels],
  seeds: settings.seeds,
  numClasses: 2,
  runners,
  recipe,
  minimumSteps: settings.smoke ? 4 : settings.minimumSteps,
  summaryMetrics: ['balancedAccuracy', 'accuracy', 'macroF1'],
  onProgress: ({ completed, total, row, seconds }) =>
    log(
      `${completed}/${total}: ${row.runner}/${row.mode} seed ${row.seed} ` +
        `balanced accuracy ${(row.metrics.balancedAccuracy * 100).toFixed(1)}% (${seconds.toFixed(0)} s)`,
    ),
});
disposeSpamHamSets(sets);
bert.dispose();

const summary = Object.fromEntries(
  [
    ['pretrained-full', 'pretrained', 'full'],
    ['pretrained-probe', 'pretrained', 'linear-probe'],
    ['scratch', 'scratch', 'full'],
  ]
    .map(([row, runner, mode]) => [row, balancedSummary(efficiency, runner, mode)])
    .filter(([, entry]) => entry !== undefined)
    .map(([row, entry]) => [row, { mean: entry.mean, std: entry.std, n: entry.n }]),
);
writeJsonAtomically(settings.out, {
  method: 'bert-mlm spam/ham finetuning',
  date: new Date().toISOString(),
  machine: {
    cpu: os.cpus()[0]?.model ?? 'unknown',
    cores: os.cpus().length,
    platform: `${os.platform()} ${os.arch()}`,
  },
  backend: backend.backend,
  smoke: settings.smoke,
  run: { directory: settings.run, step: bert.manifest.step },
  data: sets.description,
  settings: {
    labels: settings.labels,
    seeds: settings.seeds,
    rows: settings.rows,
    recipe: {
      ...recipe,
      minimumSteps: settings.minimumSteps,
      pretrainedEncoderLearningRateMultiplier: settings.encoderLearningRateMultiplier,
      pretrainedLinearProbeFirstEpochs: settings.linearProbeFirst,
    },
  },
  metric: `balanced accuracy (mean per-class recall) on the ${sets.description.scored}`,
  balancedAccuracy: summary,
  summary: efficiency.summary,
  rows: efficiency.rows,
  seconds: Number(((performance.now() - started) / 1000).toFixed(1)),
});
log(
  `${Object.entries(summary)
    .map(
      ([row, entry]) => `${row} ${(entry.mean * 100).toFixed(1)} ± ${(entry.std * 100).toFixed(1)}`,
    )
    .join(', ')}; wrote ${settings.out}`,
);
