#!/usr/bin/env node
/**
 * The full SimCLR or MoCo v2 run on MNIST or Fashion-MNIST (issue 4's acceptance): pretrain with
 * core's default ConvNet encoder on the 60,000 unlabeled training images, then measure the encoder with a
 * linear probe (all labels) and a kNN classifier on the test split, and run `labelEfficiency` at
 * 100 labels (≥ 3 seeds) against the same architecture trained from scratch. Prints a table and
 * writes the numbers as JSON (atomically).
 *
 * Defaults fit ≤ 30 min of pretraining on 2 cores (wasm backend): 1,200 steps of 256 images
 * (≈ 5 epochs; `--max-minutes` stops pretraining earlier and evaluates what was trained).
 *
 *   node scripts/image-full-run.mjs --method simclr --data mnist --out results/simclr-mnist.json
 *   node scripts/image-full-run.mjs --method moco --data fashion-mnist --out results/moco-fashion-mnist.json
 *   node scripts/image-full-run.mjs --method simclr --workers 2 --steps 2000   # SimCLR on 2 worker threads (SyncBN, gathered negatives)
 *   node scripts/image-full-run.mjs --steps 5 --probe-limit 2000 --test-limit 1000 --out /tmp/smoke.json   # smoke test
 *
 * Needs the built package (`pnpm --filter @selfsup/contrastive build`); SELFSUP_CONTRASTIVE_DIST
 * points it at another build of `dist/index.js`.
 */
