#!/usr/bin/env node
// CPC acceptance run (van den Oord, Li & Vinyals 2018) on the synthetic audio clips of
// @selfsup/data: pretrain a CPC encoder (strided conv g_enc + causal context network g_ar) on
// unlabeled clips, then train a linear probe (core's finetune, mode 'linear-probe') on its frozen
// representation and compare with a random-init encoder of the same architecture. Three
// representations are probed, each pooled over time (--pooling): c_t (what the paper probes), z_t,
// and [c_t, z_t]; --representation names the one the targets read (chosen on validation clips,
// see the package README). Targets: probe accuracy ≥ 90%, ≥ 20 points above random init.
//
//   node scripts/cpc-full-run.mjs --steps 2500 --batch-size 16 --out results.json
//
// Flags: --steps N (2500), --batch-size N (16), --out FILE (cpc-results.json),
// --learning-rate X (5e-3), --prediction-steps K (6), --channels N (32), --context-units N (32),
// --context-network lstm|gru (lstm), --pooling mean|mean-max (mean-max), --representation
// context|latent|context-and-latent (context-and-latent), --sample-rate 8000|16000
// (8000), --probe-train N (800), --probe-test N (800), --probe-epochs N (100), --seed N (0),
// --max-minutes M (30: pretraining stops at this wall time, the issue's budget; the report says
// which of steps or time stopped it), --run-dir DIR (<out>-run/: the run's checkpoints; must be
// new or empty), --snapshots K (1: checkpoints at K evenly spaced steps, the last one included;
// the one whose probe of --representation scores best on a validation set of --probe-validation N clips
// (800), drawn apart from the probe's train and test clips, is chosen; the test set scores only
// the pick, and every snapshot's scores are reported), --encoder DIR (no pretraining: probe the
// checkpoint or the run directory's snapshots written by an earlier run with the same
// architecture flags), --workers N (1: data-parallel worker threads, InfoNCE over the candidates
// of every worker; see scripts/cpc-workload.mjs), --quiet. The contrastive build defaults to
// ../dist/index.js; set SELFSUP_CONTRASTIVE_DIST to another build.
import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import {
  createEncoder,
  evaluate,
  finetune,
  initBackend,
  listCheckpoints,
  loadEncoder,
  pretrain,
  TrainingAbortedError,
} from '@selfsup/core';
import { audioSetToTensor, syntheticAudioSource, syntheticAudioTestSet } from '@selfsup/data';
import * as tf from '@tensorflow/tfjs';

const here = dirname(fileURLToPath(import.meta.url));
const distribution = process.env.SELFSUP_CONTRASTIVE_DIST ?? resolve(here, '../dist/index.js');
const { createCpc, createCpcEncoder, cpcEncoders, registerCpcLayers } = await import(
  pathToFileURL(resolve(distribution)).href
);
// The run's encoder, built the same way on the main thread and in every worker.
const { createRunCpcEncoder } = await import('./cpc-workload.mjs');

const usage =
  'usage: node scripts/cpc-full-run.mjs [--steps 2500] [--batch-size 16] [--out cpc-results.json] ' +
  '[--learning-rate 5e-3] [--prediction-steps 6] [--channels 32] [--context-units 32] ' +
  '[--context-network lstm|gru] [--pooling mean|mean-max] [--representation context-and-latent] [--sample-rate 8000|16000] [--probe-train 800] [--probe-test 800] ' +
  '[--probe-epochs 100] [--max-minutes 30] [--run-dir DIR] [--snapshots 1] [--probe-validation 800] [--encoder DIR] [--workers 1] [--seed 0] [--quiet]';

