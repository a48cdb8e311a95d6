#!/usr/bin/env node
/**
 * The PixelCNN full run on binarized MNIST: train a Gated PixelCNN with core's `pretrain` on the
 * 60,000 training images (stochastically binarized afresh at every step) for `--max-minutes` of
 * training, record a learning curve of the test NLL over time (on a fixed subset of the test
 * set, binarized once with seed 0), then measure the NLL on the whole test set and draw a grid
 * of samples.
 *
 * Writes (atomically) results/pixel-cnn-mnist.json (date, machine, backend, settings, throughput,
 * learning curve, final NLL in nats per image / per pixel and bits per dim) and
 * results/pixel-cnn-samples.png.
 *
 *   node scripts/pixel-cnn-full-run.mjs --max-minutes 45
 *   node scripts/pixel-cnn-full-run.mjs --max-minutes 1 --test-limit 500 --curve-images 200 --samples 4 \
 *     --out /tmp/pixel-cnn-smoke.json --samples-out /tmp/pixel-cnn-smoke.png     # smoke test
 *
 * Needs the built package (`npx tsup` in packages/autoregressive).
 */
import { mkdir, rename, writeFile } from 'node:fs/promises';
import os from 'node:os';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { initBackend, pretrain, TrainingAbortedError } from '@selfsup/core';
import { imageBatchSource, imagesToTensor, loadMnist } from '@selfsup/data';
import * as tf from '@tensorflow/tfjs';
import {
  binarizeImages,
  createPixelCnnObjective,
  pixelCnnNll,
  samplePixelCnn,
} from '../dist/index.js';
import { imageGrid, writePngAtomically } from './pixel-cnn-png.mjs';

const here = dirname(fileURLToPath(import.meta.url));

const usage = `Usage: node scripts/pixel-cnn-full-run.mjs [options]

Gated PixelCNN on binarized MNIST: training for --max-minutes, a learning curve of the test NLL,
the NLL of the whole test set (nats per image, bits per dim) and a PNG grid of samples.

Options:
  --max-minutes X          minutes of training (evaluations excluded) (default 45)
  --channels N             hidden channels of both stacks (default 16)
  --blocks N               gated blocks (default 5)
  --classes N              10: class-conditional model and samples; 0: unconditional (default 0)
  --batch-size N           images per step (default 64)
  --learning-rate X        AdamW peak learning rate, cosine decay over the estimated steps (default 0.01)
  --steps N                training steps (default: estimated from a timing of the first steps to fill --max-minutes)
  --curve-every-minutes X  minutes of training between learning-curve points (default 5)
  --curve-images N         test images of each learning-curve point (default 1000)
  --test-limit N           test images of the final NLL (default all 10000)
  --samples N              samples in the PNG grid (default 16)
  --seed N                 run seed (default 0)
  --checkpoint DIR         save the run in DIR (every 200 steps and at the end)
  --resume                 continue the run saved in --checkpoint DIR (give the same --steps)
  --out FILE               results JSON (default results/pixel-cnn-mnist.json)
  --samples-out FILE       samples PNG (default results/pixel-cnn-samples.png)
  --help                   this text`;

function fail(message) {
  console.error(`pixel-cnn-full-run: ${message}\n\n${usage}`);
  process.exit(2);
}

function parseOptions() {
  let values;
  try {
    ({ values } = parseArgs({
      options: {
        'max-minutes': { type: 'string', default: '45' },
        channels: { type: 'string', default: '16' },
        blocks: { type: 'string', default: '5' },
        classes: { type: 'string', default: '0' },
        'batch-size': { type: 'string', default: '64' },
        'learning-rate': { type: 'string', default: '0.01' },
        steps: { type: 'string' },
        'curve-every-minutes': { type: 'string', default: '5' },
        'curve-images': { type: 'string', default: '1000' },
        'test-limit': { type: 'string', default: '10000' },
        samples: { type: 'string', default: '16' },
        seed: { type: 'string', default: '0' },
        checkpoint: { type: 'string' },
        resume: { type: 'boolean', default: false },
        out: { type: 'string', default: resolve(here, '../results/pixel-cnn-mnist.json') },
        'samples-out': {
          type: 'string',
          default: resolve(here, '../results/pixel-cnn-samples.png'),
        },
        help: { type: 'boolean', default: false },
      },
    }));
  } catch (error) {
    fail(error.message);
  }
  if (values.help) {
    console.log(usage);
    process.exit(0);
  }
  const number = (name, { integer = false, minimum = 0 } = {}) => {
    const value = Number(values[name]);
    if (!Number.isFinite(value) || value < minimum || (integer && !Number.isInteger(value))) {
      fail(
        `--${name} must be ${integer ? 'an integer' : 'a number'} ≥ ${minimum}, got '${values[name]}'.`,
      );
    }
    return value;
  };
  const classes = number('classes', { integer: true });
  if (classes !== 0 && classes !== 10) fail(`--classes must be 0 or 10 (MNIST), got ${classes}.`);
  if (values.resume && values.checkpoint === undefined) fail('--resume needs --checkpoint DIR.');
  return {
    maxMinutes: number('max-minutes', { minimum: 0.05 }),
    channels: number('channels', { integer: true, minimum: 1 }),
    blocks: number('blocks', { integer: true, minimum: 1 }),
    classes,
    batchSize: number('batch-size', { integer: true, minimum: 1 }),
    learningRate: number('learning-rate', { minimum: 1e-8 }),
    steps: values.steps === undefined ? undefined : number('steps', { integer: true, minimum: 1 }),
    curveEveryMinutes: number('curve-every-minutes', { minimum: 0.01 }),
    curveImages: number('curve-images', { integer: true, minimum: 1 }),
    testLimit: number('test-limit', { integer: true, minimum: 1 }),
    samples: number('samples', { integer: true, minimum: 1 }),
    seed: number('seed', { integer: true }),
    checkpoint: values.checkpoint,
    resume: values.resume,
    out: resolve(values.out),
    samplesOut: resolve(values['samples-out']),
  };
}

