#!/usr/bin/env node
// WaveNet acceptance run (van den Oord et al. 2016) on the synthetic audio (8 kHz): train a
// class-conditional WaveNet within a time budget, generate clips of every class with fast
// (cached) generation, classify them with a spectral classifier trained on real clips (an MLP on
// @selfsup/data's hand-made spectral features), and report how often the generated class matches
// (target ≥ 90%). Writes a JSON report and one 16-bit WAV per class.
//
//   node scripts/wavenet-full-run.mjs --max-minutes 45
//   node scripts/wavenet-full-run.mjs --smoke            # tiny model, ~1–2 min: shows it works
//
// Flags: --max-minutes M (45, smoke 1.5: everything, training takes what generation and the classifier leave),
// --steps N (auto: fitted to the budget from a timing probe), --layers N (10), --channels N (32),
// --skip-channels N (64), --dilation-cycle N (10), --batch-size N (4), --crop N (4096 samples),
// --learning-rate X (2e-3), --warmup N (100), --classes LIST (0,1,2,3,4,5,6,7: class ids of
// syntheticAudioClassNames), --per-class N (10 generated clips per class), --generate-samples N
// (8000 = 1 s), --temperature X (1; a list such as 1,0.9,0.8 is chosen among on a validation
// generation: --validation-per-class N clips per class (5) at every listed temperature, scored by
// the classifier; the report's clips are then a fresh generation at the chosen one),
// --event-crops (train on the loud part of each clip: a window of --crop samples whose energy is at
// least half the clip's loudest window, the way WaveNet recipes trim silence; the background
// noise between events is not what the class describes), --classifier-clips N (60 real clips per class to train the
// classifier; as many again to test it), --seed N (0), --out FILE
// (results/wavenet-synthetic-audio.json), --wav-dir DIR (results/wavenet-wavs), --smoke (tiny
// settings; writes to the temporary folder unless --out/--wav-dir say otherwise), --workers N (1:
// data-parallel worker threads for training, each with batch-size / N clips of every batch; see
// scripts/wavenet-workload.mjs), --quiet.
// Uses the built package (../dist/index.js: run `npx tsup` first).
import { randomBytes } from 'node:crypto';
import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import {
  createMlpEncoder,
  deriveSeed,
  evaluate,
  finetune,
  initBackend,
  pretrain,
  SeededRandom,
  TrainingAbortedError,
} from '@selfsup/core';
import {
  audioFeatureMatrix,
  audioSpectralFeatureNames,
  syntheticAudioClassNames,
  syntheticAudioExample,
  syntheticAudioTestSet,
} from '@selfsup/data';
import * as tf from '@tensorflow/tfjs';

const here = dirname(fileURLToPath(import.meta.url));
const { createWavenetObjective, encodeWav, generateWavenet, wavenetReceptiveField } = await import(
  pathToFileURL(resolve(here, '../dist/index.js')).href
);

const sampleRate = 8000;
const clipLength = sampleRate;
const usage =
  'usage: node scripts/wavenet-full-run.mjs [--max-minutes 45] [--steps auto] [--layers 10] [--channels 32] ' +
  '[--skip-channels 64] [--dilation-cycle 10] [--batch-size 4] [--crop 4096] [--learning-rate 2e-3] [--warmup 100] ' +
  '[--classes 0,1,2,3,4,5,6,7] [--per-class 10] [--generate-samples 8000] [--temperature 1 | 1,0.9,…] [--validation-per-class 5] [--event-crops] ' +
  '[--classifier-clips 60] [--seed 0] [--workers 1] [--out results/wavenet-synthetic-audio.json] [--wav-dir results/wavenet-wavs] [--smoke] [--quiet]';

function fail(message) {
  console.error(`${message}\n${usage}`);
  process.exit(2);
}

