#!/usr/bin/env node
// BERT masked-LM acceptance run (Devlin et al. 2019): train a WordPiece vocabulary, pretrain a
// BERT-mini-sized encoder on State of the Union addresses + SpamAssassin training bodies, then
// (1) spam/ham with 100 labels drawn stratified: pretrained (linear probe, full finetuning) vs the
// same architecture from scratch, balanced accuracy over ≥ 3 seeds with core's labelEfficiency;
// (2) fill-mask top-5 accuracy on held-out SOTU addresses vs a unigram-frequency baseline.
// Writes a JSON report atomically.
//
//   node scripts/bert-full-run.mjs --max-minutes 45
//   node scripts/bert-full-run.mjs --smoke            (≤ 2 minutes: tiny data, model and budget)
//
// Flags: --max-minutes M (45: pretraining time; the step count is calibrated to fit it),
// --steps N (cap on pretraining steps), --planned-steps N (schedule exactly N steps and skip the
// calibration, for a machine other jobs share; the time budget still stops training), --vocabulary-size N (6000), --batch-size N (16),
// --sequence-length N (128), --learning-rate X (1e-3), --pretraining-dropout X (0.1, BERT's; 0 as
// Cramming, Geiping & Goldstein 2023, for a budget of about one epoch; finetuning always uses 0.1),
// --task-adaptive-steps N (0: off; N > 0: after the broad pretraining, N more masked-LM steps on the
// SpamAssassin training bodies alone, one body per sequence in the finetuning layout: task-adaptive
// pretraining, Gururangan et al. 2020), --task-adaptive-learning-rate X (2e-4: the paper's 1e-4 is a
// sixth of RoBERTa's peak; this is a fifth of ours), --task-adaptive-max-minutes M (10: its own budget),
// --truncation head|head-and-tail (head: how a spam/ham message longer than the sequence is cut;
// head-and-tail keeps its first quarter and its end, Sun et al. 2019), --windows N (1: a message fills up to N
// sequences, read by core's windowed encoder, the mean of their features), --labels N (100), --seeds a,b,c (0,1,2),
// --workers N (1: data-parallel worker threads for pretraining, see scripts/bert-workload.mjs),
// --seed N (0: pretraining), --out FILE (results/bert-full-run.json, smoke: results/bert-smoke.json),
// --run-directory DIR (runs/bert: each run writes <DIR>/<date>/ with its checkpoint and tokenizer.json), --smoke, --quiet, --help.
// The package build defaults to ../dist/index.js; SELFSUP_MASKED_PREDICTION_DIST overrides it.
import { mkdirSync } from 'node:fs';
import os from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { initBackend, labelEfficiency, pretrain, TrainingAbortedError } from '@selfsup/core';
import {
  loadSotu,
  loadSpamAssassin,
  saveTokenizer,
  spamAssassinClassNames,
  trainWordPieceTokenizer,
} from '@selfsup/data';
import * as tf from '@tensorflow/tfjs';
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
const {
  bertDocumentSource,
  bertSequenceSource,
  createBert,
  createBertEncoder,
  encodeBertInputs,
  evaluateFillMask,
  fillMask,
  unigramTopKAccuracy,
} = await import(pathToFileURL(resolve(distribution)).href);

const usage =
  'usage: node scripts/bert-full-run.mjs [--max-minutes 45] [--steps N] [--planned-steps N] [--vocabulary-size 6000] [--batch-size 16] ' +
  '[--sequence-length 128] [--learning-rate 1e-3] [--pretraining-dropout 0.1] ' +
  '[--task-adaptive-steps 0] [--task-adaptive-learning-rate 2e-4] [--task-adaptive-max-minutes 10] [--truncation head] [--windows 1] [--labels 100] [--seeds 0,1,2] [--seed 0] [--workers 1] [--out FILE] ' +
  '[--run-directory runs/bert] [--smoke] [--quiet]';

