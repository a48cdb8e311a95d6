#!/usr/bin/env node
// CLIP acceptance run (Radford et al. 2021) on captioned MNIST: pretrain an image encoder and a
// text encoder on image–caption pairs, then classify the MNIST test digits zero-shot from the
// held-out prompt templates alone (no label is ever used for training) and measure image–text
// retrieval. Writes a JSON report.
//
//   node scripts/clip-full-run.mjs --steps 1000 --batch-size 64 --out results.json
//
// Flags: --steps N (1000), --batch-size N (64), --out FILE (clip-results.json),
// --learning-rate X (2e-3), --size small|base (small), --max-minutes M (30: pretraining stops
// there and the run evaluates what it has), --test-count N (10000 MNIST test digits),
// --retrieval-count N (1000), --seed N (0), --quiet. The contrastive build defaults to ../dist/index.js; set
// SELFSUP_CONTRASTIVE_DIST to another build (e.g. /tmp/clip-dist/index.js).
import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { createConvNetEncoder, initBackend, pretrain, TrainingAbortedError } from '@selfsup/core';
import {
  allCaptions,
  captionedMnistSource,
  captionedMnistTestSet,
  imagesToTensor,
  loadMnist,
  mnistCaptionWords,
  mnistPromptTemplates,
  mnistTrainingTemplates,
  mnistZeroShotPrompts,
  tokenizeCaptions,
  trainWordPieceTokenizer,
} from '@selfsup/data';
import * as tf from '@tensorflow/tfjs';

const here = dirname(fileURLToPath(import.meta.url));
const distribution = process.env.SELFSUP_CONTRASTIVE_DIST ?? resolve(here, '../dist/index.js');
const { createClip, createClipTextEncoder, retrieve, zeroShotAccuracy } = await import(
  pathToFileURL(resolve(distribution)).href
);

const usage =
  'usage: node scripts/clip-full-run.mjs [--steps 1000] [--batch-size 64] [--out clip-results.json] ' +
  '[--learning-rate 2e-3] [--size small|base] [--max-minutes 30] [--test-count 10000] [--retrieval-count 1000] [--seed 0] [--quiet]';

/** Model sizes: image ConvNet, text Transformer and shared space. */
const sizes = {
  small: {
    image: { channels: [16, 32], outputSize: 64 },
    text: { embeddingSize: 32, layers: 1, heads: 2 },
    projectionSize: 32,
  },
  base: {
    image: { channels: [32, 64], outputSize: 128 },
    text: { embeddingSize: 64, layers: 2, heads: 4 },
    projectionSize: 64,
  },
};