function parseFlags() {
  let values;
  try {
    ({ values } = parseArgs({
      options: {
        'max-minutes': { type: 'string' },
        steps: { type: 'string', default: 'auto' },
        layers: { type: 'string' },
        channels: { type: 'string' },
        'skip-channels': { type: 'string' },
        'dilation-cycle': { type: 'string' },
        'batch-size': { type: 'string' },
        crop: { type: 'string' },
        'learning-rate': { type: 'string', default: '2e-3' },
        warmup: { type: 'string' },
        classes: { type: 'string', default: '0,1,2,3,4,5,6,7' },
        'per-class': { type: 'string' },
        'generate-samples': { type: 'string' },
        temperature: { type: 'string', default: '1' },
        'validation-per-class': { type: 'string' },
        'event-crops': { type: 'boolean', default: false },
        'classifier-clips': { type: 'string' },
        seed: { type: 'string', default: '0' },
        workers: { type: 'string', default: '1' },
        out: { type: 'string' },
        'wav-dir': { type: 'string' },
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
  const smoke = values.smoke;
  // Smoke defaults: a tiny model and short clips, so the whole pipeline runs in ~1–2 minutes.
  const defaults = smoke
    ? {
        layers: 4,
        channels: 8,
        'skip-channels': 16,
        'dilation-cycle': 10,
        'batch-size': 2,
        crop: 512,
        warmup: 5,
        'per-class': 1,
        'generate-samples': 800,
        'classifier-clips': 12,
        'validation-per-class': 1,
      }
    : {
        layers: 10,
        channels: 32,
        'skip-channels': 64,
        'dilation-cycle': 10,
        'batch-size': 4,
        crop: 4096,
        warmup: 100,
        'per-class': 10,
        'generate-samples': clipLength,
        'classifier-clips': 60,
        'validation-per-class': 5,
      };
  const integer = (name, minimum) => {
    const raw = values[name] ?? String(defaults[name]);
    const value = Number(raw);
    if (!Number.isInteger(value) || value < minimum)
      fail(`--${name} must be an integer ≥ ${minimum}, got '${raw}'.`);
    return value;
  };
  const positive = (name, raw = values[name]) => {
    const value = Number(raw);
    if (!(value > 0)) fail(`--${name} must be > 0, got '${raw}'.`);
    return value;
  };
  const classes = values.classes.split(',').map((part) => Number(part.trim()));
  if (
    classes.length === 0 ||
    new Set(classes).size !== classes.length ||
    !classes.every((id) => Number.isInteger(id) && id >= 0 && id < syntheticAudioClassNames.length)
  ) {
    fail(
      `--classes must list distinct class ids in [0, ${syntheticAudioClassNames.length}), got '${values.classes}'.`,
    );
  }
  const temperatures = values.temperature.split(',').map((part) => Number(part.trim()));
  if (
    temperatures.length === 0 ||
    new Set(temperatures).size !== temperatures.length ||
    !temperatures.every((value) => value >= 0 && Number.isFinite(value))
  )
    fail(
      `--temperature must be a number ≥ 0 or a list of distinct ones, got '${values.temperature}'.`,
    );
  const workers = integer('workers', 1);
  const batchSize = integer('batch-size', 1);
  if (batchSize % workers !== 0)
    fail(
      `--batch-size ${batchSize} does not split across --workers ${workers}: use a multiple of ${workers} (e.g. ${workers * Math.ceil(batchSize / workers)}).`,
    );
  const steps = values.steps === 'auto' ? 'auto' : Number(values.steps);
  if (steps !== 'auto' && !(Number.isInteger(steps) && steps >= 1))
    fail(`--steps must be 'auto' or a positive integer, got '${values.steps}'.`);
  return {
    smoke,
    // The smoke run's whole budget is 1.5 min unless --max-minutes says otherwise.
    maxMinutes: positive('max-minutes', values['max-minutes'] ?? (smoke ? '1.5' : '45')),
    steps,
    model: {
      layers: integer('layers', 1),
      channels: integer('channels', 1),
      skipChannels: integer('skip-channels', 1),
      dilationCycle: integer('dilation-cycle', 1),
      classes: classes.length,
    },
    batchSize,
    crop: Math.min(clipLength, integer('crop', 2)),
    learningRate: positive('learning-rate'),
    warmup: integer('warmup', 0),
    classes,
    perClass: integer('per-class', 1),
    generateSamples: integer('generate-samples', 1),
    temperatures,
    validationPerClass: integer('validation-per-class', 1),
    eventCrops: values['event-crops'],
    classifierClips: integer('classifier-clips', 2),
    seed: integer('seed', 0),
    workers,
    // A smoke run writes to the temporary folder unless told otherwise: its numbers are no result.
    out: resolve(
      values.out ??
        (smoke
          ? join(os.tmpdir(), 'wavenet-smoke.json')
          : resolve(here, '../results/wavenet-synthetic-audio.json')),
    ),
    wavDirectory: resolve(
      values['wav-dir'] ??
        (smoke
          ? join(os.tmpdir(), 'wavenet-smoke-wavs')
          : resolve(here, '../results/wavenet-wavs')),
    ),
    quiet: values.quiet,
  };
}

/** Writes `bytes` to `path` atomically (a temporary file in the same folder, then a rename). */
function writeAtomically(path, bytes) {
  mkdirSync(dirname(path), { recursive: true });
  const temporary = join(dirname(path), `.${randomBytes(6).toString('hex')}.tmp`);
  writeFileSync(temporary, bytes);
  renameSync(temporary, path);
}

/**
 * The start of a window of `length` samples on the loud part of a clip: drawn uniformly (from
 * `seed`) among the windows whose energy is at least half that of the clip's loudest window.
 */
function loudWindowStart(samples, length, seed) {
  const starts = samples.length - length + 1;
  if (starts <= 1) return 0;
  const energies = new Float64Array(starts);
  let energy = 0;
  for (let i = 0; i < length; i++) energy += samples[i] ** 2;
  energies[0] = energy;
  for (let start = 1; start < starts; start++) {
    energy += samples[start + length - 1] ** 2 - samples[start - 1] ** 2;
    energies[start] = energy;
  }
  const loudest = energies.reduce((largest, value) => Math.max(largest, value), 0);
  const candidates = [];
  for (let start = 0; start < starts; start++)
    if (energies[start] >= 0.5 * loudest) candidates.push(start);
  return candidates[new SeededRandom(seed).nextInt(candidates.length)];
}

/**
 * A resumable BatchSourceV1 of `{ audio [B, T, 1], labels [B] }` from the chosen classes: row j of
 * batch p is syntheticAudioExample(deriveSeed(seed, 1, p·B + j)) with its class forced to
 * classes[label], label uniform over the chosen classes (labels are 0…K−1). Whole clips (T = 1 s;
 * the objective crops), or with `eventCrops` a loud window of `crop` samples per clip
 * ({@link loudWindowStart}).
 */
function conditionalAudioSource(classes, batchSize, { crop, eventCrops }) {
  const length = eventCrops ? crop : clipLength;
  return {
    specificationVersion: 'v1',
    *batches({ position, seed }) {
      for (let batch = position; ; batch++) {
        const audio = new Float32Array(batchSize * length);
        const labels = new Int32Array(batchSize);
        for (let row = 0; row < batchSize; row++) {
          const exampleSeed = deriveSeed(seed, 1, batch * batchSize + row);
          const label = deriveSeed(exampleSeed, 7) % classes.length;
          const { samples } = syntheticAudioExample(exampleSeed, { sampleRate }, classes[label]);
          const start = eventCrops
            ? loudWindowStart(samples, length, deriveSeed(exampleSeed, 8))
            : 0;
          audio.set(samples.subarray(start, start + length), row * length);
          labels[row] = label;
        }
        yield {
          audio: tf.tensor3d(audio, [batchSize, length, 1]),
          labels: tf.tensor1d(labels, 'int32'),
        };
      }
    },
  };
}

/** Real clips of the chosen classes, `perClass` each, from a seeded test stream; labels 0…K−1. */
function realClips(classes, perClass, seed) {
  const all = syntheticAudioTestSet({ count: perClass * syntheticAudioClassNames.length, seed });
  const rows = [];
  for (let i = 0; i < all.count; i++) if (classes.includes(all.labels[i])) rows.push(i);
  const samples = new Float32Array(rows.length * clipLength);
  const labels = new Int32Array(rows.length);
  rows.forEach((row, index) => {
    samples.set(all.samples.subarray(row * clipLength, (row + 1) * clipLength), index * clipLength);
    labels[index] = classes.indexOf(all.labels[row]);
  });
  return { count: rows.length, samplesPerClip: clipLength, sampleRate, samples, labels };
}

/**
 * The spectral classifier: an MLP 64-64 on the standardized spectral features of real clips
 * (core's finetune, 30 epochs, batch 64, lr 1e-2: @selfsup/data's learnability check), scored on
 * held-out real clips. `score(set)` classifies other clips (the generated ones) with the same
 * standardization.
 */
async function trainSpectralClassifier(train, realTest, classCount, seed) {
  const size = audioSpectralFeatureNames.length;
  const trainFeatures = audioFeatureMatrix(train);
  const rows = train.count;
  const mean = new Float64Array(size);
  const variance = new Float64Array(size);
  for (let i = 0; i < trainFeatures.length; i++) mean[i % size] += trainFeatures[i] / rows;
  for (let i = 0; i < trainFeatures.length; i++)
    variance[i % size] += (trainFeatures[i] - mean[i % size]) ** 2 / rows;
  const standardize = (features) =>
    features.map((value, i) => (value - mean[i % size]) / (Math.sqrt(variance[i % size]) + 1e-6));
  const encoder = createMlpEncoder({ inputShape: [size], hiddenSizes: [64, 64], seed: seed + 1 });
  const trainInputs = tf.tensor2d(standardize(trainFeatures), [rows, size]);
  const classifier = await finetune(
    encoder,
    { inputs: trainInputs, labels: train.labels },
    {
      mode: 'full',
      epochs: 30,
      batchSize: 64,
      learningRate: 1e-2,
      numClasses: classCount,
      seed: seed + 1,
    },
  );
  trainInputs.dispose();
  const score = async (set) => {
    const inputs = tf.tensor2d(standardize(audioFeatureMatrix(set)), [set.count, size]);
    try {
      return await evaluate(classifier, { inputs, labels: set.labels });
    } finally {
      inputs.dispose();
    }
  };
  const realReport = await score(realTest);
  return {
    realReport,
    score,
    dispose() {
      classifier.dispose();
      encoder.model.dispose();
    },
  };
}

async function main() {
  const flags = parseFlags();
  const started = performance.now();
  const deadline = started + flags.maxMinutes * 60_000;
  const log = (message) => {
    if (!flags.quiet)
      console.log(`[${((performance.now() - started) / 1000).toFixed(0)} s] ${message}`);
  };
  const backend = await initBackend({
    quiet: true,
    backend: process.env.SELFSUP_BACKEND ?? 'wasm',
  });
  const wavenetOptions = { ...flags.model, seed: flags.seed };
  // --workers N: every worker thread builds the same objective and trains on its share of the batch.
  const parallel =
    flags.workers === 1
      ? {}
      : {
          workers: flags.workers,
          workload: {
            module: new URL('./wavenet-workload.mjs', import.meta.url).href,
            exportName: 'createWorkerWavenet',
            options: { wavenet: wavenetOptions, cropLength: flags.crop },
          },
        };
  const receptiveField = wavenetReceptiveField(wavenetOptions);
  log(
    `WaveNet ${JSON.stringify(wavenetOptions)}, receptive field ${receptiveField} samples, ` +
      `classes ${flags.classes.map((id) => syntheticAudioClassNames[id]).join(', ')}, backend ${backend.backend}`,
  );

  // Timing probe on a throwaway copy: ms per training step and generated samples per second.
  const probe = createWavenetObjective({ wavenet: wavenetOptions, cropLength: flags.crop });
  const probeSource = conditionalAudioSource(flags.classes, flags.batchSize, flags);
  // It runs at least 8 steps and 10 s (at most 40 steps): the first steps warm up (JIT, XNNPACK,
  // allocations), so the estimate is the median of the second half.
  const stepTimes = [];
  const probeController = new AbortController();
  const probeStarted = performance.now();
  let last = probeStarted;
  try {
    await pretrain(probe, probeSource, {
      steps: 40,
      learningRate: 1e-6,
      seed: flags.seed + 1000,
      ...parallel,
      signal: probeController.signal,
      onProgress: () => {
        const now = performance.now();
        stepTimes.push(now - last);
        last = now;
        if (stepTimes.length >= 8 && now - probeStarted >= 10_000) probeController.abort();
      },
    });
  } catch (error) {
    if (!(error instanceof TrainingAbortedError)) throw error;
  }
  const settled = stepTimes.slice(Math.floor(stepTimes.length / 2)).sort((a, b) => a - b);
  const msPerStepProbe = settled[Math.floor(settled.length / 2)];
  const clipCount = flags.perClass * flags.classes.length;
  const probeSamples = Math.min(200, flags.generateSamples);
  const probeGeneration = await generateWavenet(probe.wavenet, {
    samples: probeSamples,
    seed: 1,
    classId: Array.from({ length: clipCount }, (_, i) => i % flags.classes.length),
  });
  probe.dispose();
  const generationEstimate = (probeGeneration.seconds / probeSamples) * flags.generateSamples;
  // The classifier: features of ~2 × classifierClips × K real clips + MLP training (~1 min at most).
  // Several temperatures add one validation generation each (smaller batches: counted as a full one).
  const generations = 1 + (flags.temperatures.length > 1 ? flags.temperatures.length : 0);
  const reserveSeconds =
    generationEstimate * generations * 1.15 +
    30 +
    0.05 * flags.classifierClips * flags.classes.length;
  const trainSeconds = Math.max(5, (deadline - performance.now()) / 1000 - reserveSeconds);
  const steps =
    flags.steps === 'auto'
      ? Math.max(1, Math.floor((trainSeconds * 1000 * 0.95) / msPerStepProbe))
      : flags.steps;
  log(
    `probe: ${msPerStepProbe.toFixed(0)} ms/step (batch ${flags.batchSize} × ${flags.crop} samples, ${flags.workers} worker${flags.workers === 1 ? '' : 's'}), ` +
      `generation ~${generationEstimate.toFixed(0)} s for ${clipCount} clips × ${flags.generateSamples} samples; ` +
      `training ${steps} steps in ≤ ${trainSeconds.toFixed(0)} s`,
  );

  // Training.
  const objective = createWavenetObjective({ wavenet: wavenetOptions, cropLength: flags.crop });
  const controller = new AbortController();
  const history = [];
  const metricsHistory = [];
  let lastEvent;
  const trainingStarted = performance.now();
  const timer = setTimeout(() => controller.abort(), trainSeconds * 1000);
  let stoppedBy = 'steps';
  try {
    await pretrain(objective, conditionalAudioSource(flags.classes, flags.batchSize, flags), {
      steps,
      learningRate: flags.learningRate,
      warmupSteps: Math.min(flags.warmup, Math.floor(steps / 10)),
      schedule: 'cosine',
      clipNorm: 1,
      seed: flags.seed,
      signal: controller.signal,
      ...parallel,
      onProgress: (event) => {
        history.push(event.loss);
        metricsHistory.push(event.metrics);
        lastEvent = event;
        if (event.step % Math.max(1, Math.floor(steps / 20)) === 0 || event.step === steps) {
          log(
            `step ${event.step}/${steps}: loss ${event.loss.toFixed(3)} nats (${event.metrics.bitsPerSample.toFixed(2)} bits/sample), ` +
              `accuracy ${(100 * event.metrics.accuracy).toFixed(1)}%`,
          );
        }
      },
    });
  } catch (error) {
    if (!(error instanceof TrainingAbortedError)) throw error;
    stoppedBy = 'time';
  } finally {
    clearTimeout(timer);
  }
  const trainingSeconds = (performance.now() - trainingStarted) / 1000;
  const tail = (values, count) => values.slice(-count);
  const mean = (values) =>
    values.reduce((sum, value) => sum + value, 0) / Math.max(1, values.length);

  // The spectral classifier, trained on real clips, scores real held-out and generated clips.
  const classifierTrain = realClips(
    flags.classes,
    flags.classifierClips,
    deriveSeed(flags.seed, 11),
  );
  const classifierTest = realClips(
    flags.classes,
    flags.classifierClips,
    deriveSeed(flags.seed, 12),
  );
  const classifier = await trainSpectralClassifier(
    classifierTrain,
    classifierTest,
    flags.classes.length,
    flags.seed,
  );
  const realReport = classifier.realReport;

  // Generation: perClass clips of every class, in one parallel batch.
  const generateSet = async (temperature, perClass, seed) => {
    const count = perClass * flags.classes.length;
    const classId = Array.from({ length: count }, (_, i) => Math.floor(i / perClass));
    const generation = await generateWavenet(objective.wavenet, {
      samples: flags.generateSamples,
      seed,
      classId,
      temperature,
      onProgress: (done, total) =>
        log(`generated ${done}/${total} samples of ${count} clips at temperature ${temperature}`),
    });
    const set = {
      count,
      samplesPerClip: flags.generateSamples,
      sampleRate,
      samples: new Float32Array(count * flags.generateSamples),
      labels: Int32Array.from(classId),
    };
    generation.audio.forEach((clip, i) => {
      set.samples.set(clip, i * flags.generateSamples);
    });
    return { set, generation };
  };
  // Several temperatures: each generates validation clips (their own seed), the classifier scores
  // them, and the best one generates the reported clips afresh.
  const temperatureValidation = [];
  if (flags.temperatures.length > 1) {
    for (const temperature of flags.temperatures) {
      const { set } = await generateSet(
        temperature,
        flags.validationPerClass,
        deriveSeed(flags.seed, 98),
      );
      const report = await classifier.score(set);
      temperatureValidation.push({ temperature, matchRate: report.accuracy });
      log(
        `validation clips at temperature ${temperature}: match ${(100 * report.accuracy).toFixed(1)}%`,
      );
    }
  }
  const temperature =
    temperatureValidation.length === 0
      ? flags.temperatures[0]
      : temperatureValidation.reduce((best, entry) =>
          entry.matchRate > best.matchRate ? entry : best,
        ).temperature;
  const { set: generated, generation } = await generateSet(
    temperature,
    flags.perClass,
    deriveSeed(flags.seed, 99),
  );
  objective.dispose();
  const wavFiles = [];
  flags.classes.forEach((id, label) => {
    const clip = generation.audio[label * flags.perClass];
    const name = `${id}-${syntheticAudioClassNames[id].replaceAll(' ', '-')}.wav`;
    const path = join(flags.wavDirectory, name);
    writeAtomically(path, encodeWav(clip, sampleRate));
    wavFiles.push(path);
  });
  const generatedReport = await classifier.score(generated);
  classifier.dispose();
  const matchRate = generatedReport.accuracy;
  const perClass = Object.fromEntries(
    flags.classes.map((id, label) => {
      const row = generatedReport.confusionMatrix[label] ?? [];
      const total = row.reduce((sum, value) => sum + value, 0);
      return [syntheticAudioClassNames[id], total === 0 ? null : (row[label] ?? 0) / total];
    }),
  );
  const report = {
    date: new Date().toISOString(),
    machine: {
      cpu: os.cpus()[0]?.model ?? 'unknown',
      cores: os.cpus().length,
      platform: `${os.platform()} ${os.arch()}`,
      node: process.version,
    },
    backend: backend.backend,
    threads: backend.threads,
    smoke: flags.smoke,
    settings: {
      model: wavenetOptions,
      receptiveField,
      batchSize: flags.batchSize,
      workers: flags.workers,
      cropLength: flags.crop,
      learningRate: flags.learningRate,
      warmupSteps: Math.min(flags.warmup, Math.floor(steps / 10)),
      schedule: 'cosine',
      clipNorm: 1,
      optimizer: 'adamw',
      plannedSteps: steps,
      classes: flags.classes.map((id) => syntheticAudioClassNames[id]),
      perClass: flags.perClass,
      generateSamples: flags.generateSamples,
      temperature,
      temperatures: flags.temperatures,
      temperatureValidation,
      validationClipsPerClass: flags.temperatures.length > 1 ? flags.validationPerClass : 0,
      eventCrops: flags.eventCrops,
      classifierClipsPerClass: flags.classifierClips,
      maxMinutes: flags.maxMinutes,
      seed: flags.seed,
    },
    training: {
      steps: history.length,
      stoppedBy,
      seconds: trainingSeconds,
      msPerStep: (1000 * trainingSeconds) / Math.max(1, history.length),
      msPerStepProbe,
      samplesPerSecond: (history.length * flags.batchSize * flags.crop) / trainingSeconds,
      firstLoss: history[0] ?? null,
      finalLoss: history.length > 0 ? mean(tail(history, 20)) : null,
      finalBitsPerSample:
        metricsHistory.length > 0
          ? mean(tail(metricsHistory, 20).map((m) => m.bitsPerSample))
          : null,
      finalAccuracy:
        metricsHistory.length > 0 ? mean(tail(metricsHistory, 20).map((m) => m.accuracy)) : null,
      lossEvery: Math.max(1, Math.ceil(history.length / 100)),
      lossHistory: history.filter((_, i) => i % Math.max(1, Math.ceil(history.length / 100)) === 0),
      lastLearningRate: lastEvent?.learningRate ?? null,
    },
    generation: {
      mode: 'cached',
      clips: clipCount,
      samplesPerClip: flags.generateSamples,
      seconds: generation.seconds,
      samplesPerSecond: (clipCount * flags.generateSamples) / generation.seconds,
      stepsPerSecond: flags.generateSamples / generation.seconds,
      // Relative to the report's folder, so that the report stays true where it is copied with them.
      wavFiles: wavFiles.map((path) => relative(dirname(flags.out), path)),
    },
    classifier: {
      features: audioSpectralFeatureNames,
      model: 'MLP 64-64 on standardized spectral features (finetune: 30 epochs, batch 64, lr 1e-2)',
      trainClips: classifierTrain.count,
      realTestClips: classifierTest.count,
      realTestAccuracy: realReport.accuracy,
    },
    match: {
      rate: matchRate,
      target: 0.9,
      passed: matchRate >= 0.9,
      perClass,
      confusionMatrix: generatedReport.confusionMatrix,
    },
    seconds: (performance.now() - started) / 1000,
  };
  writeAtomically(flags.out, `${JSON.stringify(report, null, 2)}\n`);
  log(
    `match rate ${(100 * matchRate).toFixed(1)}% (target 90%; the classifier scores ${(100 * realReport.accuracy).toFixed(1)}% on real clips); ` +
      `wrote ${flags.out}`,
  );
}

await main();
