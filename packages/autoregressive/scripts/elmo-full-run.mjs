#!/usr/bin/env node
// ELMo acceptance run (Peters et al. 2018, "Deep contextualized word representations") on the
// SpamAssassin corpus of @selfsup/data:
//   1. train a WordPiece tokenizer and pretrain an ELMo biLM (forward + backward LSTM LMs) on the
//      training bodies only (`pretrainingBodies()`: no test body is ever seen);
//   2. report the contextual spread (pairwise cosine of one word's vectors across contexts) of a
//      few frequent words, for ELMo's scalar mix, each biLM layer and the static embedding;
//   3. spam/ham balanced accuracy (macro recall) on the test split of a linear probe (core's
//      finetune, mode 'linear-probe') on (a) ELMo features (mean over the message's tokens of the
//      uniform scalar mix, 2d) and (b) the biLM's own static token embeddings (mean, d), with 100
//      labels (3 seeds) and all training labels; also [x; ELMo] (the paper's task input) and, with
//      100 labels and --learned-mix, ELMo with its scalar mix (s, γ) learned with the head while
//      the biLM stays frozen (the paper's downstream recipe). The probes' features come from one
//      biLM pass over the messages ([x; ELMo] holds the static x and the mix side by side), cached.
// Results go to results/elmo-full-run.json (results/elmo-smoke.json with --smoke), or --out;
// written atomically.
//
//   node scripts/elmo-full-run.mjs --max-minutes 45
//   node scripts/elmo-full-run.mjs --smoke            # ≤ 2 min: tiny tokenizer, model and subsets
//
// Flags: --max-minutes M (45, smoke 1.5; the whole run, pretraining gets 75% of it), --vocabulary-size N
// (4000), --size D (128), --layers L (2), --block-size T (64), --batch-size B (32),
// --learning-rate X (3e-3), --max-tokens N (128, tokens kept per message for the probe),
// --probe-epochs N (40), --planned-steps N (schedule exactly N steps, no calibration; the time budget
// still stops training), --learned-mix (also probe ELMo with its scalar mix learned with the head,
// the paper's recipe: it reruns the biLM every step, ~5–10 min per seed), --seed N (0),
// --backend wasm|cpu|node (wasm), --out FILE, --smoke, --quiet.
// The calibration times a few steps in process CPU time, not wall time: on a machine that other
// jobs share, wall time would undercount the steps that fit (the run then stops early).
// The package build defaults to ../dist/index.js; set SELFSUP_AUTOREGRESSIVE_DIST to another build.
import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { dirname, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import {
  encode,
  evaluate,
  finetune,
  initBackend,
  LayersEncoder,
  pretrain,
  stratifiedSample,
  TrainingAbortedError,
} from '@selfsup/core';
import { loadSpamAssassin, tokenWindowSource, trainWordPieceTokenizer } from '@selfsup/data';
import * as tf from '@tensorflow/tfjs';

const here = dirname(fileURLToPath(import.meta.url));
const distribution = process.env.SELFSUP_AUTOREGRESSIVE_DIST ?? resolve(here, '../dist/index.js');
const {
  contextualSpread,
  createElmo,
  createElmoEncoder,
  createElmoObjective,
  createElmoStaticEncoder,
} = await import(pathToFileURL(resolve(distribution)).href);

const usage =
  'usage: node scripts/elmo-full-run.mjs [--max-minutes 45] [--vocabulary-size 4000] [--size 128] ' +
  '[--layers 2] [--block-size 64] [--batch-size 32] [--learning-rate 3e-3] [--max-tokens 128] ' +
  '[--probe-epochs 40] [--planned-steps N] [--learned-mix] [--seed 0] [--backend wasm|cpu|node] [--out FILE] [--smoke] [--quiet]';

function parseFlags() {
  let values;
  try {
    ({ values } = parseArgs({
      options: {
        'max-minutes': { type: 'string' },
        'vocabulary-size': { type: 'string' },
        size: { type: 'string' },
        layers: { type: 'string', default: '2' },
        'block-size': { type: 'string' },
        'batch-size': { type: 'string' },
        'learning-rate': { type: 'string', default: '3e-3' },
        'max-tokens': { type: 'string' },
        'probe-epochs': { type: 'string' },
        'planned-steps': { type: 'string' },
        'learned-mix': { type: 'boolean', default: false },
        seed: { type: 'string', default: '0' },
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
  const number = (name, fallback, minimum, integer = true) => {
    const value = Number(values[name] ?? fallback);
    if (!Number.isFinite(value) || value < minimum || (integer && !Number.isInteger(value))) {
      console.error(
        `--${name} must be ${integer ? 'an integer' : 'a number'} ≥ ${minimum}, got '${values[name]}'.\n${usage}`,
      );
      process.exit(2);
    }
    return value;
  };
  if (!['wasm', 'cpu', 'node'].includes(values.backend)) {
    console.error(`--backend must be wasm, cpu or node, got '${values.backend}'.\n${usage}`);
    process.exit(2);
  }
  return {
    smoke,
    maxMinutes: number('max-minutes', smoke ? 1.5 : 45, 0.5, false),
    vocabularySize: number('vocabulary-size', smoke ? 600 : 4000, 50),
    size: number('size', smoke ? 32 : 128, 1),
    layers: number('layers', 2, 1),
    blockSize: number('block-size', smoke ? 32 : 64, 2),
    batchSize: number('batch-size', smoke ? 16 : 32, 1),
    learningRate: number('learning-rate', 3e-3, 0, false),
    maxTokens: number('max-tokens', smoke ? 64 : 128, 2),
    probeEpochs: number('probe-epochs', smoke ? 4 : 40, 1),
    plannedSteps:
      values['planned-steps'] === undefined ? undefined : number('planned-steps', undefined, 1),
    learnedMix: values['learned-mix'],
    seed: number('seed', 0, 0),
    backend: values.backend,
    out: resolve(
      values.out ?? resolve(here, `../results/${smoke ? 'elmo-smoke' : 'elmo-full-run'}.json`),
    ),
    quiet: values.quiet,
  };
}

const settings = parseFlags();
const started = Date.now();
const deadline = started + settings.maxMinutes * 60_000;
const minutesSince = (time) => (Date.now() - time) / 60_000;
const log = (message) => {
  if (!settings.quiet) console.log(`[${minutesSince(started).toFixed(1)} min] ${message}`);
};

function writeJsonAtomically(path, value) {
  mkdirSync(dirname(path), { recursive: true });
  const temporary = `${path}.${process.pid}.tmp`;
  writeFileSync(temporary, `${JSON.stringify(value, null, 2)}\n`);
  renameSync(temporary, path);
}

const backendInfo = await initBackend({ backend: settings.backend, quiet: true });
log(`backend ${backendInfo.backend}`);

// --- Data: training bodies for the tokenizer and the biLM; labeled train / test for the probe.
const spam = loadSpamAssassin();
let bodies = spam.pretrainingBodies();
let trainMessages = spam.train;
let testMessages = spam.test;
if (settings.smoke) {
  bodies = bodies.slice(0, 300);
  trainMessages = trainMessages.filter((_, index) => index % 12 === 0);
  testMessages = testMessages.filter((_, index) => index % 8 === 0);
}
// Very long bodies (HTML spam, attachments) dominate the character count: keep 4,000 characters.
const bodyCharacters = 4000;
const clip = (text) => text.slice(0, bodyCharacters);
const tokenizerStarted = Date.now();
const tokenizer = trainWordPieceTokenizer(bodies.map(clip), {
  vocabularySize: settings.vocabularySize,
});
const paddingId = tokenizer.specialTokens.padding ?? 0;
const separatorId = tokenizer.specialTokens.endOfText ?? tokenizer.specialTokens.separator ?? 0;
log(
  `WordPiece tokenizer: ${tokenizer.vocabularySize} ids in ${minutesSince(tokenizerStarted).toFixed(1)} min`,
);
const streamParts = [];
for (const body of bodies) {
  streamParts.push(...tokenizer.encode(clip(body)), separatorId);
}
const stream = Int32Array.from(streamParts);
log(`pretraining stream: ${stream.length} tokens from ${bodies.length} training bodies`);

// --- Pretraining, sized to 75% of the time budget from a short calibration.
const elmoOptions = {
  vocabularySize: tokenizer.vocabularySize,
  size: settings.size,
  layers: settings.layers,
  paddingId,
  seed: settings.seed,
};
const source = tokenWindowSource(stream, {
  blockSize: settings.blockSize,
  batchSize: settings.batchSize,
});
const calibrationSteps = 4;
let steps = settings.plannedSteps;
if (steps === undefined) {
  const calibration = createElmoObjective({ elmo: createElmo(elmoOptions) });
  await pretrain(calibration, source, { steps: 1, seed: settings.seed + 1 });
  const cpuBefore = process.cpuUsage();
  await pretrain(calibration, source, { steps: calibrationSteps, seed: settings.seed + 2 });
  const cpu = process.cpuUsage(cpuBefore);
  settings.secondsPerStep = (cpu.user + cpu.system) / 1e6 / calibrationSteps;
  calibration.dispose();
  const pretrainBudgetMinutes =
    settings.maxMinutes * (settings.smoke ? 0.35 : 0.75) - minutesSince(started);
  steps = Math.max(10, Math.floor((pretrainBudgetMinutes * 60) / (settings.secondsPerStep * 1.1)));
}
log(
  settings.plannedSteps === undefined
    ? `calibration: ${settings.secondsPerStep.toFixed(2)} CPU s/step → ${steps} steps`
    : `${steps} planned steps (--planned-steps)`,
);
const objective = createElmoObjective({ elmo: createElmo(elmoOptions) });
const elmo = objective.elmo;
const abort = new AbortController();
const stopAt = started + settings.maxMinutes * (settings.smoke ? 0.45 : 0.8) * 60_000;
const history = [];
const pretrainStarted = Date.now();
let stepsDone = 0;
try {
  await pretrain(objective, source, {
    steps,
    learningRate: settings.learningRate,
    warmupSteps: Math.min(100, Math.floor(steps / 10)),
    clipNorm: 5,
    seed: settings.seed,
    signal: abort.signal,
    onProgress: (event) => {
      stepsDone = event.step + 1;
      if (event.step % 25 === 0 || event.step === steps - 1) {
        history.push({
          step: event.step,
          loss: event.loss,
          forwardLoss: event.metrics.forwardLoss,
          backwardLoss: event.metrics.backwardLoss,
          forwardAccuracy: event.metrics.forwardAccuracy,
          backwardAccuracy: event.metrics.backwardAccuracy,
        });
        log(
          `step ${event.step + 1}/${steps} loss ${event.loss.toFixed(3)} (forward ${event.metrics.forwardLoss?.toFixed(3)}, backward ${event.metrics.backwardLoss?.toFixed(3)})`,
        );
      }
      if (Date.now() > stopAt) abort.abort();
    },
  });
} catch (error) {
  if (!(error instanceof TrainingAbortedError)) throw error;
  log(`pretraining stopped at step ${stepsDone} (time budget)`);
}
const pretrainMinutes = minutesSince(pretrainStarted);

// --- Held-out language-model loss on test bodies (never seen in pretraining).
const testStream = Int32Array.from(
  testMessages
    .slice(0, 200)
    .flatMap((message) => [...tokenizer.encode(clip(message.text)), separatorId]),
);
const heldOut = tf.tidy(() => {
  const windows = Math.min(64, Math.floor(testStream.length / settings.blockSize));
  const tokens = tf.tensor2d(
    testStream.subarray(0, windows * settings.blockSize),
    [windows, settings.blockSize],
    'int32',
  );
  const { loss, metrics } = objective.doLoss(tokens, { step: 0, seed: 0, training: false });
  return {
    loss: loss.dataSync()[0],
    forwardLoss: metrics.forwardLoss.dataSync()[0],
    backwardLoss: metrics.backwardLoss.dataSync()[0],
    forwardAccuracy: metrics.forwardAccuracy.dataSync()[0],
    backwardAccuracy: metrics.backwardAccuracy.dataSync()[0],
  };
});
log(
  `held-out biLM loss ${heldOut.loss.toFixed(3)} (uniform guess ${(2 * Math.log(tokenizer.vocabularySize)).toFixed(3)})`,
);

// --- Contextual spread of frequent words across test messages.
const messageTokens = (message) => tokenizer.encode(message.text).slice(0, settings.maxTokens);
const testSequences = testMessages.map(messageTokens).filter((ids) => ids.length >= 2);
const candidateWords = [
  'free',
  'click',
  'money',
  'email',
  'list',
  'time',
  'people',
  'business',
  'new',
  'information',
];
const staticEncoder = createElmoStaticEncoder(elmo);
const layerFeatures = (index) => (tokens) =>
  tf.tidy(() => {
    const layers = elmo.representationLayers(tokens, { training: false });
    return layers[index];
  });
const spreads = [];
for (const word of candidateWords) {
  const tokenId = tokenizer.tokenToId(word);
  if (tokenId === undefined) continue;
  const occurrences = testSequences.reduce(
    (count, ids) => count + ids.filter((id) => id === tokenId).length,
    0,
  );
  if (occurrences < 5) continue;
  const measure = (encoder) =>
    contextualSpread({
      encoder,
      sequences: testSequences,
      tokenId,
      maximumOccurrences: settings.smoke ? 20 : 100,
    });
  const entry = {
    word,
    tokenId,
    elmo: measure(elmo),
    layers: Array.from(
      { length: settings.layers + 1 },
      (_, index) => measure(layerFeatures(index)).meanCosine,
    ),
    static: measure(staticEncoder).meanCosine,
  };
  spreads.push(entry);
  log(
    `spread '${word}': ELMo mean cosine ${entry.elmo.meanCosine.toFixed(3)} (± ${entry.elmo.standardDeviation.toFixed(3)}, min ${entry.elmo.minimumCosine.toFixed(3)}) over ${entry.elmo.occurrences} occurrences; per layer ${entry.layers.map((value) => value.toFixed(3)).join(' / ')}; static ${entry.static.toFixed(3)}`,
  );
  if (spreads.length >= 5) break;
}

// --- Linear probes: spam/ham balanced accuracy (macro recall) on the test split.
const padRows = (rows) => {
  const length = Math.max(2, ...rows.map((ids) => ids.length));
  const values = new Int32Array(rows.length * length).fill(paddingId);
  rows.forEach((ids, row) => {
    values.set(ids, row * length);
  });
  return tf.tensor2d(values, [rows.length, length], 'int32');
};
const toLabeled = (messages) => ({
  inputs: padRows(
    messages.map((message) => {
      const ids = messageTokens(message);
      return ids.length > 0 ? ids : [paddingId];
    }),
  ),
  labels: Int32Array.from(messages.map((message) => message.label)),
});
const train = toLabeled(trainMessages);
const test = toLabeled(testMessages);
// (a) ELMo, uniform scalar mix (2d), linear probe; (b) [x; ELMo] (3d), the paper's task input,
// linear probe; (c) the static embeddings x alone (d), linear probe; (d) with --learned-mix, ELMo
// with the scalar mix (s, γ) learned with the head while the biLM stays frozen (the paper's recipe:
// finetune mode 'full' with only the mix trainable; 100 labels only: it re-runs the biLM every step).
// (a)–(c) are frozen features: one biLM pass over every message gives [x; ELMo] (mean over real
// tokens), whose first d columns are the static features and the rest the mix; the probes train
// on these cached features (the same numbers as probing through the encoders, minutes instead of
// most of an hour), checked against the encoders on a few messages first.
const tokenAndMix = createElmoEncoder(elmo, { features: 'token-and-mix' });
const featureStarted = Date.now();
const cached = (inputs) => encode(tokenAndMix, inputs, { batchSize: 64 });
const trainFeatures = cached(train.inputs);
const testFeatures = cached(test.inputs);
log(
  `cached [x; ELMo] features of ${train.labels.length + test.labels.length} messages in ${minutesSince(featureStarted).toFixed(1)} min`,
);
const size = settings.size;
const columns = (features, from, count) =>
  tf.tidy(() => tf.slice(features, [0, from], [features.shape[0], count]));
const featureSets = {
  elmo: {
    train: columns(trainFeatures, size, 2 * size),
    test: columns(testFeatures, size, 2 * size),
  },
  'elmo-token-and-mix': { train: trainFeatures, test: testFeatures },
  static: { train: columns(trainFeatures, 0, size), test: columns(testFeatures, 0, size) },
};
{
  const sample = tf.tidy(() =>
    tf.slice(test.inputs, [0, 0], [Math.min(16, testMessages.length), -1]),
  );
  for (const [name, encoder] of [
    ['elmo', elmo],
    ['static', staticEncoder],
  ]) {
    const direct = encode(encoder, sample, { batchSize: 16 });
    const slice = tf.tidy(() => tf.slice(featureSets[name].test, [0, 0], direct.shape));
    const difference = tf.tidy(() => tf.max(tf.abs(tf.sub(direct, slice))).dataSync()[0]);
    tf.dispose([direct, slice]);
    if (!(difference < 1e-4))
      throw new Error(
        `cached ${name} features differ from the encoder's by ${difference}: the slices of [x; ELMo] are wrong.`,
      );
  }
  sample.dispose();
}
const cachedFeatureEncoder = (featureSize) =>
  new LayersEncoder({
    type: 'cached-features',
    config: { type: 'cached-features', featureSize },
    inputSpec: { modality: 'vector', shape: [featureSize], dtype: 'float32' },
    outputSize: featureSize,
    model: tf.sequential({
      layers: [tf.layers.activation({ activation: 'linear', inputShape: [featureSize] })],
    }),
  });
const probeKinds = [
  { name: 'elmo', featureSize: 2 * size, mode: 'linear-probe' },
  { name: 'elmo-token-and-mix', featureSize: 3 * size, mode: 'linear-probe' },
  { name: 'static', featureSize: size, mode: 'linear-probe' },
  ...(settings.learnedMix
    ? [{ name: 'elmo-learned-mix', featureSize: 2 * size, mode: 'full', onlyFewLabels: true }]
    : []),
];
const budgets = settings.smoke ? [20, 'all'] : [100, 'all'];
const seeds = settings.smoke ? [0] : [0, 1, 2];
const probes = [];
const initialMix = elmo.scalarMix.getWeights().map((weight) => weight.clone());
for (const budget of budgets) {
  for (const { name, featureSize, mode, onlyFewLabels } of probeKinds) {
    if (onlyFewLabels && budget === 'all') continue;
    const frozen = mode === 'linear-probe';
    const encoder = frozen ? cachedFeatureEncoder(featureSize) : elmo;
    const inputs = frozen ? featureSets[name] : { train: train.inputs, test: test.inputs };
    const runs = [];
    for (const seed of budget === 'all' ? [0] : seeds) {
      const indices =
        budget === 'all'
          ? Int32Array.from(train.labels.keys())
          : stratifiedSample(train.labels, budget, { numClasses: 2, seed });
      const subset = {
        inputs: tf.tidy(() => tf.gather(inputs.train, tf.tensor1d(indices, 'int32'))),
        labels: Int32Array.from(indices, (index) => train.labels[index]),
      };
      const probeStarted = Date.now();
      if (!frozen) elmo.setBiLmTrainable(false);
      const model = await finetune(encoder, subset, {
        mode,
        numClasses: 2,
        epochs: !frozen && settings.smoke ? 1 : settings.probeEpochs,
        minimumSteps: budget === 'all' ? 0 : !frozen ? (settings.smoke ? 10 : 150) : 200,
        batchSize: 32,
        inferenceBatchSize: 64,
        ...(!frozen ? { learningRate: 1e-2, weightDecay: 0 } : {}),
        seed,
      });
      const report = await evaluate(
        model,
        { inputs: inputs.test, labels: test.labels },
        { batchSize: 64 },
      );
      const mix = !frozen ? elmo.scalarMix.readMix() : undefined;
      model.dispose();
      subset.inputs.dispose();
      if (!frozen) {
        elmo.setBiLmTrainable(true);
        elmo.scalarMix.setWeights(initialMix);
      }
      runs.push({
        seed,
        balancedAccuracy: report.macroRecall,
        accuracy: report.accuracy,
        macroF1: report.macroF1,
        seconds: (Date.now() - probeStarted) / 1000,
        ...(mix === undefined ? {} : { learnedMix: mix }),
      });
    }
    if (frozen) encoder.dispose();
    const values = runs.map((run) => run.balancedAccuracy);
    const mean = values.reduce((sum, value) => sum + value, 0) / values.length;
    const standardDeviation = Math.sqrt(
      values.reduce((sum, value) => sum + (value - mean) ** 2, 0) / values.length,
    );
    probes.push({
      encoder: name,
      mode,
      featureSize,
      labels: budget === 'all' ? train.labels.length : budget,
      balancedAccuracy: mean,
      standardDeviation,
      runs,
    });
    log(
      `probe ${name} (${featureSize} features, ${mode}), ${budget} labels: balanced accuracy ${(100 * mean).toFixed(1)}% ± ${(100 * standardDeviation).toFixed(1)}`,
    );
  }
}
tf.dispose([
  trainFeatures,
  testFeatures,
  featureSets.elmo.train,
  featureSets.elmo.test,
  featureSets.static.train,
  featureSets.static.test,
]);
tokenAndMix.dispose?.();
tf.dispose(initialMix);
train.inputs.dispose();
test.inputs.dispose();

const result = {
  script: 'elmo-full-run',
  date: new Date().toISOString(),
  machine: {
    cpu: os.cpus()[0]?.model ?? 'unknown',
    cores: os.cpus().length,
    platform: os.platform(),
  },
  backend: backendInfo.backend,
  settings: { ...settings, out: undefined, steps, bodyCharacters, paddingId },
  data: {
    corpus: 'SpamAssassin (train bodies for pretraining, test split for evaluation)',
    pretrainingBodies: bodies.length,
    pretrainingTokens: stream.length,
    trainMessages: trainMessages.length,
    testMessages: testMessages.length,
    vocabularySize: tokenizer.vocabularySize,
  },
  pretraining: {
    stepsPlanned: steps,
    stepsDone,
    minutes: pretrainMinutes,
    tokensPerSecond: (stepsDone * settings.batchSize * settings.blockSize) / (pretrainMinutes * 60),
    history,
    heldOut,
    scalarMix: elmo.scalarMix.readMix(),
  },
  contextualSpread: spreads.map((entry) => ({
    word: entry.word,
    occurrences: entry.elmo.occurrences,
    contexts: entry.elmo.contexts,
    elmoMeanCosine: entry.elmo.meanCosine,
    elmoStandardDeviation: entry.elmo.standardDeviation,
    elmoMinimumCosine: entry.elmo.minimumCosine,
    layerMeanCosines: entry.layers,
    staticMeanCosine: entry.static,
  })),
  probes,
  minutes: minutesSince(started),
  withinBudget: Date.now() <= deadline,
};
writeJsonAtomically(settings.out, result);
log(`wrote ${settings.out}`);
objective.dispose();
