#!/usr/bin/env node
// MAE acceptance run (He et al. 2022) on MNIST (or Fashion-MNIST): pretrain a ViT as a masked
// autoencoder on the unlabeled training images (75% of the patches hidden, normalized-pixel loss
// on the hidden ones), save reconstructions of test digits as a PNG grid, then run core's
// `labelEfficiency` protocol: the pretrained ViT finetuned (and linearly probed) vs the same ViT
// from scratch, at 100 and 1000 labels, 3 seeds, the SAME finetuning recipe for every runner.
// The claim checked: finetuning with 100 labels beats scratch by ≥ 10 points.
//
//   node scripts/mae-full-run.mjs --max-minutes 45
//   node scripts/mae-full-run.mjs --smoke          # ≤ 2 min: tiny data, checks the pipeline only
//
// Flags: --max-minutes M (45: pretraining time; the step count is fitted to it after a short
// calibration, and pretraining stops there in any case), --steps N (20000: upper bound),
// --batch-size N (64), --learning-rate X (1e-3), --mask-ratio X (0.75), --data mnist|fashion-mnist,
// --seeds 0,1,2, --budgets 100,1000, --test-size N (10000), --finetune-learning-rate X (5e-4: the
// recipe of every runner), --scratch-learning-rate X (default: the recipe's; set it only to give
// the baseline its own tuned rate), --finetune-epochs N (30), --out-dir DIR (results/),
// --seed N (0), --smoke, --quiet, --help.
// Writes results/mae-<data>.json and results/mae-reconstructions.png (mae-<data>-reconstructions.png
// for other data), atomically. Set SELFSUP_MASKED_PREDICTION_DIST to use another build.
import os from 'node:os';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import {
  cloneEncoder,
  createPretrainedRunner,
  createScratchRunner,
  createVitEncoder,
  initBackend,
  labelEfficiency,
  pretrain,
  TrainingAbortedError,
} from '@selfsup/core';
import { imageBatchSource, imagesToTensor, loadMnist, selectImages } from '@selfsup/data';
import * as tf from '@tensorflow/tfjs';
import { encodePng, writeFileAtomically } from './mae-png.mjs';

const usage =
  'usage: node scripts/mae-full-run.mjs [--max-minutes 45] [--steps 20000] [--batch-size 64] ' +
  '[--learning-rate 1e-3] [--mask-ratio 0.75] [--data mnist|fashion-mnist] [--seeds 0,1,2] ' +
  '[--budgets 100,1000] [--test-size 10000] [--finetune-learning-rate 5e-4] [--scratch-learning-rate X] ' +
  '[--finetune-epochs 30] ' +
  '[--out-dir results] [--seed 0] [--smoke] [--quiet]';

/** The ViT of the run (and of the bench): 4 blocks × 64 dims, 4 heads, 4×4 patches, mean pooling. */
const vitOptions = (seed) => ({
  imageShape: [28, 28, 1],
  patchSize: 4,
  embeddingSize: 64,
  layers: 4,
  heads: 4,
  classToken: true,
  pooling: 'mean',
  seed,
});

function fail(message) {
  console.error(`mae-full-run: ${message}\n${usage}`);
  process.exit(2);
}