function parseFlags() {
  let values;
  try {
    ({ values } = parseArgs({
      options: {
        steps: { type: 'string', default: '2500' },
        'batch-size': { type: 'string', default: '16' },
        out: { type: 'string', default: 'cpc-results.json' },
        'learning-rate': { type: 'string', default: '5e-3' },
        'prediction-steps': { type: 'string', default: '6' },
        channels: { type: 'string', default: '32' },
        'context-units': { type: 'string', default: '32' },
        'context-network': { type: 'string', default: 'lstm' },
        pooling: { type: 'string', default: 'mean-max' },
        representation: { type: 'string', default: 'context-and-latent' },
        'sample-rate': { type: 'string', default: '8000' },
        'probe-train': { type: 'string', default: '800' },
        'probe-test': { type: 'string', default: '800' },
        'probe-epochs': { type: 'string', default: '100' },
        'max-minutes': { type: 'string', default: '30' },
        snapshots: { type: 'string', default: '1' },
        workers: { type: 'string', default: '1' },
        'probe-validation': { type: 'string', default: '800' },
        'run-dir': { type: 'string' },
        encoder: { type: 'string' },
        seed: { type: 'string', default: '0' },
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
  const integer = (name, minimum) => {
    const value = Number(values[name]);
    if (!Number.isInteger(value) || value < minimum) {
      console.error(`--${name} must be an integer ≥ ${minimum}, got '${values[name]}'.\n${usage}`);
      process.exit(2);
    }
    return value;
  };
  const learningRate = Number(values['learning-rate']);
  if (!(learningRate > 0)) {
    console.error(`--learning-rate must be > 0, got '${values['learning-rate']}'.\n${usage}`);
    process.exit(2);
  }
  const sampleRate = integer('sample-rate', 1);
  if (sampleRate !== 8000 && sampleRate !== 16000) {
    console.error(`--sample-rate must be 8000 or 16000, got '${values['sample-rate']}'.\n${usage}`);
    process.exit(2);
  }
  if (values['context-network'] !== 'lstm' && values['context-network'] !== 'gru') {
    console.error(
      `--context-network must be lstm or gru, got '${values['context-network']}'.\n${usage}`,
    );
    process.exit(2);
  }
  if (values.pooling !== 'mean' && values.pooling !== 'mean-max') {
    console.error(`--pooling must be mean or mean-max, got '${values.pooling}'.\n${usage}`);
    process.exit(2);
  }
  if (!representations.includes(values.representation)) {
    console.error(
      `--representation must be one of ${representations.join(', ')}, got '${values.representation}'.\n${usage}`,
    );
    process.exit(2);
  }
  const maxMinutes = Number(values['max-minutes']);
  if (!(maxMinutes > 0)) {
    console.error(`--max-minutes must be > 0, got '${values['max-minutes']}'.\n${usage}`);
    process.exit(2);
  }
  const workers = integer('workers', 1);
  const batchSize = integer('batch-size', 2);
  if (batchSize % workers !== 0) {
    console.error(
      `--batch-size ${batchSize} does not split across --workers ${workers}: use a multiple of ${workers} (e.g. ${workers * Math.ceil(batchSize / workers)}).\n${usage}`,
    );
    process.exit(2);
  }
  return {
    steps: integer('steps', 1),
    maxMinutes,
    snapshots: integer('snapshots', 1),
    workers,
    probeValidation: integer('probe-validation', 8),
    batchSize,
    out: resolve(values.out),
    runDirectory: resolve(values['run-dir'] ?? `${values.out.replace(/\.json$/, '')}-run`),
    encoderDirectory: values.encoder === undefined ? null : resolve(values.encoder),
    learningRate,
    predictionSteps: integer('prediction-steps', 1),
    channels: integer('channels', 1),
    contextUnits: integer('context-units', 1),
    contextNetwork: values['context-network'],
    pooling: values.pooling,
    representation: values.representation,
    sampleRate,
    probeTrain: integer('probe-train', 8),
    probeTest: integer('probe-test', 8),
    probeEpochs: integer('probe-epochs', 1),
    seed: integer('seed', 0),
    quiet: values.quiet,
  };
}

/** The representations probed: c_t, z_t, and both (createCpcEncoder's `representation`). */
const representations = ['context', 'latent', 'context-and-latent'];
const shortNames = { context: 'c', latent: 'z', 'context-and-latent': 'c+z' };

/** The same weights behind a representation and the run's pooling. */
function withRepresentation(encoder, representation, pooling) {
  const copy = createEncoder({ ...encoder.getConfig(), representation, pooling }, cpcEncoders);
  copy.model.setWeights(encoder.model.getWeights());
  return copy;
}

/**
 * Linear probes of every representation, each trained once on `train` and scored on each of
 * `sets` (e.g. `{ test, validation }`): `{ [set]: { accuracy: { context, … }, confusionMatrix: { … } } }`.
 */
async function probeAll(encoder, train, sets, flags) {
  const scores = Object.fromEntries(
    Object.keys(sets).map((name) => [name, { accuracy: {}, confusionMatrix: {} }]),
  );
  for (const representation of representations) {
    const view = withRepresentation(encoder, representation, flags.pooling);
    const model = await finetune(view, train, {
      mode: 'linear-probe',
      epochs: flags.probeEpochs,
      batchSize: 64,
      learningRate: 1e-2,
      earlyStopping: false,
      seed: flags.seed,
    });
    for (const [name, set] of Object.entries(sets)) {
      const report = await evaluate(model, set);
      scores[name].accuracy[representation] = report.accuracy;
      scores[name].confusionMatrix[representation] = report.confusionMatrix;
    }
    model.dispose();
    view.dispose();
  }
  return scores;
}

const describe = (accuracy) =>
  representations
    .map((name) => `${(100 * accuracy[name]).toFixed(1)}% (${shortNames[name]})`)
    .join(', ');

/** The checkpoints of a run directory (oldest first, core's `listCheckpoints`), or the checkpoint itself. */
async function listSnapshots(directory) {
  const checkpoints = await listCheckpoints(directory);
  return checkpoints.length === 0 ? [{ step: null, directory }] : checkpoints;
}

function writeJsonAtomically(path, value) {
  mkdirSync(dirname(path), { recursive: true });
  const temporary = `${path}.${process.pid}.tmp`;
  writeFileSync(temporary, `${JSON.stringify(value, null, 2)}\n`);
  renameSync(temporary, path);
}

const flags = parseFlags();
if (typeof createCpc !== 'function' || typeof createCpcEncoder !== 'function') {
  console.error(
    `${distribution} does not export createCpc: build @selfsup/contrastive (pnpm --filter @selfsup/contrastive build) or point SELFSUP_CONTRASTIVE_DIST at a build that does.`,
  );
  process.exit(1);
}
const backend = await initBackend({ quiet: true });
registerCpcLayers(); // before loadEncoder reads a CPC checkpoint
const log = (message) => {
  if (!flags.quiet) console.log(message);
};
log(
  `CPC on synthetic audio (${flags.sampleRate} Hz, 1 s clips), backend ${backend.backend}: ${
    flags.encoderDirectory === null
      ? `${flags.steps} steps × ${flags.batchSize} clips on ${flags.workers} worker${flags.workers === 1 ? '' : 's'}`
      : `probing the checkpoints of ${flags.encoderDirectory}`
  }.`,
);

const probeTrainSet = syntheticAudioTestSet({
  count: flags.probeTrain,
  seed: flags.seed + 1,
  sampleRate: flags.sampleRate,
});
const probeTestSet = syntheticAudioTestSet({
  count: flags.probeTest,
  seed: flags.seed + 2,
  sampleRate: flags.sampleRate,
});
const train = { inputs: audioSetToTensor(probeTrainSet), labels: probeTrainSet.labels };
const test = { inputs: audioSetToTensor(probeTestSet), labels: probeTestSet.labels };
const randomEncoder = createRunCpcEncoder(flags);
const frames = randomEncoder.outputLength(flags.sampleRate);
const probeStarted = performance.now();
const randomInit = (await probeAll(randomEncoder, train, { test }, flags)).test;
const probeSeconds = (performance.now() - probeStarted) / 1000;
randomEncoder.dispose();
log(`random init: linear probe ${describe(randomInit.accuracy)} [${probeSeconds.toFixed(0)} s]`);

let pretrained;
let stoppedBy = 'steps';
if (flags.encoderDirectory === null) {
  const objective = createCpc({
    encoder: createRunCpcEncoder(flags),
    predictionSteps: flags.predictionSteps,
    seed: flags.seed,
  });
  const everySteps = Math.max(1, Math.round(flags.steps / 20));
  // The budget: pretraining stops at --max-minutes (the weights trained so far are kept and probed).
  const budget = new AbortController();
  const budgetTimer = setTimeout(() => budget.abort(), flags.maxMinutes * 60_000);
  pretrained = await pretrain(
    objective,
    syntheticAudioSource({ batchSize: flags.batchSize, sampleRate: flags.sampleRate }),
    {
      steps: flags.steps,
      learningRate: flags.learningRate,
      warmupSteps: Math.min(100, Math.floor(flags.steps / 10)),
      clipNorm: 5,
      seed: flags.seed,
      signal: budget.signal,
      // --snapshots K: checkpoints at steps S/K, 2S/K, …, S (and at the step a time stop ends on).
      checkpoint: {
        directory: flags.runDirectory,
        keepLast: flags.snapshots,
        ...(flags.snapshots > 1
          ? { everySteps: Math.max(1, Math.round(flags.steps / flags.snapshots)) }
          : {}),
      },
      ...(flags.workers === 1
        ? {}
        : {
            workers: flags.workers,
            workload: {
              module: new URL('./cpc-workload.mjs', import.meta.url).href,
              exportName: 'createWorkerCpc',
              // createRunCpcEncoder's fields and K, as the main thread's objective uses them.
              options: flags,
            },
          }),
      onProgress: (event) => {
        if (event.step % everySteps !== 0 && event.step !== flags.steps) return;
        const eta = event.etaSeconds === undefined ? '' : `, ETA ${Math.round(event.etaSeconds)} s`;
        log(
          `step ${event.step}/${flags.steps}: loss ${event.loss.toFixed(3)}, accuracy ${(event.metrics.accuracy ?? 0).toFixed(3)} (k1 ${(event.metrics.accuracy_k1 ?? 0).toFixed(3)})${eta}`,
        );
      },
    },
  ).catch((error) => {
    if (!(error instanceof TrainingAbortedError)) throw error;
    stoppedBy = 'time';
    return error.result;
  });
  clearTimeout(budgetTimer);
  objective.dispose();
  log(
    `pretraining: ${pretrained.elapsedSeconds.toFixed(0)} s, ${pretrained.stepsRun} steps (stopped by ${stoppedBy}); checkpoints in ${flags.runDirectory}.`,
  );
}

// The snapshots: this run's checkpoints, or --encoder's.
const snapshots = await listSnapshots(flags.encoderDirectory ?? flags.runDirectory);
// Snapshot selection only: clips of a third seed, never the probe's train or test clips.
const probeValidationSet =
  snapshots.length > 1
    ? syntheticAudioTestSet({
        count: flags.probeValidation,
        seed: flags.seed + 3,
        sampleRate: flags.sampleRate,
      })
    : undefined;
const validation =
  probeValidationSet === undefined
    ? undefined
    : { inputs: audioSetToTensor(probeValidationSet), labels: probeValidationSet.labels };
const snapshotScores = [];
let chosen;
let cpc;
if (validation === undefined) {
  chosen = snapshots[snapshots.length - 1];
  const encoder = await loadEncoder(chosen.directory, cpcEncoders);
  cpc = (await probeAll(encoder, train, { test }, flags)).test;
  encoder.dispose();
} else {
  let best = -1;
  for (const snapshot of snapshots) {
    const encoder = await loadEncoder(snapshot.directory, cpcEncoders);
    // Every representation is scored on the validation clips (the evidence for --representation);
    // the snapshot is chosen by --representation's score.
    const { validation: validationScores, test: scores } = await probeAll(
      encoder,
      train,
      { validation, test },
      flags,
    );
    const validationAccuracy = validationScores.accuracy[flags.representation];
    encoder.dispose();
    snapshotScores.push({
      step: snapshot.step,
      validationAccuracy: validationScores.accuracy,
      testAccuracy: scores.accuracy,
    });
    log(
      `snapshot at step ${snapshot.step}: validation ${describe(validationScores.accuracy)}; test ${describe(scores.accuracy)}`,
    );
    // Ties go to the later snapshot (more training).
    if (validationAccuracy >= best) {
      best = validationAccuracy;
      chosen = snapshot;
      cpc = scores;
    }
  }
}
log(`CPC: linear probe ${describe(cpc.accuracy)}; random init ${describe(randomInit.accuracy)}.`);

const window = (run) => Math.max(1, Math.min(50, Math.floor(run.history.length / 5)));
const mean = (values) => values.reduce((sum, value) => sum + value, 0) / values.length;
const target = (scores) => scores.accuracy[flags.representation];
const results = {
  method: 'cpc',
  paper:
    'van den Oord, Li & Vinyals 2018, Representation Learning with Contrastive Predictive Coding',
  dataset: {
    id: `synthetic-audio-${flags.sampleRate / 1000}khz`,
    classes: 8,
    clipSeconds: 1,
    latentSteps: frames,
    probeTrain: flags.probeTrain,
    probeTest: flags.probeTest,
    probeValidation: validation === undefined ? null : flags.probeValidation,
  },
  backend: backend.backend,
  settings: {
    steps: flags.steps,
    maxMinutes: flags.maxMinutes,
    batchSize: flags.batchSize,
    workers: flags.workers,
    learningRate: flags.learningRate,
    predictionSteps: flags.predictionSteps,
    channels: flags.channels,
    contextUnits: flags.contextUnits,
    contextNetwork: flags.contextNetwork,
    pooling: flags.pooling,
    representation: flags.representation,
    seed: flags.seed,
    probe: { mode: 'linear-probe', epochs: flags.probeEpochs, batchSize: 64, learningRate: 1e-2 },
  },
  encoder: flags.encoderDirectory ?? flags.runDirectory,
  pretraining:
    pretrained === undefined
      ? null
      : {
          stepsRun: pretrained.stepsRun,
          stoppedBy,
          withinBudget: pretrained.elapsedSeconds <= flags.maxMinutes * 60,
          seconds: pretrained.elapsedSeconds,
          secondsPerStep: pretrained.elapsedSeconds / Math.max(1, pretrained.stepsRun),
          lossFirst: mean(pretrained.history.slice(0, window(pretrained))),
          lossLast: mean(pretrained.history.slice(-window(pretrained))),
          chanceLoss: Math.log(flags.batchSize * (frames ?? 1)),
          finalMetrics: pretrained.metrics,
        },
  linearProbeAccuracy: {
    cpc: cpc.accuracy,
    randomInit: randomInit.accuracy,
  },
  // confusionMatrix[true][predicted] of the chosen encoder's probes, classes in label order.
  classNames: probeTestSet.classNames,
  confusionMatrix: cpc.confusionMatrix,
  snapshotSelection:
    validation === undefined
      ? null
      : {
          rule: `the snapshot whose ${flags.representation} probe scores best on the validation clips (ties: the later one)`,
          validationClips: flags.probeValidation,
          chosenStep: chosen.step,
          snapshots: snapshotScores,
        },
  gainOverRandomInitPoints: 100 * (target(cpc) - target(randomInit)),
  targets: {
    representation: flags.representation,
    probeAccuracyAtLeast90: target(cpc) >= 0.9,
    atLeast20PointsAboveRandomInit: target(cpc) - target(randomInit) >= 0.2,
  },
};
writeJsonAtomically(flags.out, results);
log(`wrote ${flags.out}`);
tf.dispose([train.inputs, test.inputs, ...(validation === undefined ? [] : [validation.inputs])]);