import { mkdir, rename, writeFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import {
  cloneEncoder,
  createConvNetEncoder,
  createPretrainedRunner,
  createScratchRunner,
  evaluate,
  finetune,
  initBackend,
  labelEfficiency,
  pretrain,
  TrainingAbortedError,
} from '@selfsup/core';
import { imageBatchSource, imagesToTensor, loadMnist, selectImages } from '@selfsup/data';
import * as tf from '@tensorflow/tfjs';

const usage = `Usage: node scripts/image-full-run.mjs [options]

SimCLR or MoCo v2 on MNIST or Fashion-MNIST: pretraining, linear probe and kNN on all labels,
label efficiency at 100 labels against the same encoder from scratch.

Options:
  --method NAME        simclr or moco (default simclr)
  --data ID            mnist or fashion-mnist (default mnist)
  --max-minutes X      stop pretraining after X minutes and evaluate (default 30)
  --steps N            pretraining steps (default 1200: ≤ 30 min on 2 cores)
  --batch-size N       images per step (default 256)
  --learning-rate X    AdamW peak learning rate, cosine decay (default 0.002)
  --queue-size N       MoCo negatives in the queue K (default 4096)
  --momentum X         MoCo key encoder momentum m (default 0.99)
  --temperature X      temperature τ (default: SimCLR 0.5, MoCo 0.2)
  --seed N             run seed (default 0)
  --probe-limit N      training images used by the linear probe and kNN (default all 60000)
  --test-limit N       test images evaluated (default all 10000)
  --seeds LIST         label-efficiency seeds, comma-separated, at least 3 (default 0,1,2)
  --budget N           labels of the label-efficiency study (default 100)
  --workers N          SimCLR: data-parallel worker threads (SyncBN, gathered negatives; default 1)
  --checkpoint DIR     save (and resume) the pretraining run in DIR
  --out FILE           where the JSON results go (default <method>-<data>-results.json)
  --help               this text`;

function fail(message) {
  console.error(`image-full-run: ${message}\n\n${usage}`);
  process.exit(2);
}

function parseOptions() {
  let values;
  try {
    ({ values } = parseArgs({
      options: {
        method: { type: 'string', default: 'simclr' },
        data: { type: 'string', default: 'mnist' },
        'max-minutes': { type: 'string', default: '30' },
        steps: { type: 'string', default: '1200' },
        'batch-size': { type: 'string', default: '256' },
        'learning-rate': { type: 'string', default: '0.002' },
        'queue-size': { type: 'string', default: '4096' },
        momentum: { type: 'string', default: '0.99' },
        temperature: { type: 'string' },
        seed: { type: 'string', default: '0' },
        'probe-limit': { type: 'string', default: '60000' },
        'test-limit': { type: 'string', default: '10000' },
        seeds: { type: 'string', default: '0,1,2' },
        budget: { type: 'string', default: '100' },
        workers: { type: 'string', default: '1' },
        checkpoint: { type: 'string' },
        out: { type: 'string' },
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
  const integer = (name, minimum) => {
    const value = Number(values[name]);
    if (!Number.isInteger(value) || value < minimum)
      fail(`--${name} must be an integer ≥ ${minimum}, got '${values[name]}'.`);
    return value;
  };
  const number = (name, check, what) => {
    const value = Number(values[name]);
    if (!Number.isFinite(value) || !check(value))
      fail(`--${name} must be ${what}, got '${values[name]}'.`);
    return value;
  };
  const seeds = values.seeds.split(',').map((seed) => Number(seed.trim()));
  if (seeds.length < 3 || seeds.some((seed) => !Number.isInteger(seed)))
    fail(`--seeds needs at least 3 integer seeds (mean ± std), got '${values.seeds}'.`);
  if (!['simclr', 'moco'].includes(values.method))
    fail(`--method must be simclr or moco, got '${values.method}'.`);
  if (!['mnist', 'fashion-mnist'].includes(values.data))
    fail(`--data must be mnist or fashion-mnist, got '${values.data}'.`);
  values.temperature ??= values.method === 'simclr' ? '0.5' : '0.2';
  if (values.method === 'moco' && values.workers !== '1')
    fail(
      '--workers: MoCo shuffles BatchNorm across the batch and keeps a queue; it trains on one thread (--workers 1).',
    );
  return {
    method: values.method,
    data: values.data,
    maxMinutes: number('max-minutes', (value) => value > 0, 'a positive number'),
    steps: integer('steps', 1),
    batchSize: integer('batch-size', 2),
    learningRate: number('learning-rate', (value) => value > 0, 'a positive number'),
    queueSize: integer('queue-size', 1),
    momentum: number('momentum', (value) => value >= 0 && value <= 1, 'in [0, 1]'),
    temperature: number('temperature', (value) => value > 0, 'a positive number'),
    seed: integer('seed', 0),
    probeLimit: integer('probe-limit', 10),
    testLimit: integer('test-limit', 10),
    seeds,
    budget: integer('budget', 10),
    workers: integer('workers', 1),
    checkpoint: values.checkpoint,
    out: resolve(values.out ?? `${values.method}-${values.data}-results.json`),
  };
}

async function writeJsonAtomically(path, value) {
  await mkdir(dirname(path), { recursive: true });
  const temporary = `${path}.${process.pid}.tmp`;
  await writeFile(temporary, `${JSON.stringify(value, null, 2)}\n`);
  await rename(temporary, path);
}

const percent = (value) => `${(100 * value).toFixed(1)}%`;
const first = (count, limit) => Array.from({ length: Math.min(count, limit) }, (_, i) => i);

async function main() {
  const options = parseOptions();
  if (options.method === 'moco' && options.queueSize < options.batchSize)
    fail(
      `--queue-size (${options.queueSize}) must be at least --batch-size (${options.batchSize}).`,
    );
  const contrastiveUrl =
    process.env.SELFSUP_CONTRASTIVE_DIST === undefined
      ? new URL('../dist/index.js', import.meta.url).href
      : pathToFileURL(resolve(process.env.SELFSUP_CONTRASTIVE_DIST)).href;
  const { createMoco, createSimclr } = await import(contrastiveUrl);
  const { loadFashionMnist } = await import('@selfsup/data');
  const backend = await initBackend({ backend: process.env.SELFSUP_BACKEND ?? 'wasm' });
  const started = performance.now();
  const log = (line) =>
    console.log(`[${((performance.now() - started) / 1000).toFixed(0).padStart(5)} s] ${line}`);

  const load = options.data === 'mnist' ? loadMnist : loadFashionMnist;
  const train = load('train');
  const test = load('test');

  // 1. Pretraining on every training image, labels unused.
  const encoderForRun = createConvNetEncoder({ seed: options.seed });
  const objective =
    options.method === 'moco'
      ? createMoco({
          encoder: encoderForRun,
          queueSize: options.queueSize,
          momentum: options.momentum,
          temperature: options.temperature,
          seed: options.seed,
        })
      : createSimclr({
          encoder: encoderForRun,
          temperature: options.temperature,
          seed: options.seed,
        });
  const methodName = options.method === 'moco' ? 'MoCo v2' : 'SimCLR';
  log(
    `pretraining: ${methodName}, ConvNet encoder (default), ${options.steps} steps of ${options.batchSize} ${options.data} images, ` +
      `${options.method === 'moco' ? `K ${options.queueSize}, m ${options.momentum}, ` : ''}τ ${options.temperature}, lr ${options.learningRate}, at most ${options.maxMinutes} min`,
  );
  const deadline = new AbortController();
  const deadlineAt = performance.now() + options.maxMinutes * 60_000;
  const every = Math.max(1, Math.floor(options.steps / 50));
  const pretraining = await pretrainUntilDeadline(
    objective,
    imageBatchSource(train, { batchSize: options.batchSize }),
    {
      steps: options.steps,
      learningRate: options.learningRate,
      warmupSteps: Math.min(100, Math.floor(options.steps / 10)),
      seed: options.seed,
      dataset: { id: options.data, split: 'train' },
      signal: deadline.signal,
      // --workers N: data-parallel worker threads, each building SimCLR with SyncBN and gathered
      // negatives (scripts/simclr-workload.mjs), so they train the whole batch's objective.
      ...(options.workers === 1
        ? {}
        : {
            workers: options.workers,
            workload: {
              module: new URL('./simclr-workload.mjs', import.meta.url).href,
              exportName: 'createWorkerSimclr',
              options: { seed: options.seed, temperature: options.temperature },
            },
          }),
      ...(options.checkpoint === undefined
        ? {}
        : {
            checkpoint: { directory: resolve(options.checkpoint), everySteps: 100 },
            resume: await hasCheckpoints(resolve(options.checkpoint)),
          }),
      onProgress: (event) => {
        if (performance.now() > deadlineAt && !deadline.signal.aborted) {
          log(
            `  --max-minutes ${options.maxMinutes} reached at step ${event.step + 1}: evaluating`,
          );
          deadline.abort();
        }
        if (event.step % every === 0 || event.step === options.steps - 1) {
          log(
            `  step ${event.step + 1}/${options.steps}  loss ${event.loss.toFixed(3)}  ` +
              `contrastive accuracy ${percent(event.metrics.accuracy ?? Number.NaN)}  ` +
              `${(event.examplesPerSecond ?? 0).toFixed(0)} images/s  ETA ${event.etaSeconds.toFixed(0)} s`,
          );
        }
      },
    },
  );
  const encoder = objective.encoder;
  log(`pretraining: ${pretraining.step} steps in ${pretraining.elapsedSeconds.toFixed(0)} s`);

  // 2. Linear probe and kNN on all (or --probe-limit) labels, scored on the test split.
  const probeIndices = first(train.count, options.probeLimit);
  const testIndices = first(test.count, options.testLimit);
  const probeSet = {
    inputs: imagesToTensor(train, probeIndices),
    labels: Int32Array.from(selectImages(train, probeIndices).labels),
  };
  const testSet = {
    inputs: imagesToTensor(test, testIndices),
    labels: Int32Array.from(selectImages(test, testIndices).labels),
  };
  try {
    const score = async (model) => {
      const report = await evaluate(model, testSet);
      model.dispose();
      return report.accuracy;
    };
    log(`linear probe on ${probeIndices.length} labels, tested on ${testIndices.length} images`);
    const linearProbe = await score(
      await finetune(encoder, probeSet, {
        mode: 'linear-probe',
        numClasses: 10,
        epochs: 20,
        batchSize: 256,
        validationSplit: 0.1,
        seed: options.seed,
      }),
    );
    log(`  linear probe accuracy ${percent(linearProbe)}`);
    const knn = await score(await finetune(encoder, probeSet, { mode: 'knn', numClasses: 10 }));
    log(`  kNN accuracy ${percent(knn)}`);
    const randomEncoder = createConvNetEncoder({ seed: options.seed });
    const randomKnn = await score(
      await finetune(randomEncoder, probeSet, { mode: 'knn', numClasses: 10 }),
    );
    randomEncoder.dispose();
    log(`  kNN accuracy of the random-init encoder ${percent(randomKnn)}`);

    // 3. Label efficiency at `budget` labels: pretrained (probe, full) vs scratch (full).
    log(`label efficiency: ${options.budget} labels × seeds ${options.seeds.join(', ')}`);
    const study = await labelEfficiency({
      train: probeSet,
      test: testSet,
      numClasses: 10,
      budgets: [options.budget],
      seeds: options.seeds,
      recipe: { epochs: 50, batchSize: 32 },
      runners: [
        createPretrainedRunner(() => cloneEncoder(encoder), { modes: ['linear-probe', 'full'] }),
        createScratchRunner((seed) => createConvNetEncoder({ seed }), { modes: ['full'] }),
      ],
      onProgress: ({ completed, total, row, seconds }) =>
        log(
          `  [${completed}/${total}] ${row.runner} ${row.mode}, seed ${row.seed}: accuracy ${percent(row.accuracy)} (${seconds.toFixed(0)} s)`,
        ),
    });

    const accuracyRows = study.summary.filter((row) => row.metric === 'accuracy');
    const table = [
      ['measure', 'accuracy'],
      ['linear probe, all labels', percent(linearProbe)],
      ['kNN, all labels', percent(knn)],
      ['kNN, random-init encoder', percent(randomKnn)],
      ...accuracyRows.map((row) => [
        `${row.runner} ${row.mode}, ${row.labelCount} labels (n=${row.n})`,
        `${percent(row.mean)} ± ${percent(row.std)}`,
      ]),
    ];
    const width = Math.max(...table.map(([name]) => name.length));
    console.log(
      `\n${table.map(([name, value]) => `${name.padEnd(width)}  ${value}`).join('\n')}\n`,
    );

    const results = {
      method: options.method === 'moco' ? 'moco-v2' : 'simclr',
      dataset: options.data,
      backend: backend.backend,
      settings: options,
      objective: objective.getConfig(),
      encoder: encoder.getConfig(),
      pretraining: {
        steps: pretraining.step,
        seconds: pretraining.elapsedSeconds,
        finalLoss: pretraining.loss ?? null,
        finalContrastiveAccuracy: pretraining.metrics.accuracy ?? null,
        lossEvery: every,
        loss: pretraining.history.filter((_, index) => index % every === 0),
      },
      linearProbe: {
        accuracy: linearProbe,
        labels: probeIndices.length,
        tested: testIndices.length,
      },
      knn: { accuracy: knn, randomInitAccuracy: randomKnn, labels: probeIndices.length },
      labelEfficiency: study,
      seconds: (performance.now() - started) / 1000,
    };
    await writeJsonAtomically(options.out, results);
    log(`results written to ${options.out}`);
  } finally {
    tf.dispose([probeSet.inputs, testSet.inputs]);
    objective.dispose();
  }
}

/** `pretrain`, where an abort by `--max-minutes` ends pretraining early instead of the run. */
async function pretrainUntilDeadline(objective, source, settings) {
  try {
    return await pretrain(objective, source, settings);
  } catch (error) {
    if (error instanceof TrainingAbortedError) return error.result;
    throw error;
  }
}

async function hasCheckpoints(directory) {
  const { readdir } = await import('node:fs/promises');
  try {
    return (await readdir(directory)).some((name) => name.startsWith('step-'));
  } catch {
    return false;
  }
}

main().catch((error) => {
  console.error(`image-full-run: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
