#!/usr/bin/env node
/**
 * Trains the demo site's small checkpoints with the built selfsup CLI (`apps/cli/dist`) and
 * copies what the browser needs into `apps/demo/public/models/<name>/`:
 * `selfsup.json` (the checkpoint manifest), `encoder/` and `heads/` (standard tfjs layers
 * models: `model.json` + weight shards), the run's `tokenizer.json` when it has one, and
 * `about.json` (the exact command, settings, steps, final loss and training time).
 * The optimizer state is left out (the copied manifest says `optimizer: null`): the site never
 * resumes training, and it would double the size.
 *
 * Usage (from anywhere; build the CLI first with `pnpm --filter @selfsup/cli build`):
 *   node apps/demo/scripts/make-demo-checkpoints.mjs            # every model
 *   node apps/demo/scripts/make-demo-checkpoints.mjs gpt-names  # only the named ones
 *
 * Each model trains in about 1–3 minutes on one core (wasm backend, seed 0). The copies are
 * written atomically (a temporary folder renamed over the old one).
 */
import { spawnSync } from 'node:child_process';
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const demoRoot = fileURLToPath(new URL('..', import.meta.url));
const repositoryRoot = join(demoRoot, '..', '..');
const cliPath = join(repositoryRoot, 'apps', 'cli', 'dist', 'selfsup.js');
const modelsDirectory = join(demoRoot, 'public', 'models');

/**
 * The demo's models: the CLI method, its settings (a `--config` file: the flags in camelCase),
 * and what the page does with it. Sizes are tiny on purpose: they load in a blink and train in
 * minutes on a CPU.
 */
const demoModels = [
  {
    name: 'gpt-names',
    method: 'gpt',
    purpose: 'Autoregressive page: character GPT text streaming; the e2e logits check',
    settings: {
      data: 'names',
      encoderOptions: { layers: 2, embeddingSize: 64, heads: 4 },
      methodOptions: { blockSize: 32 },
      steps: 1500,
      batchSize: 32,
      lr: 0.003,
      warmupSteps: 50,
      seed: 0,
    },
  },
  {
    name: 'pixelcnn-mnist',
    method: 'pixelcnn',
    purpose: 'Autoregressive page: class-conditional PixelCNN sampling a digit pixel by pixel',
    settings: {
      data: 'mnist',
      limit: 20000,
      encoderOptions: { channels: 16, blocks: 4, outputBias: -1.9, classes: 10 },
      steps: 220,
      batchSize: 32,
      lr: 0.01,
      seed: 0,
    },
  },
  {
    name: 'wavenet-audio',
    method: 'wavenet',
    purpose: 'Autoregressive page: class-conditional WaveNet audio (fast generation)',
    settings: {
      data: 'synthetic-audio',
      encoderOptions: { layers: 8, channels: 16, skipChannels: 32, classes: 8 },
      methodOptions: { cropLength: 2048 },
      steps: 700,
      batchSize: 4,
      lr: 0.003,
      seed: 0,
    },
  },
  {
    name: 'bert-sotu',
    method: 'bert',
    purpose: 'Masked prediction page: BERT fill-mask',
    settings: {
      data: 'sotu',
      encoderOptions: { layers: 2, embeddingSize: 64, heads: 2 },
      methodOptions: { sequenceLength: 32, vocabularySize: 1000 },
      steps: 1500,
      batchSize: 32,
      lr: 0.002,
      warmupSteps: 50,
      seed: 0,
    },
  },
  {
    name: 'clip-mnist',
    method: 'clip',
    purpose: 'Contrastive page: CLIP zero-shot retrieval of MNIST digits from a typed prompt',
    settings: {
      data: 'captioned-mnist',
      limit: 10000,
      encoderOptions: { channels: [8, 16], outputSize: 32 },
      steps: 500,
      batchSize: 64,
      lr: 0.002,
      seed: 0,
    },
  },
];

/** Writes `value` to `path` through a temporary file and a rename (atomic). */
function writeJsonAtomically(path, value) {
  const temporary = `${path}.partial-${process.pid}`;
  writeFileSync(temporary, `${JSON.stringify(value, null, 2)}\n`);
  renameSync(temporary, path);
}

/** The total size in bytes of a folder. */
function folderBytes(path) {
  let total = 0;
  for (const entry of readdirSync(path, { withFileTypes: true })) {
    const child = join(path, entry.name);
    total += entry.isDirectory() ? folderBytes(child) : statSync(child).size;
  }
  return total;
}