function parseFlags() {
  let values;
  try {
    ({ values } = parseArgs({
      options: {
        'max-minutes': { type: 'string' },
        steps: { type: 'string' },
        'planned-steps': { type: 'string' },
        'vocabulary-size': { type: 'string' },
        'batch-size': { type: 'string' },
        'sequence-length': { type: 'string' },
        'learning-rate': { type: 'string', default: '1e-3' },
        'pretraining-dropout': { type: 'string', default: '0.1' },
        'task-adaptive-steps': { type: 'string', default: '0' },
        'task-adaptive-learning-rate': { type: 'string', default: '2e-4' },
        'task-adaptive-max-minutes': { type: 'string', default: '10' },
        truncation: { type: 'string', default: 'head' },
        windows: { type: 'string' },
        labels: { type: 'string', default: '100' },
        seeds: { type: 'string', default: '0,1,2' },
        seed: { type: 'string', default: '0' },
        workers: { type: 'string', default: '1' },
        out: { type: 'string' },
        'run-directory': { type: 'string' },
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
  const fail = (message) => {
    console.error(`${message}\n${usage}`);
    process.exit(2);
  };
  const integer = (name, fallback, minimum) => {
    const value = Number(values[name] ?? fallback);
    if (!Number.isInteger(value) || value < minimum)
      fail(`--${name} must be an integer ≥ ${minimum}, got '${values[name]}'.`);
    return value;
  };
  const positive = (name, fallback) => {
    const value = Number(values[name] ?? fallback);
    if (!(value > 0)) fail(`--${name} must be > 0, got '${values[name]}'.`);
    return value;
  };
  const seeds = values.seeds.split(',').map((seed) => Number(seed));
  if (seeds.length < 3 || !seeds.every((seed) => Number.isInteger(seed) && seed >= 0))
    fail(`--seeds must be at least 3 comma-separated integers, got '${values.seeds}'.`);
  return {
    smoke,
    maxMinutes: positive('max-minutes', smoke ? 0.5 : 45),
    steps: values.steps === undefined ? undefined : integer('steps', undefined, 1),
    plannedSteps:
      values['planned-steps'] === undefined ? undefined : integer('planned-steps', undefined, 1),
    vocabularySize: integer('vocabulary-size', smoke ? 1000 : 6000, 100),
    batchSize: integer('batch-size', 16, 2),
    sequenceLength: integer('sequence-length', smoke ? 64 : 128, 8),
    learningRate: positive('learning-rate', 1e-3),
    pretrainingDropout: (() => {
      const value = Number(values['pretraining-dropout']);
      if (!(value >= 0 && value < 1))
        fail(`--pretraining-dropout must be in [0, 1), got '${values['pretraining-dropout']}'.`);
      return value;
    })(),
    taskAdaptiveSteps: integer('task-adaptive-steps', 0, 0),
    taskAdaptiveLearningRate: positive('task-adaptive-learning-rate', 2e-4),
    taskAdaptiveMaxMinutes: positive('task-adaptive-max-minutes', 10),
    truncation: (() => {
      if (values.truncation !== 'head' && values.truncation !== 'head-and-tail')
        fail(`--truncation must be 'head' or 'head-and-tail', got '${values.truncation}'.`);
      return values.truncation;
    })(),
    windows: integer('windows', 1, 1),
    labels: integer('labels', 100, 2),
    seeds,
    seed: integer('seed', 0, 0),
    workers: integer('workers', 1, 1),
    out: resolve(
      values.out ??
        join(packageDirectory, 'results', smoke ? 'bert-smoke.json' : 'bert-full-run.json'),
    ),
    // A fresh folder per run: pretrain() refuses a directory that already holds a run.
    runDirectory: join(
      resolve(
        values['run-directory'] ?? join(packageDirectory, 'runs', smoke ? 'bert-smoke' : 'bert'),
      ),
      new Date().toISOString().replace(/[:.]/g, '-'),
    ),
    quiet: values.quiet,
  };
}

const settings = parseFlags();
const log = (message) => {
  if (!settings.quiet) console.log(`[bert ${new Date().toISOString().slice(11, 19)}] ${message}`);
};
const runStarted = performance.now();
const seconds = (since) => Number(((performance.now() - since) / 1000).toFixed(1));
const backend = await initBackend({ quiet: true });
log(`backend ${backend.backend}`);

// Model sizes: BERT-mini-like (4 × 128) for the full run, a toy for the smoke run.
const model = settings.smoke
  ? { embeddingSize: 64, layers: 2, heads: 2 }
  : { embeddingSize: 128, layers: 4, heads: 4 };

// ---- Data ------------------------------------------------------------------------------------
// SOTU: every tenth address (index ≡ 5 mod 10, spread over 1790–2021) is held out for fill-mask.
const sotu = loadSotu().addresses;
const heldOutAddresses = sotu.filter((_, index) => index % 10 === 5);
const sotuTraining = sotu.filter((_, index) => index % 10 !== 5);
const spam = loadSpamAssassin();
const spamBodies = spam.pretrainingBodies(); // training bodies only: no test body is pretrained on
const pretrainingTexts = [...sotuTraining.map((address) => address.text), ...spamBodies];
const smokeTexts = [
  ...sotuTraining.slice(0, 6).map((address) => address.text),
  ...spamBodies.slice(0, 300),
];
const corpus = settings.smoke ? smokeTexts : pretrainingTexts;
let phase = performance.now();
const tokenizer = trainWordPieceTokenizer(corpus, { vocabularySize: settings.vocabularySize });
const tokenizerSeconds = seconds(phase);
mkdirSync(settings.runDirectory, { recursive: true });
saveTokenizer(tokenizer, join(settings.runDirectory, 'tokenizer.json'));
log(`WordPiece vocabulary ${tokenizer.vocabularySize} in ${tokenizerSeconds} s`);
phase = performance.now();
const separator = tokenizer.specialTokens.separator;
const streamParts = corpus.map((text) => [...tokenizer.encode(text), separator]);
const stream = Int32Array.from(streamParts.flat());
const encodeSeconds = seconds(phase);
log(
  `pretraining stream ${stream.length} tokens (${corpus.length} documents) in ${encodeSeconds} s`,
);

// ---- Pretraining -----------------------------------------------------------------------------
const encoderOptions = {
  vocabularySize: tokenizer.vocabularySize,
  paddingId: tokenizer.specialTokens.padding,
  pooling: 'mean',
  maxLength: settings.sequenceLength,
  ...model,
  dropout: settings.pretrainingDropout,
};
const sourceOptions = {
  sequenceLength: settings.sequenceLength,
  batchSize: settings.batchSize,
  specialTokens: tokenizer.specialTokens,
};
const budgetSeconds = settings.maxMinutes * 60;
// With --workers N, every pretraining step runs on N data-parallel worker threads.
const parallel =
  settings.workers === 1
    ? {}
    : {
        workers: settings.workers,
        workload: {
          module: new URL('./bert-workload.mjs', import.meta.url).href,
          exportName: 'createWorkerBert',
          options: { encoderOptions, specialTokens: tokenizer.specialTokens, seed: settings.seed },
        },
      };
// Calibrate the step count to the time budget (the cosine schedule needs it up front), unless
// --planned-steps fixes it (a timing taken while other jobs share the machine would undercount).
// The probe trains on the same workers as the run; its first steps (worker start-up, warm-up)
// are not timed.
let secondsPerStep = Number.NaN;
let steps = settings.plannedSteps;
if (steps === undefined) {
  const probe = createBert({
    encoder: createBertEncoder({ ...encoderOptions, seed: settings.seed }),
    specialTokens: tokenizer.specialTokens,
  });
  const probeSteps = settings.smoke ? 6 : 14;
  const untimedSteps = settings.smoke ? 2 : 4;
  const stepTimes = [];
  await pretrain(probe, bertSequenceSource(stream, sourceOptions), {
    steps: probeSteps,
    seed: 99,
    ...parallel,
    onProgress: (event) => {
      if (event.step + 1 >= untimedSteps) stepTimes.push(event.elapsedSeconds);
    },
  });
  probe.dispose();
  secondsPerStep =
    ((stepTimes[stepTimes.length - 1] ?? 0) - (stepTimes[0] ?? 0)) /
    Math.max(1, stepTimes.length - 1);
  const fittingSteps = Math.max(10, Math.floor((0.92 * budgetSeconds) / secondsPerStep));
  steps = Math.min(settings.steps ?? Number.POSITIVE_INFINITY, fittingSteps);
}
log(
  Number.isNaN(secondsPerStep)
    ? `${steps} planned steps (--planned-steps), stopped at ${settings.maxMinutes} min in any case`
    : `≈ ${secondsPerStep.toFixed(2)} s per step: ${steps} steps in ${settings.maxMinutes} min`,
);

const bert = createBert({
  encoder: createBertEncoder({ ...encoderOptions, seed: settings.seed }),
  specialTokens: tokenizer.specialTokens,
  seed: settings.seed,
});
let lastReport = 0;
/**
 * One pretraining phase on `bert` with its own warmup + cosine schedule, checkpoints and time
 * budget (a phase past its budget stops where it is and keeps what it trained).
 */
async function pretrainPhase({ source, steps, learningRate, budgetSeconds, directory, dataset }) {
  const budget = new AbortController();
  const lossCurve = [];
  let training;
  let stoppedByTime = false;
  const started = performance.now();
  try {
    training = await pretrain(bert, source, {
      steps,
      learningRate,
      warmupSteps: Math.min(200, Math.floor(steps / 10)),
      weightDecay: 0.01,
      clipNorm: 1,
      seed: settings.seed,
      signal: budget.signal,
      checkpoint: { directory, keepLast: 1 },
      ...parallel,
      tokenizer: {
        file: 'tokenizer.json',
        type: 'wordpiece',
        vocabularySize: tokenizer.vocabularySize,
      },
      dataset,
      onProgress: (event) => {
        // Checked here: the loop's awaits resolve as microtasks, so a timer would never fire.
        if (event.elapsedSeconds > budgetSeconds) budget.abort();
        if (event.step % Math.max(1, Math.floor(steps / 100)) === 0 || event.step + 1 === steps) {
          lossCurve.push({
            step: event.step,
            loss: Number(event.loss.toFixed(4)),
            accuracy: Number((event.metrics.accuracy ?? Number.NaN).toFixed(4)),
          });
        }
        const now = performance.now();
        if (now - lastReport < 15_000 && event.step + 1 < event.totalSteps) return;
        lastReport = now;
        log(
          `step ${event.step + 1}/${event.totalSteps} loss ${event.loss.toFixed(3)} ` +
            `acc ${(event.metrics.accuracy ?? 0).toFixed(3)} ${event.elapsedSeconds.toFixed(0)} s, eta ${event.etaSeconds.toFixed(0)} s`,
        );
      },
    });
  } catch (error) {
    if (!(error instanceof TrainingAbortedError)) throw error;
    training = error.result;
    stoppedByTime = true;
  }
  return { training, stoppedByTime, lossCurve, seconds: seconds(started) };
}

const broad = await pretrainPhase({
  source: bertSequenceSource(stream, sourceOptions),
  steps,
  learningRate: settings.learningRate,
  budgetSeconds,
  directory: settings.runDirectory,
  dataset: {
    name: 'sotu+spam-assassin-bodies',
    heldOutSotuAddresses: heldOutAddresses.map((address) => `${address.year} ${address.president}`),
    spamAssassinSplit: 'train bodies only',
  },
});
const { training, stoppedByTime, lossCurve } = broad;
const pretrainSeconds = broad.seconds;

// ---- Fill-mask on held-out SOTU --------------------------------------------------------------
const heldOutStream = Int32Array.from(
  (settings.smoke ? heldOutAddresses.slice(0, 2) : heldOutAddresses).flatMap((address) => [
    ...tokenizer.encode(address.text),
    separator,
  ]),
);
const windowLength = settings.sequenceLength - 2;
const windowCount = Math.min(
  settings.smoke ? 64 : 1024,
  Math.floor(heldOutStream.length / windowLength),
);
const heldOutIds = new Int32Array(windowCount * settings.sequenceLength);
for (let row = 0; row < windowCount; row++) {
  const offset = row * settings.sequenceLength;
  heldOutIds[offset] = tokenizer.specialTokens.classification;
  heldOutIds.set(heldOutStream.subarray(row * windowLength, (row + 1) * windowLength), offset + 1);
  heldOutIds[offset + settings.sequenceLength - 1] = separator;
}
const specialIds = Object.values(tokenizer.specialTokens);
/** Fill-mask top-1/top-5 of `bert` on the held-out SOTU windows, the unigram baselines, examples. */
function heldOutFillMask() {
  const heldOut = tf.tensor2d(heldOutIds, [windowCount, settings.sequenceLength], 'int32');
  const evaluation = evaluateFillMask(bert, heldOut, {
    masking: bert.maskingOptions,
    topK: 5,
    seed: 7,
  });
  heldOut.dispose();
  const unigramTop5 = unigramTopKAccuracy(stream, evaluation.targets, {
    topK: 5,
    excludeIds: specialIds,
  });
  const unigramTop1 = unigramTopKAccuracy(stream, evaluation.targets, {
    topK: 1,
    excludeIds: specialIds,
  });
  const examples = [
    'the [MASK] of the union is strong.',
    'i ask the [MASK] to pass this bill.',
    'click here to [MASK] from this list.',
    'we must [MASK] our armed forces.',
  ].map((text) => ({
    text,
    candidates: fillMask(bert, tokenizer, text, { topK: 5 }).map((row) =>
      row.map(({ token, probability }) => ({ token, probability: Number(probability.toFixed(4)) })),
    ),
  }));
  log(
    `fill-mask top-5 ${(evaluation.topKAccuracy * 100).toFixed(1)}% vs unigram ${(unigramTop5 * 100).toFixed(1)}% ` +
      `on ${evaluation.count} held-out tokens`,
  );
  return { evaluation, unigramTop1, unigramTop5, examples };
}

// ---- Task-adaptive pretraining (optional) ----------------------------------------------------
// Gururangan et al. 2020: more masked-LM steps on the task's own unlabeled texts (the SpamAssassin
// training bodies), one body per sequence in the finetuning layout, with a fresh schedule. The
// broad model's checkpoint stays in the run directory; this phase writes <run directory>-task-adaptive.
let taskAdaptive = null;
if (settings.taskAdaptiveSteps > 0) {
  const broadFillMask = heldOutFillMask().evaluation;
  const bodies = settings.smoke ? spamBodies.slice(0, 300) : spamBodies;
  // The bodies close the corpus, so their ids are already in streamParts (minus each [SEP]).
  const documents = streamParts
    .slice(corpus.length - bodies.length)
    .map((part) => Int32Array.from(part.slice(0, -1)));
  const directory = `${settings.runDirectory}-task-adaptive`;
  mkdirSync(directory, { recursive: true });
  saveTokenizer(tokenizer, join(directory, 'tokenizer.json'));
  log(
    `task-adaptive pretraining: ${settings.taskAdaptiveSteps} steps on ${documents.length} SpamAssassin training bodies`,
  );
  const adaptive = await pretrainPhase({
    source: bertDocumentSource(documents, sourceOptions),
    steps: settings.taskAdaptiveSteps,
    learningRate: settings.taskAdaptiveLearningRate,
    budgetSeconds: settings.taskAdaptiveMaxMinutes * 60,
    directory,
    dataset: {
      name: 'spam-assassin-training-bodies (task-adaptive, one body per sequence)',
      spamAssassinSplit: 'train bodies only',
      continuesFrom: settings.runDirectory,
    },
  });
  taskAdaptive = {
    directory,
    steps: adaptive.training.stepsRun,
    plannedSteps: settings.taskAdaptiveSteps,
    learningRate: settings.taskAdaptiveLearningRate,
    maxMinutes: settings.taskAdaptiveMaxMinutes,
    stoppedByTimeBudget: adaptive.stoppedByTime,
    seconds: adaptive.seconds,
    documents: documents.length,
    firstLoss: adaptive.training.history[0] ?? null,
    finalLoss: adaptive.training.loss ?? null,
    finalMetrics: adaptive.training.metrics,
    lossCurve: adaptive.lossCurve,
    broadModelFillMask: {
      top1Accuracy: broadFillMask.accuracy,
      top5Accuracy: broadFillMask.topKAccuracy,
      perplexity: Math.exp(broadFillMask.crossEntropy),
    },
  };
}

phase = performance.now();
const { evaluation: fillMaskEvaluation, unigramTop1, unigramTop5, examples } = heldOutFillMask();
const fillMaskSeconds = seconds(phase);

// ---- Spam/ham with few labels ----------------------------------------------------------------
phase = performance.now();
const sets = spamHamSets(spam, tokenizer, {
  encodeBertInputs,
  sequenceLength: settings.sequenceLength,
  truncation: settings.truncation,
  windows: settings.windows,
  smoke: settings.smoke,
});
const { pool, test } = sets;

const efficiency = await labelEfficiency({
  train: pool,
  test,
  budgets: [settings.labels],
  seeds: settings.seeds,
  numClasses: 2,
  runners: [
    balancedRunner(
      'pretrained',
      () => windowedReader(finetuningCopy(bert.encoder), settings.windows),
      ['linear-probe', 'full'],
      { encoderLearningRateMultiplier: spamHamRecipe.pretrainedEncoderLearningRateMultiplier },
    ),
    balancedRunner(
      'scratch',
      (seed) =>
        windowedReader(
          createBertEncoder({
            ...encoderOptions,
            dropout: spamHamRecipe.encoderDropout,
            seed: 1000 + seed,
          }),
          settings.windows,
        ),
      ['full'],
      {},
    ),
  ],
  recipe: settings.smoke
    ? { epochs: 2, batchSize: 16, inferenceBatchSize: 64 }
    : {
        epochs: spamHamRecipe.epochs,
        batchSize: spamHamRecipe.batchSize,
        inferenceBatchSize: spamHamRecipe.inferenceBatchSize,
        learningRate: spamHamRecipe.learningRate,
      },
  minimumSteps: settings.smoke ? 4 : spamHamRecipe.minimumSteps,
  summaryMetrics: ['balancedAccuracy', 'accuracy', 'macroF1'],
  onProgress: ({ completed, total, row, seconds: runSeconds }) =>
    log(
      `finetune ${completed}/${total}: ${row.runner}/${row.mode} seed ${row.seed} ` +
        `balanced accuracy ${(row.metrics.balancedAccuracy * 100).toFixed(1)}% (${runSeconds.toFixed(0)} s)`,
    ),
});
disposeSpamHamSets(sets);
const finetuneSeconds = seconds(phase);
const summaryOf = (runner, mode) => balancedSummary(efficiency, runner, mode);
const pretrainedFull = summaryOf('pretrained', 'full');
const pretrainedProbe = summaryOf('pretrained', 'linear-probe');
const scratch = summaryOf('scratch', 'full');
const bestPretrained = [pretrainedFull, pretrainedProbe]
  .filter((entry) => entry !== undefined)
  .sort((left, right) => right.mean - left.mean)[0];

const report = {
  method: 'bert-mlm',
  date: new Date().toISOString(),
  machine: {
    cpu: os.cpus()[0]?.model ?? 'unknown',
    cores: os.cpus().length,
    platform: `${os.platform()} ${os.arch()}`,
  },
  backend: backend.backend,
  smoke: settings.smoke,
  settings: {
    maxMinutes: settings.maxMinutes,
    steps: training.stepsRun,
    calibratedSteps: steps,
    secondsPerStep: Number(secondsPerStep.toFixed(3)),
    stoppedByTimeBudget: stoppedByTime,
    batchSize: settings.batchSize,
    sequenceLength: settings.sequenceLength,
    learningRate: settings.learningRate,
    optimizer: 'adamw (weight decay 0.01, clip 1, warmup + cosine)',
    seed: settings.seed,
    workers: settings.workers,
    encoder: { type: 'transformer (createBertEncoder)', ...encoderOptions },
    finetuningDropout: spamHamRecipe.encoderDropout,
    masking: '15% selected, 80/10/10 [MASK]/random/unchanged (core maskTokens)',
    tokenizer: { type: 'WordPiece', vocabularySize: tokenizer.vocabularySize },
    runDirectory: settings.runDirectory,
  },
  data: {
    pretraining: settings.smoke
      ? 'smoke: 6 SOTU addresses + 300 SpamAssassin training bodies'
      : `${sotuTraining.length} SOTU addresses + ${spamBodies.length} SpamAssassin training bodies`,
    pretrainingTokens: stream.length,
    heldOutSotuAddresses: heldOutAddresses.length,
    spamPool: sets.description.poolMessages,
    spamTest: sets.description.scoredMessages,
    classes: spamAssassinClassNames,
  },
  seconds: {
    tokenizer: tokenizerSeconds,
    encode: encodeSeconds,
    pretrain: pretrainSeconds,
    taskAdaptivePretrain: taskAdaptive?.seconds ?? 0,
    fillMask: fillMaskSeconds,
    finetune: finetuneSeconds,
    total: seconds(runStarted),
  },
  pretraining: {
    firstLoss: training.history[0] ?? null,
    finalLoss: training.loss ?? null,
    finalMetrics: training.metrics,
    lossCurve,
  },
  taskAdaptivePretraining: taskAdaptive,
  fillMask: {
    heldOutTokens: fillMaskEvaluation.count,
    top1Accuracy: fillMaskEvaluation.accuracy,
    top5Accuracy: fillMaskEvaluation.topKAccuracy,
    crossEntropy: fillMaskEvaluation.crossEntropy,
    perplexity: Math.exp(fillMaskEvaluation.crossEntropy),
    unigramTop1Accuracy: unigramTop1,
    unigramTop5Accuracy: unigramTop5,
    examples,
  },
  spamHam: {
    labels: settings.labels,
    seeds: settings.seeds,
    truncation: settings.truncation,
    windows: settings.windows,
    metric: 'balanced accuracy (mean per-class recall) on the SpamAssassin test split',
    summary: efficiency.summary,
    rows: efficiency.rows,
  },
  acceptance: {
    pretrainedMinusScratchBalancedAccuracy:
      bestPretrained && scratch ? bestPretrained.mean - scratch.mean : null,
    pretrainedAtLeastScratchPlus10Points:
      bestPretrained && scratch ? bestPretrained.mean >= scratch.mean + 0.1 : null,
    fillMaskTop5AboveUnigram: fillMaskEvaluation.topKAccuracy > unigramTop5,
  },
};
writeJsonAtomically(settings.out, report);
bert.dispose();
log(
  `balanced accuracy with ${settings.labels} labels: pretrained full ${pretrainedFull?.mean.toFixed(3)}, ` +
    `probe ${pretrainedProbe?.mean.toFixed(3)}, scratch ${scratch?.mean.toFixed(3)}; ` +
    `fill-mask top-5 ${fillMaskEvaluation.topKAccuracy.toFixed(3)} vs unigram ${unigramTop5.toFixed(3)}; ` +
    `${seconds(runStarted)} s; wrote ${settings.out}`,
);