function parseOptions() {
  let values;
  try {
    ({ values } = parseArgs({
      options: {
        'max-minutes': { type: 'string', default: '45' },
        steps: { type: 'string', default: '20000' },
        'batch-size': { type: 'string', default: '64' },
        'learning-rate': { type: 'string', default: '1e-3' },
        'mask-ratio': { type: 'string', default: '0.75' },
        data: { type: 'string', default: 'mnist' },
        seeds: { type: 'string', default: '0,1,2' },
        budgets: { type: 'string', default: '100,1000' },
        'test-size': { type: 'string', default: '10000' },
        'finetune-learning-rate': { type: 'string', default: '5e-4' },
        'scratch-learning-rate': { type: 'string' },
        'finetune-epochs': { type: 'string', default: '30' },
        'out-dir': { type: 'string', default: resolve(import.meta.dirname, '../results') },
        seed: { type: 'string', default: '0' },
        smoke: { type: 'boolean', default: false },
        quiet: { type: 'boolean', default: false },
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
  const number = (name, check = (value) => value > 0) => {
    const value = Number(values[name]);
    if (!Number.isFinite(value) || !check(value)) fail(`--${name} got '${values[name]}'.`);
    return value;
  };
  const integer = (name) => number(name, (value) => Number.isInteger(value) && value > 0);
  const list = (name) =>
    values[name].split(',').map((part) => {
      const value = Number(part);
      if (!Number.isInteger(value) || value < 0)
        fail(`--${name} takes comma-separated integers, got '${values[name]}'.`);
      return value;
    });
  if (!['mnist', 'fashion-mnist'].includes(values.data))
    fail(`--data is mnist or fashion-mnist, got '${values.data}'.`);
  const seeds = list('seeds');
  if (seeds.length < 3) fail('--seeds needs at least 3 seeds (the protocol reports mean ± std).');
  const smoke = values.smoke;
  return {
    smoke,
    quiet: values.quiet,
    data: values.data,
    maxMinutes: smoke ? 0.5 : number('max-minutes'),
    maxSteps: smoke ? 15 : integer('steps'),
    batchSize: integer('batch-size'),
    learningRate: number('learning-rate'),
    maskRatio: number('mask-ratio', (value) => value > 0 && value < 1),
    seeds,
    budgets: smoke ? [100] : list('budgets'),
    testSize: smoke ? 300 : integer('test-size'),
    poolSize: smoke ? 2000 : undefined,
    finetuneLearningRate: number('finetune-learning-rate'),
    scratchLearningRate:
      values['scratch-learning-rate'] === undefined ? undefined : number('scratch-learning-rate'),
    finetuneEpochs: smoke ? 2 : integer('finetune-epochs'),
    minimumSteps: smoke ? 5 : 200,
    outDirectory: resolve(values['out-dir']),
    seed: Number.isInteger(Number(values.seed)) ? Number(values.seed) : fail('--seed'),
  };
}

async function pretrainUntilDeadline(objective, source, settings) {
  try {
    return await pretrain(objective, source, settings);
  } catch (error) {
    if (error instanceof TrainingAbortedError) return error.result;
    throw error;
  }
}

const percent = (value) => `${(100 * value).toFixed(1)}%`;
const range = (count) => Array.from({ length: count }, (_, index) => index);

async function main() {
  const options = parseOptions();
  const distribution =
    process.env.SELFSUP_MASKED_PREDICTION_DIST ?? resolve(import.meta.dirname, '../dist/index.js');
  const { createMae, maeReconstruct, reconstructionGrid } = await import(
    pathToFileURL(distribution).href
  );
  const backend = await initBackend({ backend: process.env.SELFSUP_BACKEND ?? 'wasm' });
  const started = performance.now();
  const log = (line) => {
    if (!options.quiet)
      console.log(`[${((performance.now() - started) / 1000).toFixed(0).padStart(5)} s] ${line}`);
  };
  const load =
    options.data === 'mnist' ? loadMnist : (await import('@selfsup/data')).loadFashionMnist;
  const fullTrain = load('train');
  const fullTest = load('test');
  const train =
    options.poolSize === undefined ? fullTrain : selectImages(fullTrain, range(options.poolSize));
  const test = selectImages(fullTest, range(Math.min(options.testSize, fullTest.count)));
  const maeSettings = { maskRatio: options.maskRatio, seed: options.seed };
  const pretrainSettings = {
    learningRate: options.learningRate,
    beta2: 0.95,
    weightDecay: 0.05,
    seed: options.seed,
    dataset: { id: options.data, split: 'train', count: train.count },
  };

  // 1. Calibration: time a few steps of a throwaway MAE to fit the step count to --max-minutes.
  const calibrationSteps = options.smoke ? 3 : 12;
  const probe = createMae({ encoder: createVitEncoder(vitOptions(options.seed)), ...maeSettings });
  const stamps = [];
  await pretrain(probe, imageBatchSource(train, { batchSize: options.batchSize }), {
    ...pretrainSettings,
    steps: calibrationSteps,
    onProgress: () => {
      stamps.push(performance.now());
    },
  });
  probe.dispose();
  const skip = Math.min(2, stamps.length - 2);
  const secondsPerStep =
    ((stamps.at(-1) ?? 0) - (stamps[skip] ?? 0)) / 1000 / (stamps.length - 1 - skip);
  const budgetSeconds = options.maxMinutes * 60;
  const steps = Math.max(
    1,
    Math.min(options.maxSteps, Math.floor((0.95 * budgetSeconds) / secondsPerStep)),
  );
  const warmupSteps = Math.min(500, Math.floor(steps / 20));
  log(
    `calibration: ${(1000 * secondsPerStep).toFixed(0)} ms per step of ${options.batchSize} images → ${steps} steps ` +
      `(${((steps * options.batchSize) / train.count).toFixed(1)} epochs) in ${options.maxMinutes} min`,
  );

  // 2. Pretraining on every training image (labels unused).
  const mae = createMae({ encoder: createVitEncoder(vitOptions(options.seed)), ...maeSettings });
  const deadline = new AbortController();
  const deadlineAt = performance.now() + budgetSeconds * 1000;
  const every = Math.max(1, Math.floor(steps / 40));
  const pretraining = await pretrainUntilDeadline(
    mae,
    imageBatchSource(train, { batchSize: options.batchSize }),
    {
      ...pretrainSettings,
      steps,
      warmupSteps,
      signal: deadline.signal,
      onProgress: (event) => {
        if (performance.now() > deadlineAt && !deadline.signal.aborted) {
          log(`  --max-minutes ${options.maxMinutes} reached at step ${event.step + 1}`);
          deadline.abort();
        }
        if (event.step % every === 0 || event.step === steps - 1) {
          log(
            `  step ${event.step + 1}/${steps}  loss ${event.loss.toFixed(4)}  ` +
              `${(event.examplesPerSecond ?? 0).toFixed(0)} images/s  ETA ${event.etaSeconds.toFixed(0)} s`,
          );
        }
      },
    },
  );
  log(`pretraining: ${pretraining.step} steps in ${pretraining.elapsedSeconds.toFixed(0)} s`);

  // 3. Reconstructions of test images, and the held-out masked loss against the all-zeros guess
  //    (normalized targets: predicting each patch's mean scores mean(target²)).
  const shown = imagesToTensor(test, range(Math.min(8, test.count)));
  const reconstruction = maeReconstruct(mae, shown, { maskRatio: options.maskRatio, seed: 1 });
  const grid = reconstructionGrid(shown, reconstruction);
  tf.dispose([shown, ...Object.values(reconstruction)]);
  const pngName =
    options.data === 'mnist'
      ? 'mae-reconstructions.png'
      : `mae-${options.data}-reconstructions.png`;
  const pngPath = resolve(
    options.outDirectory,
    options.smoke ? pngName.replace('mae-', 'mae-smoke-') : pngName,
  );
  await writeFileAtomically(pngPath, encodePng(grid));
  log(`reconstructions: ${pngPath}`);
  const heldOut = imagesToTensor(test, range(Math.min(1000, test.count)));
  const [heldOutLoss, zeroGuessLoss] = tf.tidy(() => {
    const { loss, targets, mask } = mae.forward(heldOut, { seed: 7 });
    const zero = tf.div(tf.sum(tf.mul(tf.mean(tf.square(targets), -1), mask)), tf.sum(mask));
    return [loss.dataSync()[0], zero.dataSync()[0]];
  });
  heldOut.dispose();
  log(
    `held-out masked-patch loss ${heldOutLoss.toFixed(4)} (all-zeros guess ${zeroGuessLoss.toFixed(4)})`,
  );

  // 4. Label efficiency: pretrained (full finetuning; linear probe for reference) vs scratch.
  const pool = {
    inputs: imagesToTensor(train),
    labels: Int32Array.from(train.labels),
  };
  const testSet = { inputs: imagesToTensor(test), labels: Int32Array.from(test.labels) };
  const recipe = {
    epochs: options.finetuneEpochs,
    batchSize: 32,
    learningRate: options.finetuneLearningRate,
    weightDecay: 0.05,
    earlyStopping: { patience: 8 },
  };
  log(
    `label efficiency: budgets ${options.budgets.join(', ')} × seeds ${options.seeds.join(', ')}, ` +
      `tested on ${test.count} images, recipe ${JSON.stringify(recipe)}`,
  );
  const study = await labelEfficiency({
    train: pool,
    test: testSet,
    numClasses: 10,
    budgets: options.budgets,
    seeds: options.seeds,
    recipe,
    minimumSteps: options.minimumSteps,
    runners: [
      createPretrainedRunner(() => cloneEncoder(mae.encoder), { modes: ['full'] }),
      createPretrainedRunner(() => cloneEncoder(mae.encoder), {
        name: 'pretrained-probe',
        modes: ['linear-probe'],
        overrides: { learningRate: 1e-2 },
      }),
      createScratchRunner((seed) => createVitEncoder(vitOptions(seed)), {
        modes: ['full'],
        ...(options.scratchLearningRate === undefined
          ? {}
          : { overrides: { learningRate: options.scratchLearningRate } }),
      }),
    ],
    onProgress: ({ completed, total, row, seconds }) =>
      log(
        `  [${completed}/${total}] ${row.runner} ${row.mode}, ${row.labelCount} labels, seed ${row.seed}: ` +
          `accuracy ${percent(row.accuracy)} (${seconds.toFixed(0)} s)`,
      ),
  });
  tf.dispose([pool.inputs, testSet.inputs]);

  const accuracy = (runner, budget) =>
    study.summary.find(
      (row) => row.runner === runner && row.budget === budget && row.metric === 'accuracy',
    );
  const gains = options.budgets.map((budget) => {
    const pretrained = accuracy('pretrained', budget);
    const scratch = accuracy('scratch', budget);
    const probeRow = accuracy('pretrained-probe', budget);
    return {
      budget,
      pretrainedFull: pretrained?.mean ?? null,
      pretrainedFullStd: pretrained?.std ?? null,
      pretrainedLinearProbe: probeRow?.mean ?? null,
      scratchFull: scratch?.mean ?? null,
      scratchFullStd: scratch?.std ?? null,
      gainPoints:
        pretrained === undefined || scratch === undefined
          ? null
          : 100 * (pretrained.mean - scratch.mean),
    };
  });
  const claimRow = gains.find((row) => row.budget === 100);
  const claim = {
    statement:
      'MAE finetuning with 100 labels beats the same ViT from scratch by ≥ 10 points (3+ seeds)',
    gainPoints: claimRow?.gainPoints ?? null,
    met: claimRow?.gainPoints == null ? null : claimRow.gainPoints >= 10,
  };
  for (const row of gains) {
    log(
      `${row.budget} labels: pretrained full ${percent(row.pretrainedFull ?? Number.NaN)}, ` +
        `linear probe ${percent(row.pretrainedLinearProbe ?? Number.NaN)}, scratch ${percent(row.scratchFull ?? Number.NaN)} ` +
        `→ gain ${row.gainPoints?.toFixed(1)} points`,
    );
  }
  log(`claim (≥ 10 points at 100 labels): ${claim.met ? 'met' : 'NOT met'}`);

  const report = {
    date: new Date().toISOString(),
    machine: {
      cpu: os.cpus()[0]?.model ?? 'unknown',
      cores: os.cpus().length,
      platform: os.platform(),
    },
    backend: backend.backend,
    smoke: options.smoke,
    settings: {
      data: options.data,
      encoder: vitOptions(options.seed),
      mae: mae.getConfig(),
      pretrain: {
        ...pretrainSettings,
        steps,
        warmupSteps,
        batchSize: options.batchSize,
        schedule: 'cosine',
        optimizer: 'adamw',
      },
      maxMinutes: options.maxMinutes,
      labelEfficiency: {
        scratchLearningRate: options.scratchLearningRate ?? options.finetuneLearningRate,
        budgets: options.budgets,
        seeds: options.seeds,
        recipe,
        minimumSteps: options.minimumSteps,
        testSize: test.count,
        poolSize: train.count,
      },
    },
    pretraining: {
      steps: pretraining.step,
      plannedSteps: steps,
      seconds: pretraining.elapsedSeconds,
      calibrationMillisecondsPerStep: 1000 * secondsPerStep,
      finalLoss: pretraining.history.at(-1) ?? null,
      lossEvery: every,
      lossHistory: pretraining.history.filter((_, index) => index % every === 0),
    },
    reconstruction: { png: pngPath, heldOutMaskedLoss: heldOutLoss, zeroGuessLoss },
    gains,
    claim,
    labelEfficiency: study,
    totalSeconds: (performance.now() - started) / 1000,
  };
  const jsonName = `mae-${options.data}.json`;
  const jsonPath = resolve(
    options.outDirectory,
    options.smoke ? jsonName.replace('mae-', 'mae-smoke-') : jsonName,
  );
  await writeFileAtomically(jsonPath, `${JSON.stringify(report, null, 2)}\n`);
  log(`results: ${jsonPath}`);
  mae.dispose();
}

main().catch((error) => {
  console.error(
    `mae-full-run: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`,
  );
  process.exit(1);
});
