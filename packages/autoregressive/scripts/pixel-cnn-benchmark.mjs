#!/usr/bin/env node
/**
 * Measures PixelCNN training speed (ms per step of core's `pretrain`, AdamW) at a few widths on
 * the current backend, to choose a model that fits the time budget of the full run.
 *
 *   node scripts/pixel-cnn-benchmark.mjs --sizes 16x5,24x5,32x5 --batch-size 64 --steps 3
 *
 * Needs the built package (`npx tsup`). Prints one line per size and, with --out, writes JSON atomically.
 */
import { mkdir, rename, writeFile } from 'node:fs/promises';
import os from 'node:os';
import { dirname, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { getBackendInfo, initBackend, pretrain } from '@selfsup/core';
import * as tf from '@tensorflow/tfjs';
import { createPixelCnnObjective } from '../dist/index.js';

const { values } = parseArgs({
  options: {
    sizes: { type: 'string', default: '16x5,24x5,32x5' },
    'batch-size': { type: 'string', default: '64' },
    steps: { type: 'string', default: '3' },
    backend: { type: 'string', default: 'wasm' },
    out: { type: 'string' },
  },
});
await initBackend({ backend: values.backend, quiet: true });
const batchSize = Number(values['batch-size']);
const steps = Number(values.steps);
const rows = [];
for (const size of values.sizes.split(',')) {
  const [channels, blocks] = size.split('x').map(Number);
  const objective = createPixelCnnObjective({ pixelCnn: { channels, blocks, seed: 1 } });
  const images = tf.randomUniform([batchSize, 28, 28, 1], 0, 1, 'float32', 3);
  const batches = {
    *[Symbol.iterator]() {
      for (;;) yield images.clone();
    },
  };
  const times = [];
  const cpuTimes = [];
  let last = performance.now();
  let lastCpu = process.cpuUsage();
  await pretrain(objective, batches, {
    steps: steps + 1,
    onProgress: () => {
      const now = performance.now();
      times.push(now - last);
      last = now;
      const cpu = process.cpuUsage();
      cpuTimes.push((cpu.user - lastCpu.user + cpu.system - lastCpu.system) / 1000);
      lastCpu = cpu;
    },
  });
  const measured = times.slice(1);
  const msPerStep = measured.reduce((sum, value) => sum + value, 0) / measured.length;
  const cpuMeasured = cpuTimes.slice(1);
  // CPU time of this process: close to the wall time on an idle machine when the cores are shared.
  const cpuMsPerStep = cpuMeasured.reduce((sum, value) => sum + value, 0) / cpuMeasured.length;
  const parameters = objective.encoder.model.countParams();
  const forward = performance.now();
  // One forward pass of 16 images: the cost of one of the 784 passes of sampling a 4×4 grid.
  tf.tidy(() =>
    objective.network.doLogits(images.slice([0], [16]), { training: false }).dataSync(),
  );
  const forwardMs = performance.now() - forward;
  rows.push({
    channels,
    blocks,
    parameters,
    batchSize,
    msPerStep,
    cpuMsPerStep,
    imagesPerSecond: (1000 * batchSize) / msPerStep,
    forward16Ms: forwardMs,
  });
  console.log(
    `channels ${channels} blocks ${blocks}: ${parameters} parameters, ${msPerStep.toFixed(0)} ms/step (batch ${batchSize}; CPU ${cpuMsPerStep.toFixed(0)} ms), ${((1000 * batchSize) / msPerStep).toFixed(0)} images/s, forward of 16 images ${forwardMs.toFixed(0)} ms`,
  );
  images.dispose();
  objective.dispose();
}
if (values.out !== undefined) {
  const path = resolve(values.out);
  await mkdir(dirname(path), { recursive: true });
  const temporary = `${path}.${process.pid}.tmp`;
  const cpus = os.cpus();
  await writeFile(
    temporary,
    `${JSON.stringify({ date: new Date().toISOString(), machine: { cpu: cpus[0]?.model, cores: cpus.length, loadAverage: os.loadavg() }, backend: getBackendInfo?.()?.backend ?? values.backend, rows }, null, 2)}\n`,
  );
  await rename(temporary, path);
}