function parseFlags() {
  let values;
  try {
    ({ values } = parseArgs({
      options: {
        steps: { type: 'string', default: '1000' },
        'batch-size': { type: 'string', default: '64' },
        out: { type: 'string', default: 'clip-results.json' },
        'learning-rate': { type: 'string', default: '2e-3' },
        'test-count': { type: 'string', default: '10000' },
        'retrieval-count': { type: 'string', default: '1000' },
        seed: { type: 'string', default: '0' },
        size: { type: 'string', default: 'small' },
        'max-minutes': { type: 'string', default: '30' },
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
  if (!(values.size in sizes)) {
    console.error(
      `--size must be one of ${Object.keys(sizes).join(', ')}, got '${values.size}'.\n${usage}`,
    );
    process.exit(2);
  }
  const maxMinutes = Number(values['max-minutes']);
  if (!(maxMinutes > 0)) {
    console.error(`--max-minutes must be > 0, got '${values['max-minutes']}'.\n${usage}`);
    process.exit(2);
  }
  return {
    size: values.size,
    maxMinutes,
    steps: integer('steps', 1),
    batchSize: integer('batch-size', 2),
    out: resolve(values.out),
    learningRate,
    testCount: Math.min(10000, integer('test-count', 1)),
    retrievalCount: Math.min(10000, integer('retrieval-count', 10)),
    seed: integer('seed', 0),
    quiet: values.quiet,
  };
}

function writeJsonAtomically(file, value) {
  mkdirSync(dirname(file), { recursive: true });
  const temporary = `${file}.${process.pid}.tmp`;
  writeFileSync(temporary, `${JSON.stringify(value, null, 2)}\n`);
  renameSync(temporary, file);
}

const settings = parseFlags();
const backend = await initBackend({ backend: 'wasm', quiet: true });
const maxLength = 16;
// The tokenizer learns only the training captions: the zero-shot prompts' extra words
// ('photo', 'picture', 'scan', 'image') are split into pieces it has seen elsewhere.
const tokenizer = trainWordPieceTokenizer(
  [...allCaptions(mnistTrainingTemplates, mnistCaptionWords)],
  {
    vocabularySize: 200,
  },
);
const encoderOptions = { channels: [32, 64], outputSize: 128, seed: settings.seed };
const textEncoderOptions = {
  maxLength,
  embeddingSize: 64,
  layers: 2,
  heads: 4,
  seed: settings.seed + 1,
};
const clip = createClip({
  encoder: createConvNetEncoder(encoderOptions),
  textEncoder: createClipTextEncoder(tokenizer, textEncoderOptions),
  projectionSize: 64,
  seed: settings.seed + 2,
});

const started = performance.now();
let lastReport = 0;
const budget = new AbortController();
let training;
let stoppedByTime = false;
try {
  training = await pretrain(
    clip,
    captionedMnistSource({ batchSize: settings.batchSize, tokenizer, maxLength }),
    {
      steps: settings.steps,
      learningRate: settings.learningRate,
      warmupSteps: Math.min(100, Math.floor(settings.steps / 10)),
      seed: settings.seed,
      signal: budget.signal,
      onProgress: (event) => {
        // Checked here: the loop's awaits resolve as microtasks, so a timer would never fire.
        if (event.elapsedSeconds > settings.maxMinutes * 60) budget.abort();
        const now = performance.now();
        if (settings.quiet || (now - lastReport < 10_000 && event.step + 1 < event.totalSteps))
          return;
        lastReport = now;
        console.log(
          `step ${event.step + 1}/${event.totalSteps} loss ${event.loss.toFixed(3)} ` +
            `i→t ${(event.metrics.imageToTextAccuracy ?? 0).toFixed(2)} scale ${(event.metrics.logitScale ?? 0).toFixed(1)} ` +
            `${event.elapsedSeconds.toFixed(0)} s, eta ${event.etaSeconds.toFixed(0)} s`,
        );
      },
    },
  );
} catch (error) {
  if (!(error instanceof TrainingAbortedError)) throw error;
  // The time budget ran out: evaluate what was trained so far.
  training = error.result;
  stoppedByTime = true;
}
const pretrainSeconds = (performance.now() - started) / 1000;

const testDigits = loadMnist('test');
const indices = Array.from({ length: settings.testCount }, (_, index) => index);
const testImages = imagesToTensor(testDigits, indices);
const testLabels = testDigits.labels.slice(0, settings.testCount);
const prompts = mnistZeroShotPrompts();
const zeroShot = zeroShotAccuracy(clip, testImages, testLabels, { tokenizer, prompts, maxLength });
const perTemplate = mnistPromptTemplates.map((template, index) => ({
  template,
  accuracy: zeroShotAccuracy(clip, testImages, testLabels, {
    tokenizer,
    prompts: prompts.map((list) => [list[index]]),
    maxLength,
  }),
}));
testImages.dispose();

const retrievalSet = captionedMnistTestSet({ count: settings.retrievalCount, seed: settings.seed });
const retrievalImages = tf.tidy(() =>
  tf
    .tensor4d(Float32Array.from(retrievalSet.images), [
      retrievalSet.count,
      retrievalSet.height,
      retrievalSet.width,
      retrievalSet.channels,
    ])
    .div(255),
);
const retrievalTokens = tokenizeCaptions(retrievalSet.captions, tokenizer, maxLength);
const retrieval = retrieve(clip, retrievalImages, retrievalTokens);
tf.dispose([retrievalImages, retrievalTokens]);

const report = {
  method: 'clip',
  dataset: 'captioned MNIST (train: 60,000 digits with template captions; test: MNIST test digits)',
  backend: backend.backend,
  size: settings.size,
  steps: training.stepsRun,
  requestedSteps: settings.steps,
  stoppedByTimeBudget: stoppedByTime,
  maxMinutes: settings.maxMinutes,
  batchSize: settings.batchSize,
  learningRate: settings.learningRate,
  seed: settings.seed,
  encoder: { type: 'conv-net', ...encoderOptions },
  textEncoder: {
    type: 'transformer',
    ...textEncoderOptions,
    vocabularySize: tokenizer.vocabularySize,
  },
  pretrainSeconds: Number(pretrainSeconds.toFixed(1)),
  finalLoss: training.loss,
  firstLoss: training.history[0],
  finalMetrics: training.metrics,
  logitScale: clip.getLogitScale(),
  zeroShot: {
    accuracy: zeroShot,
    chance: 0.1,
    testDigits: settings.testCount,
    templates: [...mnistPromptTemplates],
    perTemplate,
  },
  retrieval: {
    pairs: retrieval.count,
    imageToText: retrieval.imageToText,
    textToImage: retrieval.textToImage,
  },
};
writeJsonAtomically(settings.out, report);
clip.dispose();
console.log(
  `zero-shot accuracy ${(zeroShot * 100).toFixed(1)}% on ${settings.testCount} MNIST test digits (chance 10%); ` +
    `retrieval R@1 i→t ${retrieval.imageToText[1].toFixed(3)} t→i ${retrieval.textToImage[1].toFixed(3)}; ` +
    `pretraining ${pretrainSeconds.toFixed(0)} s; wrote ${settings.out}`,
);