async function writeJsonAtomically(path, value) {
  await mkdir(dirname(path), { recursive: true });
  const temporary = `${path}.${process.pid}.tmp`;
  await writeFile(temporary, `${JSON.stringify(value, null, 2)}\n`);
  await rename(temporary, path);
}

const range = (count) => Array.from({ length: count }, (_, i) => i);

const options = parseOptions();
const backend = await initBackend({ backend: 'wasm', quiet: true });
const cpus = os.cpus();
const machine = {
  cpu: cpus[0]?.model ?? 'unknown',
  cores: cpus.length,
  platform: `${os.platform()} ${os.release()}`,
  node: process.version,
  loadAverageAtStart: os.loadavg(),
};
const train = loadMnist('train');
const testSet = loadMnist('test');
// Training starts from the marginal: every logit at the log-odds of the mean training pixel.
let intensity = 0;
for (const value of train.images) intensity += value;
const meanPixel = intensity / train.images.length / 255;
const network = {
  channels: options.channels,
  blocks: options.blocks,
  classes: options.classes,
  outputBias: Math.log(meanPixel / (1 - meanPixel)),
  seed: options.seed,
};
console.log(
  `pixel-cnn-full-run: ${backend.backend} backend, ${machine.cores}× ${machine.cpu}; PixelCNN ${JSON.stringify(network)}`,
);

const testCount = Math.min(options.testLimit, testSet.count);
// The test set is binarized once, with a fixed seed; the curve uses its first images.
const testImages = binarizeImages(imagesToTensor(testSet, range(testCount)), 0);
const testLabels = tf.tensor1d(Array.from(testSet.labels.subarray(0, testCount)), 'int32');
const curveCount = Math.min(options.curveImages, testCount);
const curveImages = testImages.slice([0, 0, 0, 0], [curveCount, -1, -1, -1]);
const curveLabels = testLabels.slice([0], [curveCount]);
const conditional = options.classes > 0;
const nllOf = (objective, images, labels) =>
  pixelCnnNll(objective.network, images, conditional ? { labels } : {});

// Throughput first: a few steps of a throwaway model of the same size give the seconds per step,
// from which the run length (and its cosine schedule) is set to fill --max-minutes.
let secondsPerStep;
{
  const probe = createPixelCnnObjective({ pixelCnn: network });
  const times = [];
  let last = performance.now();
  await pretrain(probe, imageBatchSource(train, { batchSize: options.batchSize }), {
    steps: 4,
    seed: options.seed + 1,
    onProgress: () => {
      const now = performance.now();
      times.push((now - last) / 1000);
      last = now;
    },
  });
  probe.dispose();
  secondsPerStep = times.slice(1).reduce((sum, value) => sum + value, 0) / (times.length - 1);
}
const budgetSeconds = options.maxMinutes * 60;
const steps = options.steps ?? Math.max(1, Math.floor(budgetSeconds / secondsPerStep));
console.log(
  `throughput: ${(secondsPerStep * 1000).toFixed(0)} ms/step at batch ${options.batchSize} (${(options.batchSize / secondsPerStep).toFixed(1)} images/s) → ${steps} steps in ${options.maxMinutes} min`,
);