/** Trains one model with the CLI and copies its checkpoint into public/models/<name>/. */
function makeCheckpoint(model, workDirectory) {
  const configPath = join(workDirectory, `${model.name}.json`);
  const runDirectory = join(workDirectory, model.name);
  writeFileSync(configPath, JSON.stringify(model.settings, null, 2));
  const args = [
    cliPath,
    'pretrain',
    model.method,
    '--config',
    configPath,
    '--out',
    runDirectory,
    '--backend',
    'wasm',
    '--force',
    '--json',
  ];
  console.info(`${model.name}: selfsup pretrain ${model.method} ${JSON.stringify(model.settings)}`);
  const started = performance.now();
  const child = spawnSync(process.execPath, args, {
    cwd: repositoryRoot,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
    maxBuffer: 64 * 1024 * 1024,
  });
  const seconds = (performance.now() - started) / 1000;
  if (child.status !== 0) {
    throw new Error(
      `${model.name}: the CLI exited with ${child.status}; build it first (pnpm --filter @selfsup/cli build) and read its message above.`,
    );
  }
  const result = JSON.parse(child.stdout);
  const checkpoint = result.checkpoint;
  const target = join(modelsDirectory, model.name);
  const partial = join(modelsDirectory, `.${model.name}.partial-${process.pid}`);
  rmSync(partial, { recursive: true, force: true });
  mkdirSync(partial, { recursive: true });
  // The optimizer state (Adam's moments: twice the weights) is left out, so the manifest says
  // there is none (`optimizer: null`, not resumable); core's loadCheckpoint/loadEncoder and the
  // method loaders then read the copy as they read the CLI's checkpoint.
  const manifest = JSON.parse(readFileSync(join(checkpoint, 'selfsup.json'), 'utf8'));
  writeJsonAtomically(join(partial, 'selfsup.json'), {
    ...manifest,
    optimizer: null,
    resumable: false,
  });
  cpSync(join(checkpoint, 'encoder'), join(partial, 'encoder'), { recursive: true });
  if (existsSync(join(checkpoint, 'heads')))
    cpSync(join(checkpoint, 'heads'), join(partial, 'heads'), { recursive: true });
  if (existsSync(join(checkpoint, 'state')))
    cpSync(join(checkpoint, 'state'), join(partial, 'state'), { recursive: true });
  if (existsSync(join(runDirectory, 'tokenizer.json')))
    cpSync(join(runDirectory, 'tokenizer.json'), join(partial, 'tokenizer.json'));
  const about = {
    name: model.name,
    purpose: model.purpose,
    command: `selfsup pretrain ${model.method} --config ${model.name}.json --backend wasm`,
    method: model.method,
    settings: model.settings,
    step: result.step,
    loss: result.loss,
    metrics: result.metrics,
    trainingSeconds: Math.round(result.seconds * 10) / 10,
    wallSeconds: Math.round(seconds * 10) / 10,
    backend: result.backend,
    madeBy: 'apps/demo/scripts/make-demo-checkpoints.mjs',
  };
  writeJsonAtomically(join(partial, 'about.json'), about);
  const old = join(modelsDirectory, `.${model.name}.old-${process.pid}`);
  if (existsSync(target)) renameSync(target, old);
  renameSync(partial, target);
  rmSync(old, { recursive: true, force: true });
  console.info(
    `${model.name}: step ${result.step}, loss ${result.loss.toFixed(4)}, ${result.seconds.toFixed(1)} s of training, ${(folderBytes(target) / 1024).toFixed(0)} KiB → ${target}`,
  );
  return about;
}

function main() {
  if (!existsSync(cliPath)) {
    console.error(`The CLI is not built (${cliPath}): run pnpm --filter @selfsup/cli build first.`);
    process.exit(1);
  }
  const wanted = process.argv.slice(2);
  const unknown = wanted.filter((name) => !demoModels.some((model) => model.name === name));
  if (unknown.length > 0) {
    console.error(
      `Unknown model ${unknown.join(', ')}: choose from ${demoModels.map((model) => model.name).join(', ')}.`,
    );
    process.exit(2);
  }
  const chosen =
    wanted.length === 0 ? demoModels : demoModels.filter((model) => wanted.includes(model.name));
  mkdirSync(modelsDirectory, { recursive: true });
  const workDirectory = mkdtempSync(join(tmpdir(), 'selfsup-demo-checkpoints-'));
  try {
    for (const model of chosen) makeCheckpoint(model, workDirectory);
  } finally {
    rmSync(workDirectory, { recursive: true, force: true });
  }
  const total = existsSync(modelsDirectory) ? folderBytes(modelsDirectory) : 0;
  console.info(`public/models/ holds ${(total / 1024 / 1024).toFixed(2)} MiB in all.`);
}

main();
