#!/usr/bin/env node
// WaveNet speed on one backend: ms per training step (forward + backward + AdamW) and generation
// samples per second (cached and naive). Prints one JSON line.
//
//   node scripts/wavenet-bench.mjs --layers 10 --channels 32 --skip-channels 64 --length 4096 --batch-size 4 --steps 5
//
// Flags: --layers N (10), --channels N (32), --skip-channels N (64), --length N (4096 samples),
// --batch-size N (4), --steps N (5 timed steps after 1 warm-up), --classes N (8),
// --generate N (samples to generate per clip, 2000; 0 skips), --clips N (8 clips in parallel),
// --backend wasm|cpu (wasm). Also reports CPU time per step (≈ idle wall time on a loaded machine).
import { dirname, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { initBackend, pretrain } from '@selfsup/core';
import * as tf from '@tensorflow/tfjs';

const here = dirname(fileURLToPath(import.meta.url));
const { createWavenetObjective, generateWavenet } = await import(
  pathToFileURL(resolve(here, '../dist/index.js')).href
);

const { values } = parseArgs({
  options: {
    layers: { type: 'string', default: '10' },
    channels: { type: 'string', default: '32' },
    'skip-channels': { type: 'string', default: '64' },
    length: { type: 'string', default: '4096' },
    'batch-size': { type: 'string', default: '4' },
    steps: { type: 'string', default: '5' },
    classes: { type: 'string', default: '8' },
    generate: { type: 'string', default: '2000' },
    clips: { type: 'string', default: '8' },
    backend: { type: 'string', default: 'wasm' },
  },
});
const number = (name) => {
  const value = Number(values[name]);
  if (!Number.isInteger(value) || value < 0) {
    console.error(`--${name} must be a non-negative integer, got '${values[name]}'.`);
    process.exit(2);
  }
  return value;
};
const settings = {
  layers: number('layers'),
  channels: number('channels'),
  skipChannels: number('skip-channels'),
  classes: number('classes'),
  length: number('length'),
  batchSize: number('batch-size'),
  steps: number('steps'),
};
await initBackend({ backend: values.backend, quiet: true });
const objective = createWavenetObjective({
  wavenet: {
    layers: settings.layers,
    channels: settings.channels,
    skipChannels: settings.skipChannels,
    classes: settings.classes,
    seed: 1,
  },
});
const batch = () => ({
  audio: tf.tidy(() =>
    tf.randomUniform([settings.batchSize, settings.length, 1], -0.5, 0.5, 'float32', 3),
  ),
  labels: tf.tensor1d(
    Array.from({ length: settings.batchSize }, (_, i) => i % Math.max(1, settings.classes)),
    'int32',
  ),
});
const times = [];
const cpuTimes = [];
let last = performance.now();
let lastCpu = process.cpuUsage();
await pretrain(objective, Array.from({ length: settings.steps + 1 }, batch), {
  steps: settings.steps + 1,
  learningRate: 1e-3,
  onProgress: () => {
    const now = performance.now();
    const cpu = process.cpuUsage();
    times.push(now - last);
    cpuTimes.push((cpu.user - lastCpu.user + cpu.system - lastCpu.system) / 1000);
    last = now;
    lastCpu = cpu;
  },
});
times.shift();
cpuTimes.shift();
const result = {
  backend: values.backend,
  settings,
  msPerStep: times.reduce((sum, t) => sum + t, 0) / Math.max(1, times.length),
  stepTimes: times.map((t) => Math.round(t)),
  // CPU time of this (single-threaded) process per step: close to the wall time of an idle machine.
  cpuMsPerStep: cpuTimes.reduce((sum, t) => sum + t, 0) / Math.max(1, cpuTimes.length),
};
const samples = number('generate');
if (samples > 0) {
  const clips = number('clips');
  const classId = Array.from({ length: clips }, (_, i) => i % Math.max(1, settings.classes));
  const options = settings.classes > 0 ? { classId } : { count: clips };
  const cpuBefore = process.cpuUsage();
  const cached = await generateWavenet(objective.wavenet, { samples, seed: 1, ...options });
  const cpuAfter = process.cpuUsage(cpuBefore);
  result.cachedCpuStepsPerSecond = samples / ((cpuAfter.user + cpuAfter.system) / 1e6);
  result.cachedSamplesPerSecond = (samples * clips) / cached.seconds;
  result.cachedStepsPerSecond = samples / cached.seconds;
  const naiveSamples = Math.min(samples, 200);
  const naive = await generateWavenet(objective.wavenet, {
    samples: naiveSamples,
    seed: 1,
    mode: 'naive',
    ...options,
  });
  result.naiveStepsPerSecond = naiveSamples / naive.seconds;
}
objective.dispose();
console.log(JSON.stringify(result));