const objective = createPixelCnnObjective({ pixelCnn: network });
const parameters = objective.network.model.countParams();
const curve = [];
let trainingSeconds = 0;
let evaluationSeconds = 0;
let stepStarted = performance.now();
let nextCurvePoint = 0;
let recentLoss = [];
const controller = new AbortController();
const addCurvePoint = async (step) => {
  const started = performance.now();
  const nll = await nllOf(objective, curveImages, curveLabels);
  evaluationSeconds += (performance.now() - started) / 1000;
  const trainNatsPerImage =
    recentLoss.length === 0
      ? null
      : (recentLoss.reduce((a, b) => a + b, 0) / recentLoss.length) * 784;
  const point = {
    step,
    trainingMinutes: trainingSeconds / 60,
    imagesSeen: step * options.batchSize,
    epochs: (step * options.batchSize) / train.count,
    trainNatsPerImage,
    testNatsPerImage: nll.natsPerImage,
    testBitsPerDim: nll.bitsPerDim,
  };
  curve.push(point);
  recentLoss = [];
  console.log(
    `step ${step} (${point.trainingMinutes.toFixed(1)} min, ${point.epochs.toFixed(2)} epochs): test NLL ${nll.natsPerImage.toFixed(2)} nats/image (${nll.bitsPerDim.toFixed(4)} bits/dim, ${curveCount} images)${trainNatsPerImage === null ? '' : `, train ${trainNatsPerImage.toFixed(2)}`}`,
  );
};
await addCurvePoint(0);
let result;
let stoppedBy = 'steps';
try {
  stepStarted = performance.now();
  result = await pretrain(objective, imageBatchSource(train, { batchSize: options.batchSize }), {
    steps,
    learningRate: options.learningRate,
    warmupSteps: Math.min(100, Math.floor(steps / 10)),
    clipNorm: 1,
    seed: options.seed,
    signal: controller.signal,
    ...(options.checkpoint === undefined
      ? {}
      : {
          checkpoint: { directory: options.checkpoint, everySteps: 200 },
          resume: options.resume,
        }),
    dataset: { id: 'mnist', split: 'train', binarization: 'stochastic (per step)' },
    onProgress: async (event) => {
      trainingSeconds += (performance.now() - stepStarted) / 1000;
      recentLoss.push(event.loss);
      if (trainingSeconds >= (nextCurvePoint + 1) * options.curveEveryMinutes * 60) {
        nextCurvePoint = Math.floor(trainingSeconds / (options.curveEveryMinutes * 60));
        await addCurvePoint(event.step + 1);
      }
      if (trainingSeconds >= budgetSeconds) controller.abort();
      stepStarted = performance.now();
    },
  });
} catch (error) {
  if (!(error instanceof TrainingAbortedError)) throw error;
  result = error.result;
  stoppedBy = 'max-minutes';
}
const stepsRun = result?.step ?? curve.at(-1)?.step ?? 0;
if (curve.at(-1)?.step !== stepsRun) await addCurvePoint(stepsRun);

console.log(`final NLL on ${testCount} test images…`);
const finalStarted = performance.now();
const final = await nllOf(objective, testImages, testLabels);
const finalSeconds = (performance.now() - finalStarted) / 1000;
console.log(
  `test NLL: ${final.natsPerImage.toFixed(2)} nats/image, ${final.natsPerPixel.toFixed(4)} nats/pixel, ${final.bitsPerDim.toFixed(4)} bits/dim`,
);

const samplingStarted = performance.now();
const classes = conditional
  ? range(options.samples).map((index) => index % options.classes)
  : undefined;
const samples = await samplePixelCnn(objective.network, {
  count: options.samples,
  seed: options.seed + 7,
  ...(classes === undefined ? {} : { classes }),
  onRow: (done, height) => {
    if (done % 7 === 0) console.log(`sampling: row ${done}/${height}`);
  },
});
const samplingSeconds = (performance.now() - samplingStarted) / 1000;
const pixels = await samples.data();
samples.dispose();
await writePngAtomically(
  options.samplesOut,
  imageGrid(pixels, {
    count: options.samples,
    height: 28,
    width: 28,
    columns: conditional ? 10 : undefined,
    scale: 3,
  }),
);
console.log(`samples: ${options.samplesOut} (${samplingSeconds.toFixed(0)} s)`);

const target = 0.13;
await writeJsonAtomically(options.out, {
  date: new Date().toISOString(),
  machine: { ...machine, loadAverageAtEnd: os.loadavg() },
  backend: backend.backend,
  task: 'PixelCNN on binarized MNIST (stochastic binarization; test set binarized once, seed 0)',
  settings: {
    ...options,
    network,
    parameters,
    steps,
    optimizer: 'adamw (pretrain defaults), cosine schedule, clip 1',
  },
  throughput: {
    secondsPerStep,
    imagesPerSecond: options.batchSize / secondsPerStep,
    measuredOver: 'steps 2–4 of a throwaway model of the same size',
  },
  training: {
    stoppedBy,
    stepsRun,
    trainingMinutes: trainingSeconds / 60,
    evaluationMinutes: evaluationSeconds / 60,
    epochs: (stepsRun * options.batchSize) / train.count,
  },
  learningCurve: curve,
  test: { images: testCount, ...final, seconds: finalSeconds },
  target: {
    natsPerPixel: target,
    natsPerImage: target * 784,
    reached: final.natsPerPixel <= target,
  },
  paper: {
    natsPerImage: 81.3,
    source: 'van den Oord et al. 2016, Pixel Recurrent Neural Networks, Table 3',
  },
  samples: {
    file: options.samplesOut,
    count: options.samples,
    classes: classes ?? null,
    seconds: samplingSeconds,
  },
});
console.log(`results: ${options.out}`);
tf.dispose([testImages, testLabels, curveImages, curveLabels]);
objective.dispose();
