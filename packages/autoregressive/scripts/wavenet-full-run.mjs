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
// Flags: --max-minutes M (45, smoke 1.5: everything, training takes what generation and the classifier
// leave, and never more than 45 minutes),
// --steps N (auto: fitted to the budget from a timing probe), --layers N (10), --channels N (32),
// --skip-channels N (64), --dilation-cycle N (10), --batch-size N (4), --crop N (4096 samples),
// --learning-rate X (2e-3), --input-noise S (0: the standard deviation of Gaussian noise added to
// the training inputs, companded μ-law values, not to the targets; FFTNet's noise injection, the
// objective's inputNoise), --warmup N (100), --classes LIST (0,1,2,3,4,5,6,7: class ids of
// syntheticAudioClassNames), --per-class N (10 generated clips per class), --generate-samples N
// (8000 = 1 s), --temperature X (1; a list such as 1,0.9,0.8 is chosen among on a validation
// generation: --validation-per-class N clips per class (5) at every listed temperature, scored by
// the classifier; the report's clips are then a fresh generation at the chosen one), --top-p P
// (1; a list such as 1,0.95,0.9 is crossed with the temperatures: nucleus sampling, Holtzman et
// al. 2020, chosen on the same validation generation), --guidance W (1; a list such as 1,2,4 is
// crossed with the others: class guidance, generateWavenet's `guidance`, every clip run under every
// class and steered away from the class-averaged prediction; costs K× a plain draw),
// --event-crops (train on the loud part of each clip: a window of --crop samples whose energy is at
// least half the clip's loudest window, the way WaveNet recipes trim silence; the background
// noise between events is not what the class describes), --classifier-clips N (60 real clips per class to train the
// classifier; as many again to test it), --seed N (0), --out FILE
// (results/wavenet-synthetic-audio.json), --wav-dir DIR (results/wavenet-wavs), --smoke (tiny
// settings; writes to the temporary folder unless --out/--wav-dir say otherwise), --workers N (1:
// data-parallel worker threads for training the WaveNet and the prior, each with batch-size / N
// clips of every batch; see scripts/wavenet-workload.mjs and scripts/control-prior-workload.mjs), --run-directory DIR (runs/wavenet: the trained model is saved as
// a checkpoint in DIR/<date>/ with run.json, its settings and training record), --from-run DIR
// (skip training: restore that saved run and only choose the sampling, generate and score; model
// and data flags come from its run.json), --controls (hierarchical mode: the WaveNet is also locally
// conditioned on each clip's control track, its dominant frequency and loudness every 64 samples
// (extractControlTrack; section 2.5 of the paper, as its TTS WaveNet reads a predicted log-F0
// track), and a class-prompted GPT prior over the quantized tracks (3 layers, 4 heads, 96 dims,
// block 250, batch 16, lr 3e-3 cosine, trained --prior-minutes M, 10, after the WaveNet, inside the
// same 45 minutes) writes the track of every generated clip; the report adds `resynthesis`, the
// WaveNet rendering real clips' tracks, which scores the renderer alone), --prior-temperature X (1; a list is chosen on validation clips with the other sampling flags),
// --prior-hop N (64: samples per frame of the prior's tracks, a multiple of 64; a coarser track is a
// shorter token sequence, read at 64 by upsampleControlTrack, and the report adds
// `resynthesisAtPriorHop`, the renderer on real tracks at that hop), --track-hop N (64: the hop at
// which the WaveNet's training tracks are analysed before upsampling to its 64-sample frames; equal
// to --prior-hop, the renderer learns the tracks a prior of that hop writes),
// --frames-per-frequency-token N (1: the prior's tokens give each group of N frames its levels and
// one frequency, the group's loudest frame's, and the WaveNet trains on tracks with the frequency
// held so; e.g. 2 with 16-ms frames: levels at 16 ms, pitch at 32 ms), --timbre-channel (a third
// control feature per 8-ms frame, extractTimbreTrack: the share of the frame's spectral energy off
// its dominant peak; real clips carry their own, a prior's track gets its class's mean over its event
// frames, those within 15 dB of its loudest, and the background mean elsewhere), --partials-channel
// (two more control features per 8-ms frame, extractSecondPeakTrack: where the second-strongest
// spectral peak lies re the dominant one, in octaves, and its level in dB; a prior's track gets its
// class's means as with the timbre channel), --prior-layers N (3)
// and --prior-dimensions N (96, a multiple of the prior's 4 heads), --prior-batch-size N (16); the
// prior's sampling is constrained to well-formed tokens of its class (controlTokenConstraint),
// --prior-candidates N (1; a list joins the validated grid: the prior draws N tracks per clip and
// keeps one, by --prior-selection likelihood (the likeliest under the clip's class) or posterior
// (the prior's own class posterior, controlClassScores; a list joins the grid)),
// --prior-guidance W (1; a list joins the validated grid: class guidance of the prior, each frame
// token drawn from w · log p(x | class) − (w − 1) · log(mean over classes of p(x | k)),
// generateGuidedControlTokens; with --prior-top-p 1),
// --retrain-prior (with --from-run: keep that run's WaveNet, train a new prior for --prior-minutes,
// at most what the WaveNet's training left of the 45 minutes, in a fresh run directory whose
// run.json points at the WaveNet), --dump-clips DIR (also write the reported clips, and with
// --controls the real clips and their resynthesis, as raw float32 files with their labels, for
// offline analysis), --quiet. The report also scores the model as a classifier of
// --validation-per-class real clips per class (likelihoodClassification: the class under which each
// clip's training window is likeliest), which says whether the model has learnt the classes at all.
// Uses the built package (../dist/index.js: run `npx tsup` first).
import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
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
  restoreCheckpoint,
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
const {
  controlFeatureCount,
  controlFeatures,
  controlClassScores,
  controlSequenceLength,
  controlTokenConstraint,
  controlTokens,
  controlTrackFromTokens,
  controlVocabularySize,
  createGpt,
  createWavenetObjective,
  encodeWav,
  extractControlTrack,
  extractSecondPeakTrack,
  extractTimbreTrack,
  generate,
  generateGuidedControlTokens,
  generateWavenet,
  holdFrequencyOverGroups,
  muLawEncode,
  upsampleControlTrack,
  wavenetReceptiveField,
} = await import(pathToFileURL(resolve(here, '../dist/index.js')).href);

const sampleRate = 8000;
const clipLength = sampleRate;
const usage =
  'usage: node scripts/wavenet-full-run.mjs [--max-minutes 45] [--steps auto] [--layers 10] [--channels 32] ' +
  '[--skip-channels 64] [--dilation-cycle 10] [--batch-size 4] [--crop 4096] [--learning-rate 2e-3] [--input-noise 0] [--warmup 100] ' +
  '[--classes 0,1,2,3,4,5,6,7] [--per-class 10] [--generate-samples 8000] [--temperature 1 | 1,0.9,…] [--top-p 1 | 1,0.95,…] [--guidance 1 | 1,2,4,…] [--validation-per-class 5] [--event-crops] ' +
  '[--classifier-clips 60] [--seed 0] [--workers 1] [--out results/wavenet-synthetic-audio.json] [--wav-dir results/wavenet-wavs] ' +
  '[--run-directory runs/wavenet] [--from-run DIR] [--controls] [--prior-minutes 10] [--prior-temperature 1] [--prior-hop 64] [--track-hop 64] [--prior-layers 3] [--prior-dimensions 96] [--prior-batch-size 16] [--prior-candidates 1] [--prior-selection likelihood] [--prior-guidance 1] [--frames-per-frequency-token 1] [--timbre-channel] [--partials-channel] [--retrain-prior] [--dump-clips DIR] [--smoke] [--quiet]';

/**
 * How --prior-candidates > 1 keeps one of a clip's tracks: the highest log-likelihood under the
 * clip's class, or the highest class posterior (both from controlClassScores, the prior's own).
 */
const priorSelections = ['likelihood', 'posterior'];

/** Samples per control frame of --controls (8 ms at 8 kHz: a 16 Hz tremolo spans ~8 frames). */
const controlHop = 64;
/** The control prior of --controls: a GPT over class-prompted control tokens of whole clips. */
const priorSettings = { heads: 4, learningRate: 3e-3 };

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
        'input-noise': { type: 'string', default: '0' },
        warmup: { type: 'string' },
        classes: { type: 'string', default: '0,1,2,3,4,5,6,7' },
        'per-class': { type: 'string' },
        'generate-samples': { type: 'string' },
        temperature: { type: 'string', default: '1' },
        'top-p': { type: 'string', default: '1' },
        guidance: { type: 'string', default: '1' },
        'validation-per-class': { type: 'string' },
        'event-crops': { type: 'boolean', default: false },
        'classifier-clips': { type: 'string' },
        seed: { type: 'string', default: '0' },
        workers: { type: 'string', default: '1' },
        out: { type: 'string' },
        'wav-dir': { type: 'string' },
        'run-directory': { type: 'string' },
        'from-run': { type: 'string' },
        controls: { type: 'boolean', default: false },
        'prior-minutes': { type: 'string' },
        'prior-temperature': { type: 'string', default: '1' },
        'retrain-prior': { type: 'boolean', default: false },
        'prior-top-p': { type: 'string', default: '1' },
        'prior-candidates': { type: 'string', default: '1' },
        'prior-selection': { type: 'string', default: 'likelihood' },
        'prior-guidance': { type: 'string', default: '1' },
        'frames-per-frequency-token': { type: 'string', default: '1' },
        'timbre-channel': { type: 'boolean', default: false },
        'partials-channel': { type: 'boolean', default: false },
        'prior-hop': { type: 'string', default: String(controlHop) },
        'prior-batch-size': { type: 'string', default: '16' },
        'track-hop': { type: 'string', default: String(controlHop) },
        'prior-layers': { type: 'string', default: '3' },
        'prior-dimensions': { type: 'string', default: '96' },
        smoke: { type: 'boolean', default: false },
        'dump-clips': { type: 'string' },
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
  const nonNegative = (name, raw = values[name]) => {
    const value = Number(raw);
    if (!(value >= 0 && Number.isFinite(value)))
      fail(`--${name} must be a number ≥ 0 (0 turns it off), got '${raw}'.`);
    return value;
  };
  // A comma-separated list of distinct numbers, each accepted by `valid`.
  const distinctValues = (name, allowed) => {
    const list = values[name].split(',').map((part) => part.trim());
    if (new Set(list).size !== list.length || !list.every((value) => allowed.includes(value)))
      fail(
        `--${name} must be one of ${allowed.join(', ')} or a list of them, got '${values[name]}'.`,
      );
    return list;
  };
  const distinctNumbers = (name, valid, expected) => {
    const list = values[name].split(',').map((part) => Number(part.trim()));
    if (list.length === 0 || new Set(list).size !== list.length || !list.every(valid))
      fail(`--${name} must be ${expected}, got '${values[name]}'.`);
    return list;
  };
  const classes = distinctNumbers(
    'classes',
    (id) => Number.isInteger(id) && id >= 0 && id < syntheticAudioClassNames.length,
    `a list of distinct class ids in [0, ${syntheticAudioClassNames.length})`,
  );
  const temperatures = distinctNumbers(
    'temperature',
    (value) => value >= 0 && Number.isFinite(value),
    'a number ≥ 0 or a list of distinct ones',
  );
  const topPs = distinctNumbers(
    'top-p',
    (value) => value > 0 && value <= 1,
    'a number in (0, 1] or a list of distinct ones',
  );
  const guidances = distinctNumbers(
    'guidance',
    (value) => value >= 1 && Number.isFinite(value),
    'a number ≥ 1 (1: off) or a list of distinct ones',
  );
  const workers = integer('workers', 1);
  const batchSize = integer('batch-size', 1);
  const priorBatchSize = integer('prior-batch-size', 1);
  for (const [name, size] of [
    ['batch-size', batchSize],
    ['prior-batch-size', priorBatchSize],
  ])
    if (size % workers !== 0)
      fail(
        `--${name} ${size} does not split across --workers ${workers}: use a multiple of ${workers} (e.g. ${workers * Math.ceil(size / workers)}).`,
      );
  if (Number(values['prior-dimensions']) % 4 !== 0)
    fail(
      `--prior-dimensions must be a multiple of the prior's 4 heads, got '${values['prior-dimensions']}'.`,
    );
  for (const name of ['prior-hop', 'track-hop'])
    if (Number(values[name]) % controlHop !== 0)
      fail(`--${name} must be a multiple of ${controlHop}, got '${values[name]}'.`);
  if (values['timbre-channel'] && !values.controls)
    fail('--timbre-channel is a channel of the control track: add --controls.');
  if (values['partials-channel'] && !values.controls)
    fail('--partials-channel is a channel of the control track: add --controls.');
  const steps = values.steps === 'auto' ? 'auto' : Number(values.steps);
  if (steps !== 'auto' && !(Number.isInteger(steps) && steps >= 1))
    fail(`--steps must be 'auto' or a positive integer, got '${values.steps}'.`);
  const priorTopP = distinctNumbers(
    'prior-top-p',
    (value) => value > 0 && value <= 1,
    'a number in (0, 1] or a list of distinct ones',
  );
  const priorGuidance = distinctNumbers(
    'prior-guidance',
    (value) => value >= 1 && Number.isFinite(value),
    'a number ≥ 1 or a list of distinct ones',
  );
  if (priorGuidance.some((value) => value > 1) && priorTopP.some((value) => value < 1))
    fail(
      '--prior-guidance above 1 draws from the whole guided distribution; give it with --prior-top-p 1.',
    );
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
      ...(values.controls
        ? {
            controls:
              controlFeatureCount +
              extraFeatureCount({
                timbre: values['timbre-channel'],
                partials: values['partials-channel'],
              }),
            controlHop,
          }
        : {}),
    },
    priorMinutes: values.controls
      ? positive('prior-minutes', values['prior-minutes'] ?? (smoke ? '0.2' : '10'))
      : 0,
    priorTemperature: distinctNumbers(
      'prior-temperature',
      (value) => value > 0 && Number.isFinite(value),
      'a positive number or a list of distinct ones',
    ),
    priorTopP,
    priorCandidates: distinctNumbers(
      'prior-candidates',
      (value) => Number.isInteger(value) && value >= 1,
      'a positive integer or a list of distinct ones',
    ),
    priorSelection: distinctValues('prior-selection', priorSelections),
    priorGuidance,
    priorHop: integer('prior-hop', controlHop),
    priorBatchSize,
    trackHop: integer('track-hop', controlHop),
    framesPerFrequencyToken: integer('frames-per-frequency-token', 1),
    timbreChannel: values['timbre-channel'],
    partialsChannel: values['partials-channel'],
    priorLayers: integer('prior-layers', 1),
    priorDimensions: integer('prior-dimensions', 4),
    retrainPrior: values['retrain-prior'],
    retrainPriorMinutes:
      values['prior-minutes'] === undefined ? undefined : positive('prior-minutes'),
    batchSize,
    crop: Math.min(clipLength, integer('crop', 2)),
    learningRate: positive('learning-rate'),
    inputNoise: nonNegative('input-noise'),
    warmup: integer('warmup', 0),
    classes,
    perClass: integer('per-class', 1),
    generateSamples: integer('generate-samples', 1),
    temperatures,
    topPs,
    guidances,
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
    // A fresh folder per run: pretrain() refuses a directory that already holds a run.
    runDirectory: join(
      resolve(
        values['run-directory'] ??
          (smoke ? join(os.tmpdir(), 'wavenet-smoke-runs') : resolve(here, '../runs/wavenet')),
      ),
      new Date().toISOString().replace(/[:.]/g, '-'),
    ),
    fromRun: values['from-run'] === undefined ? undefined : resolve(values['from-run']),
    dumpClips: values['dump-clips'] === undefined ? undefined : resolve(values['dump-clips']),
    quiet: values.quiet,
  };
}

/**
 * The sampling settings to choose among: every temperature, top-p, guidance and prior setting
 * crossed, in list order (the first list varies slowest).
 */
function samplingGrid(flags) {
  const lists = {
    temperature: flags.temperatures,
    topP: flags.topPs,
    guidance: flags.guidances,
    priorTemperature: flags.priorTemperature,
    priorTopP: flags.priorTopP,
    priorCandidates: flags.priorCandidates,
    priorSelection: flags.priorSelection,
    priorGuidance: flags.priorGuidance,
  };
  // One candidate leaves nothing to select: its setting is listed once, with the first selection.
  return Object.entries(lists)
    .reduce(
      (settings, [name, values]) =>
        settings.flatMap((setting) => values.map((value) => ({ ...setting, [name]: value }))),
      [{}],
    )
    .filter(
      (setting) =>
        setting.priorCandidates > 1 || setting.priorSelection === flags.priorSelection[0],
    );
}

/** --dump-clips: a set's samples as `<name>.f32` (raw float32) and its labels and shape as `<name>.json`. */
function dumpClips(directory, name, set) {
  writeAtomically(
    join(directory, `${name}.f32`),
    new Uint8Array(set.samples.buffer, set.samples.byteOffset, set.samples.byteLength),
  );
  writeAtomically(
    join(directory, `${name}.json`),
    JSON.stringify({
      count: set.count,
      samplesPerClip: set.samplesPerClip,
      sampleRate: set.sampleRate,
      labels: Array.from(set.labels),
    }),
  );
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
 * ({@link loudWindowStart}). With `controls` (a locally conditioned model), each row also carries
 * its window's control features `[frames, F]` (`controls` [B, frames, F]; F = 2, plus the extra
 * channels', {@link extraFeatureCount}).
 */
function conditionalAudioSource(
  classes,
  batchSize,
  { crop, eventCrops, model, trackHop, framesPerFrequencyToken, timbreChannel, partialsChannel },
) {
  const extras = extraChannels({ timbreChannel, partialsChannel });
  const length = eventCrops ? crop : clipLength;
  const withControls = model.controls > 0;
  const features = model.controls;
  const frames = Math.ceil(length / controlHop);
  return {
    specificationVersion: 'v1',
    *batches({ position, seed }) {
      for (let batch = position; ; batch++) {
        const audio = new Float32Array(batchSize * length);
        const labels = new Int32Array(batchSize);
        const controls = new Float32Array(withControls ? batchSize * frames * features : 0);
        for (let row = 0; row < batchSize; row++) {
          const exampleSeed = deriveSeed(seed, 1, batch * batchSize + row);
          const label = deriveSeed(exampleSeed, 7) % classes.length;
          const { samples } = syntheticAudioExample(exampleSeed, { sampleRate }, classes[label]);
          const start = eventCrops
            ? loudWindowStart(samples, length, deriveSeed(exampleSeed, 8))
            : 0;
          const window = samples.subarray(start, start + length);
          audio.set(window, row * length);
          labels[row] = label;
          if (withControls)
            controls.set(
              windowControls(window, trackHop, framesPerFrequencyToken, extras),
              row * frames * features,
            );
        }
        yield {
          audio: tf.tensor3d(audio, [batchSize, length, 1]),
          labels: tf.tensor1d(labels, 'int32'),
          ...(withControls
            ? { controls: tf.tensor3d(controls, [batchSize, frames, features]) }
            : {}),
        };
      }
    },
  };
}

/**
 * The control features of a window (its own control track, frames from its first sample); with a
 * coarser `hop`, the track analysed at that hop and read at the renderer's (what a prior of that hop
 * could at best write); with `framesPerFrequencyToken` > 1, its frequency held over groups of that
 * many frames (the pitch a prior's tokens of that layout carry).
 */
function windowControls(window, hop = controlHop, framesPerFrequencyToken = 1, extras = noExtras) {
  const track = extractControlTrack(window, { sampleRate, hop });
  const features = rendererControls(
    holdFrequencyOverGroups(track, framesPerFrequencyToken),
    hop,
    window.length,
  );
  return extraFeatureCount(extras) > 0
    ? withExtras(features, extraFeatures(window, extras))
    : features;
}

/** No extra control channel: the renderer reads the dominant frequency and the level. */
const noExtras = { timbre: false, partials: false };

/** The extra control channels of a run's flags (--timbre-channel, --partials-channel). */
function extraChannels(flags) {
  return { timbre: flags.timbreChannel, partials: flags.partialsChannel };
}

/** Features per frame the extra channels add: 1 for the timbre share, 2 for the second peak. */
function extraFeatureCount(extras) {
  return (extras.timbre ? 1 : 0) + (extras.partials ? 2 : 0);
}

/**
 * The extra channels' features of a clip per 64-sample frame, one array per frame: the timbre
 * share mapped to −1…1 (extractTimbreTrack), then the second peak's octaves re the dominant one, ÷ 2
 * and clipped to ±1.5, and its level, 0 at 30 dB below the dominant peak and 1 level with it
 * (extractSecondPeakTrack).
 */
function extraFeatures(samples, extras) {
  const frames = Math.ceil(samples.length / controlHop);
  const timbre = extras.timbre ? extractTimbreTrack(samples, { hop: controlHop }) : undefined;
  const partials = extras.partials
    ? extractSecondPeakTrack(samples, { hop: controlHop, floorDecibels: 30 })
    : undefined;
  return Array.from({ length: frames }, (_, frame) => [
    ...(timbre === undefined ? [] : [2 * timbre[frame] - 1]),
    ...(partials === undefined
      ? []
      : [
          Math.max(-1.5, Math.min(1.5, partials.octaves[frame] / 2)),
          partials.decibels[frame] / 30 + 1,
        ]),
  ]);
}

/** Frame-major `[frames, 2]` control features with each frame's extra features appended. */
function withExtras(features, extra) {
  const frames = features.length / controlFeatureCount;
  const width = controlFeatureCount + (extra[0]?.length ?? 0);
  const out = new Float32Array(frames * width);
  for (let frame = 0; frame < frames; frame++) {
    out.set(
      features.subarray(frame * controlFeatureCount, (frame + 1) * controlFeatureCount),
      frame * width,
    );
    out.set(extra[frame] ?? [], frame * width + controlFeatureCount);
  }
  return out;
}

/** 15 dB in the level feature's units ((dB + 33) / 33): event frames are within it of a clip's loudest. */
const eventLevelMargin = 15 / 33;

/** The seed stream of {@link classExtraMeans}' clips. */
const extraMeanSeed = 4242;

/** Whether each frame of `[frames, 2]` control features is an event frame (within 15 dB of the loudest). */
function eventFrames(features) {
  const frames = features.length / controlFeatureCount;
  let loudest = -Infinity;
  for (let frame = 0; frame < frames; frame++)
    loudest = Math.max(loudest, features[frame * controlFeatureCount + 1]);
  return Array.from(
    { length: frames },
    (_, frame) => features[frame * controlFeatureCount + 1] >= loudest - eventLevelMargin,
  );
}

/**
 * --timbre-channel, --partials-channel: what a prior's track gets for the extra channels, since
 * the prior writes pitch and level only. Over `perClass` clips of each class (syntheticAudioExample
 * of a fixed stream of seeds, `extraMeanSeed`, whatever --seed), the mean extra features of the
 * event frames, per class, and of the other frames, over all classes.
 */
function classExtraMeans(classes, extras, perClass = 30) {
  const width = extraFeatureCount(extras);
  const mean = (sum, count) => sum.map((value) => (count === 0 ? 0 : value / count));
  const event = [];
  const backgroundSum = new Array(width).fill(0);
  let backgroundCount = 0;
  classes.forEach((id, label) => {
    const sum = new Array(width).fill(0);
    let count = 0;
    for (let clip = 0; clip < perClass; clip++) {
      const { samples } = syntheticAudioExample(
        deriveSeed(extraMeanSeed, label, clip),
        { sampleRate },
        id,
      );
      const loud = eventFrames(windowControls(samples));
      extraFeatures(samples, extras).forEach((values, frame) => {
        const target = loud[frame] ? sum : backgroundSum;
        values.forEach((value, index) => {
          target[index] += value;
        });
        if (loud[frame]) count++;
        else backgroundCount++;
      });
    }
    event.push(mean(sum, count));
  });
  return { event, background: mean(backgroundSum, backgroundCount) };
}

/** The control features the renderer reads for a `length`-sample clip from a track of `hop` samples. */
function rendererControls(track, hop, length) {
  const frames = Math.ceil(length / controlHop);
  return controlFeatures(
    hop === controlHop ? track : upsampleControlTrack(track, hop / controlHop, frames),
  );
}

/**
 * A BatchSourceV1 of control-token sequences `[B, controlSequenceLength(frames, layout)]` for the
 * prior: row j of batch p is the class token and control track of a whole clip,
 * syntheticAudioExample(deriveSeed(seed, 3, p·B + j)) of a class drawn uniformly among the chosen
 * ones (labels 0…K−1).
 */
function controlTokenSource(classes, batchSize, hop, layout) {
  const width = controlSequenceLength(Math.ceil(clipLength / hop), layout);
  return {
    specificationVersion: 'v1',
    *batches({ position, seed }) {
      for (let batch = position; ; batch++) {
        const tokens = new Int32Array(batchSize * width);
        for (let row = 0; row < batchSize; row++) {
          const exampleSeed = deriveSeed(seed, 3, batch * batchSize + row);
          const label = deriveSeed(exampleSeed, 7) % classes.length;
          const { samples } = syntheticAudioExample(exampleSeed, { sampleRate }, classes[label]);
          const track = extractControlTrack(samples, { sampleRate, hop });
          tokens.set(controlTokens(track, label, classes.length, layout), row * width);
        }
        yield tf.tensor2d(tokens, [batchSize, width], 'int32');
      }
    },
  };
}

/** The control-token layout of a run: frames per frequency token. */
function tokenLayout(flags) {
  return { framesPerFrequencyToken: flags.framesPerFrequencyToken };
}

/** Tokens a prior writes for a clip (the prompt left out). */
function priorTokensPerClip(flags) {
  return controlSequenceLength(Math.ceil(clipLength / flags.priorHop), tokenLayout(flags)) - 1;
}

/** The GPT options of the control prior for `classCount` classes, frames of `hop` samples (JSON). */
function controlPriorOptions(flags) {
  const { classes, seed, priorLayers, priorDimensions } = flags;
  const classCount = classes.length;
  return {
    vocabularySize: controlVocabularySize(classCount),
    blockSize: priorTokensPerClip(flags),
    layers: priorLayers,
    heads: priorSettings.heads,
    embeddingSize: priorDimensions,
    seed: seed + 7,
  };
}

/** The control prior (a GPT from this package) for `classCount` classes, frames of `hop` samples. */
function createControlPrior(flags) {
  return createGpt(controlPriorOptions(flags));
}

/**
 * --workers N for the prior: every worker thread builds the same GPT (scripts/control-prior-workload.mjs)
 * and trains on its share of each batch; the GPT is not batch-coupled, so N workers compute what one does.
 */
function priorParallel(flags) {
  if (flags.workers === 1) return {};
  return {
    workers: flags.workers,
    workload: {
      module: new URL('./control-prior-workload.mjs', import.meta.url).href,
      exportName: 'createWorkerControlPrior',
      options: controlPriorOptions(flags),
    },
  };
}

/**
 * Trains the control prior for `minutes` (a cosine schedule fitted by a timing probe), saving it
 * as a checkpoint in `<runDirectory>/prior`; returns its training record.
 */
async function trainControlPrior(flags, prior, log) {
  const source = controlTokenSource(
    flags.classes,
    flags.priorBatchSize,
    flags.priorHop,
    tokenLayout(flags),
  );
  const probe = createControlPrior(flags);
  const times = [];
  let last = performance.now();
  const parallel = priorParallel(flags);
  await pretrain(probe, source, {
    ...parallel,
    steps: 8,
    learningRate: 1e-6,
    seed: flags.seed + 2000,
    onProgress: () => {
      const now = performance.now();
      times.push(now - last);
      last = now;
    },
  });
  probe.dispose();
  const msPerStep = times.slice(3).sort((a, b) => a - b)[2];
  const seconds = flags.priorMinutes * 60;
  const steps = Math.max(1, Math.floor((seconds * 1000 * 0.95) / msPerStep));
  const controller = new AbortController();
  const history = [];
  const started = performance.now();
  let stoppedBy = 'steps';
  try {
    await pretrain(prior, source, {
      ...parallel,
      steps,
      learningRate: priorSettings.learningRate,
      warmupSteps: Math.min(100, Math.floor(steps / 10)),
      schedule: 'cosine',
      clipNorm: 1,
      seed: flags.seed + 1,
      signal: controller.signal,
      checkpoint: { directory: join(flags.runDirectory, 'prior'), keepLast: 1 },
      onProgress: (event) => {
        history.push(event.loss);
        // The budget is checked after each step (a timer cannot fire while steps run back to back).
        if (performance.now() - started >= seconds * 1000) controller.abort();
        if (event.step % Math.max(1, Math.floor(steps / 10)) === 0 || event.step === steps)
          log(`prior step ${event.step}/${steps}: loss ${event.loss.toFixed(3)} nats/token`);
      },
    });
  } catch (error) {
    if (!(error instanceof TrainingAbortedError)) throw error;
    stoppedBy = 'time';
  }
  const tail = history.slice(-20);
  return {
    model: {
      ...priorSettings,
      layers: flags.priorLayers,
      embeddingSize: flags.priorDimensions,
      batchSize: flags.priorBatchSize,
      workers: flags.workers,
      hop: flags.priorHop,
      blockSize: priorTokensPerClip(flags),
      framesPerFrequencyToken: flags.framesPerFrequencyToken,
      vocabularySize: controlVocabularySize(flags.classes.length),
    },
    steps: history.length,
    plannedSteps: steps,
    stoppedBy,
    seconds: (performance.now() - started) / 1000,
    msPerStepProbe: msPerStep,
    firstLoss: history[0] ?? null,
    finalLoss: tail.length > 0 ? tail.reduce((sum, value) => sum + value, 0) / tail.length : null,
    lossHistory: history.filter((_, i) => i % Math.max(1, Math.ceil(history.length / 50)) === 0),
  };
}

/**
 * Control features for `classIds` (labels 0…K−1) drawn from the prior, one clip at a time (a class
 * token prompt, then the tokens of frames of `hop` samples in the run's `layout` at `temperature`,
 * constrained to well-formed tokens of the class), read at the renderer's hop; counts tokens of the
 * wrong kind (none, with the constraint: the count checks it). With `candidates` > 1 the prior
 * draws that many tracks per clip (the first with the seed a single draw uses) and keeps the one of
 * the highest `selection` score under the prior itself (controlClassScores: the log-likelihood
 * under the clip's class, or its class posterior); the scores are summarised. With `guidance` > 1
 * every token is drawn with class guidance (generateGuidedControlTokens: the track under every
 * class prompt, a batch of K rows per token). With `extraMeans` (--timbre-channel,
 * --partials-channel), each track's event frames get its class's mean extra features, the others the
 * background's ({@link classExtraMeans}).
 */
async function sampleControls(
  prior,
  classIds,
  {
    classCount,
    temperature,
    topP,
    seed,
    hop,
    layout,
    candidates = 1,
    selection = 'likelihood',
    guidance = 1,
    extraMeans,
  },
) {
  const frames = Math.ceil(clipLength / hop);
  const tokensPerClip = controlSequenceLength(frames, layout) - 1;
  let malformed = 0;
  const controls = [];
  // Means over the clips, of the first draw and of the kept one (natsPerToken: −log-likelihood under the clip's class per token).
  const posteriors = {
    first: 0,
    chosen: 0,
    firstArgmax: 0,
    chosenArgmax: 0,
    firstNatsPerToken: 0,
    chosenNatsPerToken: 0,
  };
  for (const [clip, classId] of classIds.entries()) {
    const drawn = [];
    for (let candidate = 0; candidate < candidates; candidate++) {
      const drawSeed = candidate === 0 ? deriveSeed(seed, clip) : deriveSeed(seed, clip, candidate);
      // Guidance 1 is the prior's own distribution: generate draws the same tokens, with top-p.
      const { ids } =
        guidance === 1
          ? await generate(prior, [classId], {
              maxTokens: tokensPerClip,
              temperature,
              topP,
              seed: drawSeed,
              allowedTokens: controlTokenConstraint(classId, classCount, layout),
            })
          : {
              ids: generateGuidedControlTokens(prior, classId, classCount, {
                frames,
                guidance,
                temperature,
                seed: drawSeed,
                ...layout,
              }),
            };
      drawn.push(ids);
    }
    let kept = drawn[0];
    if (candidates > 1) {
      const scores = controlClassScores(prior, drawn, classId, classCount, layout);
      const value = (score) =>
        selection === 'likelihood' ? score.logLikelihoods[classId] : score.logPosterior;
      const best = scores.reduce(
        (bestIndex, score, index) => (value(score) > value(scores[bestIndex]) ? index : bestIndex),
        0,
      );
      kept = drawn[best];
      const isArgmax = ({ logLikelihoods }) =>
        logLikelihoods[classId] === Math.max(...logLikelihoods);
      posteriors.first += Math.exp(scores[0].logPosterior) / classIds.length;
      posteriors.chosen += Math.exp(scores[best].logPosterior) / classIds.length;
      posteriors.firstArgmax += isArgmax(scores[0]) ? 1 / classIds.length : 0;
      posteriors.chosenArgmax += isArgmax(scores[best]) ? 1 / classIds.length : 0;
      const natsPerToken = (score) =>
        -score.logLikelihoods[classId] / (tokensPerClip * classIds.length);
      posteriors.firstNatsPerToken += natsPerToken(scores[0]);
      posteriors.chosenNatsPerToken += natsPerToken(scores[best]);
    }
    const read = controlTrackFromTokens(kept, classCount, classId, layout);
    malformed += read.malformed;
    const features = rendererControls(read.track, hop, clipLength);
    controls.push(
      extraMeans === undefined
        ? features
        : withExtras(
            features,
            eventFrames(features).map((loud) =>
              loud ? extraMeans.event[classId] : extraMeans.background,
            ),
          ),
    );
  }
  return {
    controls,
    malformedTokens: malformed,
    tokens: classIds.length * candidates * tokensPerClip,
    ...(candidates > 1 ? { posteriors } : {}),
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

/**
 * How much the model knows the classes: each real clip's training window (the loud window with
 * `eventCrops`, else the first `crop` samples) is scored under every class, and the class of the
 * smallest negative log-likelihood is the guess (a Bayes classifier with a uniform prior, the
 * generative model's own view of the class). Returns its accuracy and confusion matrix.
 */
function likelihoodClassification(
  wavenet,
  clips,
  { crop, eventCrops, seed, trackHop, framesPerFrequencyToken, extras },
) {
  const classCount = wavenet.settings.classes;
  const features = wavenet.settings.controls;
  const length = Math.min(crop, clips.samplesPerClip);
  const confusionMatrix = Array.from({ length: classCount }, () => new Array(classCount).fill(0));
  let correct = 0;
  const everyClass = tf.tensor1d(
    Array.from({ length: classCount }, (_, label) => label),
    'int32',
  );
  for (let clip = 0; clip < clips.count; clip++) {
    const samples = clips.samples.subarray(
      clip * clips.samplesPerClip,
      (clip + 1) * clips.samplesPerClip,
    );
    const start = eventCrops ? loudWindowStart(samples, length, deriveSeed(seed, 13, clip)) : 0;
    const window = samples.subarray(start, start + length);
    const losses = tf.tidy(() => {
      const ids = muLawEncode(tf.tensor2d(window, [1, length])).tile([classCount, 1]);
      const frames = Math.ceil(length / controlHop);
      const controls =
        wavenet.settings.controls > 0
          ? wavenet
              .upsampleControls(
                tf.tensor3d(windowControls(window, trackHop, framesPerFrequencyToken, extras), [
                  1,
                  frames,
                  features,
                ]),
              )
              .slice([0, 0, 0], [1, length, features])
              .tile([classCount, 1, 1])
          : undefined;
      const logits = wavenet.logits(ids, everyClass, controls);
      const picked = tf.sum(tf.mul(tf.logSoftmax(logits), tf.oneHot(ids, 256)), [1, 2]);
      return Array.from(picked.neg().dataSync());
    });
    const guess = losses.indexOf(Math.min(...losses));
    const label = clips.labels[clip];
    confusionMatrix[label][guess] += 1;
    if (guess === label) correct += 1;
  }
  everyClass.dispose();
  return {
    clips: clips.count,
    windowSamples: length,
    accuracy: correct / clips.count,
    confusionMatrix,
  };
}

/** The settings of a saved run (run.json) that the sampling and scoring need. */
const savedSettingNames = [
  'model',
  'classes',
  'crop',
  'batchSize',
  'workers',
  'eventCrops',
  'learningRate',
  'inputNoise',
  'warmup',
  'seed',
  'maxMinutes',
  'priorMinutes',
  'trackHop',
  'framesPerFrequencyToken',
  'timbreChannel',
  'partialsChannel',
];

/** Reads `<directory>/run.json` (written after training), with a message that names the fix. */
function readSavedRun(directory) {
  const path = join(directory, 'run.json');
  try {
    return JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    fail(
      `--from-run: cannot read ${path} (${error.message}). Pass a folder that a full run of this script saved (it prints 'saved the trained model to …').`,
    );
  }
}

/**
 * Trains `objective` within the budget that the sampling grid's generations and the classifier
 * leave (a timing probe on a throwaway copy fits the step count), saves it as a checkpoint with
 * run.json, and returns the training record.
 */
async function train(flags, objective, { wavenetOptions, parallel, grid, deadline, log }) {
  // Timing probe on a throwaway copy: ms per training step and generated samples per second.
  const probe = createWavenetObjective({
    wavenet: wavenetOptions,
    cropLength: flags.crop,
    inputNoise: flags.inputNoise,
  });
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
  // The slowest sampling of the grid (nucleus draws sort every row in JavaScript; guidance runs
  // every clip under every class).
  const smallestTopP = Math.min(...grid.map((setting) => setting.topP));
  const largestGuidance = Math.max(...grid.map((setting) => setting.guidance));
  const probeSamples = Math.min(200, flags.generateSamples);
  const withControls = flags.model.controls > 0;
  const probeGeneration = await generateWavenet(probe.wavenet, {
    samples: probeSamples,
    seed: 1,
    classId: Array.from({ length: clipCount }, (_, i) => i % flags.classes.length),
    topP: smallestTopP,
    guidance: largestGuidance,
    ...(withControls
      ? {
          controls: Array.from(
            { length: clipCount },
            () => new Float32Array(flags.model.controls * Math.ceil(probeSamples / controlHop)),
          ),
        }
      : {}),
  });
  probe.dispose();
  const generationEstimate = (probeGeneration.seconds / probeSamples) * flags.generateSamples;
  // The classifier: features of ~2 × classifierClips × K real clips + MLP training (~1 min at most).
  // Several sampling settings add one validation generation each (counted as a full one);
  // --controls adds the resynthesis generation (two with a coarser --prior-hop), the prior's
  // training and its token sampling (~4 ms a token, 250 tokens a clip at the finest hop).
  const generations =
    1 +
    (grid.length > 1 ? grid.length : 0) +
    (withControls ? (flags.priorHop === controlHop ? 1 : 2) : 0);
  const priorSeconds = flags.priorMinutes * 60;
  // Tracks the prior draws (each clip draws its setting's candidates; the reported clips, at most all).
  const priorClips =
    clipCount * Math.max(...flags.priorCandidates) +
    (grid.length > 1
      ? grid.reduce((sum, entry) => sum + entry.priorCandidates, 0) *
        flags.validationPerClass *
        flags.classes.length
      : 0);
  const reserveSeconds =
    generationEstimate * generations * 1.15 +
    30 +
    0.05 * flags.classifierClips * flags.classes.length +
    (withControls ? priorSeconds + priorClips * priorTokensPerClip(flags) * 0.004 : 0);
  // Training (WaveNet and prior together) never exceeds the issue's 45 minutes.
  const trainSeconds = Math.min(
    45 * 60 - priorSeconds,
    Math.max(5, (deadline - performance.now()) / 1000 - reserveSeconds),
  );
  const steps =
    flags.steps === 'auto'
      ? Math.max(1, Math.floor((trainSeconds * 1000 * 0.95) / msPerStepProbe))
      : flags.steps;
  log(
    `probe: ${msPerStepProbe.toFixed(0)} ms/step (batch ${flags.batchSize} × ${flags.crop} samples, ${flags.workers} worker${flags.workers === 1 ? '' : 's'}), ` +
      `generation ~${generationEstimate.toFixed(0)} s for ${clipCount} clips × ${flags.generateSamples} samples; ` +
      `training ${steps} steps in ≤ ${trainSeconds.toFixed(0)} s`,
  );

  // Training; the final (or interrupted) model is saved as a checkpoint of the run directory.
  const controller = new AbortController();
  const history = [];
  const metricsHistory = [];
  let lastEvent;
  const trainingStarted = performance.now();
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
      checkpoint: { directory: flags.runDirectory, keepLast: 1 },
      ...parallel,
      onProgress: (event) => {
        history.push(event.loss);
        metricsHistory.push(event.metrics);
        lastEvent = event;
        // The budget is checked after each step (a timer cannot fire while steps run back to back).
        if (performance.now() - trainingStarted >= trainSeconds * 1000) controller.abort();
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
  }
  const trainingSeconds = (performance.now() - trainingStarted) / 1000;
  const tail = (values, count) => values.slice(-count);
  const mean = (values) =>
    values.reduce((sum, value) => sum + value, 0) / Math.max(1, values.length);
  const training = {
    steps: history.length,
    plannedSteps: steps,
    warmupSteps: Math.min(flags.warmup, Math.floor(steps / 10)),
    stoppedBy,
    seconds: trainingSeconds,
    msPerStep: (1000 * trainingSeconds) / Math.max(1, history.length),
    msPerStepProbe,
    samplesPerSecond: (history.length * flags.batchSize * flags.crop) / trainingSeconds,
    firstLoss: history[0] ?? null,
    finalLoss: history.length > 0 ? mean(tail(history, 20)) : null,
    finalBitsPerSample:
      metricsHistory.length > 0 ? mean(tail(metricsHistory, 20).map((m) => m.bitsPerSample)) : null,
    finalAccuracy:
      metricsHistory.length > 0 ? mean(tail(metricsHistory, 20).map((m) => m.accuracy)) : null,
    lossEvery: Math.max(1, Math.ceil(history.length / 100)),
    lossHistory: history.filter((_, i) => i % Math.max(1, Math.ceil(history.length / 100)) === 0),
    lastLearningRate: lastEvent?.learningRate ?? null,
  };
  const settings = Object.fromEntries(savedSettingNames.map((name) => [name, flags[name]]));
  let prior;
  if (withControls) {
    prior = createControlPrior(flags);
    log(`training the control prior for ${flags.priorMinutes} min`);
    training.prior = await trainControlPrior(flags, prior, log);
    log(
      `prior: ${training.prior.steps} steps in ${training.prior.seconds.toFixed(0)} s, loss ${training.prior.firstLoss?.toFixed(3)} → ${training.prior.finalLoss?.toFixed(3)} nats/token`,
    );
  }
  writeAtomically(
    join(flags.runDirectory, 'run.json'),
    `${JSON.stringify({ settings, training }, null, 2)}\n`,
  );
  log(`saved the trained model to ${flags.runDirectory}`);
  return { training, steps, prior };
}

/** Restores a saved run's model into `objective` (--from-run): no training. */
async function restoreSavedRun(flags, objective, saved, log) {
  // A run made by --retrain-prior holds the prior only; its WaveNet is in `wavenetFrom`.
  const wavenetDirectory = saved.training.wavenetFrom ?? flags.fromRun;
  const restored = await restoreCheckpoint(wavenetDirectory, objective);
  log(`restored ${wavenetDirectory} at step ${restored.step ?? saved.training.steps}: no training`);
  let prior;
  const training = { ...saved.training, restoredFrom: flags.fromRun };
  if (flags.model.controls > 0) {
    // A restored prior keeps its own hop (runs before --prior-hop wrote 64-sample frames).
    if (!flags.retrainPrior) {
      const model = saved.training.prior?.model;
      flags.priorHop = model?.hop ?? controlHop;
      flags.priorLayers = model?.layers ?? flags.priorLayers;
      flags.priorDimensions = model?.embeddingSize ?? flags.priorDimensions;
    }
    prior = createControlPrior(flags);
    if (flags.retrainPrior) {
      // The WaveNet's training time counts: WaveNet and prior stay inside the 45 minutes.
      const left = 45 - saved.training.seconds / 60;
      flags.priorMinutes = Math.min(flags.retrainPriorMinutes ?? left, left);
      log(
        `training a new control prior for ${flags.priorMinutes.toFixed(1)} min in ${flags.runDirectory}`,
      );
      training.prior = await trainControlPrior(flags, prior, log);
      training.wavenetFrom = wavenetDirectory;
      const settings = Object.fromEntries(savedSettingNames.map((name) => [name, flags[name]]));
      writeAtomically(
        join(flags.runDirectory, 'run.json'),
        `${JSON.stringify({ settings, training }, null, 2)}\n`,
      );
      log(`saved the prior to ${flags.runDirectory} (its WaveNet: ${wavenetDirectory})`);
    } else {
      await restoreCheckpoint(join(flags.fromRun, 'prior'), prior);
    }
  } else if (flags.retrainPrior) {
    fail('--retrain-prior: this run has no control prior (it was trained without --controls).');
  }
  return { training, steps: saved.training.plannedSteps, prior };
}

async function main() {
  const flags = parseFlags();
  const saved = flags.fromRun === undefined ? undefined : readSavedRun(flags.fromRun);
  if (saved !== undefined) {
    for (const name of savedSettingNames) flags[name] = saved.settings[name];
    // Runs before --track-hop trained their WaveNet on 64-sample tracks, with a frequency per frame.
    flags.trackHop ??= controlHop;
    flags.framesPerFrequencyToken ??= 1;
    flags.timbreChannel ??= false;
    flags.partialsChannel ??= false;
    flags.inputNoise ??= 0;
  }
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
            options: {
              wavenet: wavenetOptions,
              cropLength: flags.crop,
              inputNoise: flags.inputNoise,
            },
          },
        };
  const receptiveField = wavenetReceptiveField(wavenetOptions);
  log(
    `WaveNet ${JSON.stringify(wavenetOptions)}, receptive field ${receptiveField} samples, ` +
      `classes ${flags.classes.map((id) => syntheticAudioClassNames[id]).join(', ')}, backend ${backend.backend}`,
  );

  const grid = samplingGrid(flags);
  const objective = createWavenetObjective({
    wavenet: wavenetOptions,
    cropLength: flags.crop,
    inputNoise: flags.inputNoise,
  });
  const { training, steps, prior } =
    saved === undefined
      ? await train(flags, objective, { wavenetOptions, parallel, grid, deadline, log })
      : await restoreSavedRun(flags, objective, saved, log);

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
  // Does the model know the classes? Its likelihood as a classifier of real clips' training windows.
  const likelihood = likelihoodClassification(
    objective.wavenet,
    realClips(flags.classes, flags.validationPerClass, deriveSeed(flags.seed, 14)),
    {
      crop: flags.crop,
      eventCrops: flags.eventCrops,
      seed: flags.seed,
      trackHop: flags.trackHop,
      framesPerFrequencyToken: flags.framesPerFrequencyToken,
      extras: extraChannels(flags),
    },
  );
  log(
    `the model as a classifier (argmax over classes of the likelihood of ${likelihood.clips} real clips' ` +
      `${likelihood.windowSamples}-sample windows): ${(100 * likelihood.accuracy).toFixed(1)}%`,
  );

  // Generation: perClass clips of every class, in one parallel batch.
  const describe = ({
    temperature,
    topP,
    guidance,
    priorTemperature,
    priorTopP,
    priorCandidates,
    priorSelection,
    priorGuidance,
  }) =>
    `temperature ${temperature}${topP < 1 ? `, top-p ${topP}` : ''}${guidance > 1 ? `, guidance ${guidance}` : ''}` +
    `${priorTemperature !== 1 ? `, prior temperature ${priorTemperature}` : ''}${priorTopP < 1 ? `, prior top-p ${priorTopP}` : ''}` +
    `${priorCandidates > 1 ? `, best of ${priorCandidates} prior tracks by ${priorSelection}` : ''}` +
    `${priorGuidance > 1 ? `, prior guidance ${priorGuidance}` : ''}`;
  // --controls: each clip's control track comes from the prior (or, for resynthesis, a real clip).
  let priorTokens = { malformedTokens: 0, tokens: 0, seconds: 0 };
  // --timbre-channel, --partials-channel: what a prior's tracks get there (the prior writes pitch and level only).
  const extras = extraChannels(flags);
  const extraMeans =
    extraFeatureCount(extras) > 0 ? classExtraMeans(flags.classes, extras) : undefined;
  if (extraMeans !== undefined)
    log(
      `extra channels: event frames' mean per class ${extraMeans.event.map((values) => values.map((value) => value.toFixed(2)).join('/')).join(', ')}; background ${extraMeans.background.map((value) => value.toFixed(2)).join('/')}`,
    );
  const generateSet = async (sampling, perClass, seed, realControls) => {
    const count = perClass * flags.classes.length;
    const classId = Array.from({ length: count }, (_, i) => Math.floor(i / perClass));
    let controls = realControls;
    let posteriors;
    if (prior !== undefined && controls === undefined) {
      const priorStarted = performance.now();
      const drawn = await sampleControls(prior, classId, {
        classCount: flags.classes.length,
        temperature: sampling.priorTemperature,
        topP: sampling.priorTopP,
        hop: flags.priorHop,
        seed: deriveSeed(seed, 5),
        layout: tokenLayout(flags),
        candidates: sampling.priorCandidates,
        selection: sampling.priorSelection,
        guidance: sampling.priorGuidance,
        extraMeans,
      });
      priorTokens = {
        malformedTokens: priorTokens.malformedTokens + drawn.malformedTokens,
        tokens: priorTokens.tokens + drawn.tokens,
        seconds: priorTokens.seconds + (performance.now() - priorStarted) / 1000,
      };
      controls = drawn.controls;
      posteriors = drawn.posteriors;
      log(
        `drew ${count} control tracks from the prior` +
          (posteriors === undefined
            ? ''
            : ` (best of ${sampling.priorCandidates}: the prior's own class posterior ${posteriors.first.toFixed(2)} → ${posteriors.chosen.toFixed(2)}, its argmax the clip's class ${(100 * posteriors.firstArgmax).toFixed(0)}% → ${(100 * posteriors.chosenArgmax).toFixed(0)}%, ${posteriors.firstNatsPerToken.toFixed(3)} → ${posteriors.chosenNatsPerToken.toFixed(3)} nats/token)`),
      );
    }
    const generation = await generateWavenet(objective.wavenet, {
      samples: flags.generateSamples,
      seed,
      classId,
      temperature: sampling.temperature,
      topP: sampling.topP,
      guidance: sampling.guidance,
      ...(controls === undefined ? {} : { controls }),
      onProgress: (done, total) =>
        log(`generated ${done}/${total} samples of ${count} clips at ${describe(sampling)}`),
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
    return { set, generation, posteriors };
  };
  // Several sampling settings: each generates validation clips (their own seed), the classifier
  // scores them, and the best (the first on ties) generates the reported clips afresh.
  const samplingValidation = [];
  if (grid.length > 1) {
    for (const sampling of grid) {
      const { set, posteriors } = await generateSet(
        sampling,
        flags.validationPerClass,
        deriveSeed(flags.seed, 98),
      );
      const report = await classifier.score(set);
      samplingValidation.push({
        ...sampling,
        matchRate: report.accuracy,
        ...(posteriors === undefined ? {} : { priorPosteriors: posteriors }),
      });
      log(
        `validation clips at ${describe(sampling)}: match ${(100 * report.accuracy).toFixed(1)}%`,
      );
    }
  }
  const chosen =
    samplingValidation.length === 0
      ? grid[0]
      : samplingValidation.reduce((best, entry) =>
          entry.matchRate > best.matchRate ? entry : best,
        );
  const sampling = {
    temperature: chosen.temperature,
    topP: chosen.topP,
    guidance: chosen.guidance,
    priorTemperature: chosen.priorTemperature,
    priorTopP: chosen.priorTopP,
    priorCandidates: chosen.priorCandidates,
    priorSelection: chosen.priorSelection,
    priorGuidance: chosen.priorGuidance,
  };
  const {
    set: generated,
    generation,
    posteriors: priorPosteriors,
  } = await generateSet(sampling, flags.perClass, deriveSeed(flags.seed, 99));
  if (flags.dumpClips !== undefined) dumpClips(flags.dumpClips, 'generated', generated);
  // --controls: the renderer alone, on the control tracks of real clips (validationPerClass each),
  // and, with a coarser --prior-hop, on those tracks analysed at the prior's hop.
  let resynthesis;
  let resynthesisAtPriorHop;
  if (prior !== undefined) {
    const real = realClips(flags.classes, flags.validationPerClass, deriveSeed(flags.seed, 15));
    // generateSet draws perClass clips of class 0, then of class 1, …: the real tracks in that order.
    const byClass = [...real.labels.keys()].sort((a, b) => real.labels[a] - real.labels[b]);
    const resynthesize = async (hop) => {
      const realControls = byClass.map((clip) =>
        windowControls(
          real.samples.subarray(clip * clipLength, (clip + 1) * clipLength),
          hop,
          flags.framesPerFrequencyToken,
          extras,
        ),
      );
      const { set } = await generateSet(
        sampling,
        flags.validationPerClass,
        deriveSeed(flags.seed, 97),
        realControls,
      );
      const report = await classifier.score(set);
      if (flags.dumpClips !== undefined) {
        const realInOrder = new Float32Array(byClass.length * clipLength);
        byClass.forEach((clip, index) => {
          realInOrder.set(
            real.samples.subarray(clip * clipLength, (clip + 1) * clipLength),
            index * clipLength,
          );
        });
        dumpClips(flags.dumpClips, `real-${hop}`, { ...set, samples: realInOrder });
        dumpClips(flags.dumpClips, `resynthesis-${hop}`, set);
      }
      log(
        `resynthesis of real clips' control tracks (${hop}-sample frames): match ${(100 * report.accuracy).toFixed(1)}%`,
      );
      return {
        clips: set.count,
        matchRate: report.accuracy,
        confusionMatrix: report.confusionMatrix,
      };
    };
    resynthesis = { hop: flags.trackHop, ...(await resynthesize(flags.trackHop)) };
    if (flags.priorHop !== flags.trackHop)
      resynthesisAtPriorHop = { hop: flags.priorHop, ...(await resynthesize(flags.priorHop)) };
    prior.dispose();
  }
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
      inputNoise: flags.inputNoise,
      learningRate: flags.learningRate,
      warmupSteps: training.warmupSteps,
      schedule: 'cosine',
      clipNorm: 1,
      optimizer: 'adamw',
      plannedSteps: steps,
      classes: flags.classes.map((id) => syntheticAudioClassNames[id]),
      perClass: flags.perClass,
      generateSamples: flags.generateSamples,
      temperature: sampling.temperature,
      topP: sampling.topP,
      temperatures: flags.temperatures,
      topPs: flags.topPs,
      guidance: sampling.guidance,
      guidances: flags.guidances,
      samplingValidation,
      validationClipsPerClass: grid.length > 1 ? flags.validationPerClass : 0,
      eventCrops: flags.eventCrops,
      classifierClipsPerClass: flags.classifierClips,
      maxMinutes: flags.maxMinutes,
      seed: flags.seed,
    },
    training,
    generation: {
      mode: 'cached',
      clips: generated.count,
      samplesPerClip: flags.generateSamples,
      seconds: generation.seconds,
      samplesPerSecond: (generated.count * flags.generateSamples) / generation.seconds,
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
    likelihoodClassification: likelihood,
    ...(flags.model.controls > 0
      ? {
          controls: {
            features: [
              'log2(frequency / 400 Hz) / 2',
              '(level dB + 33) / 33',
              ...(flags.timbreChannel
                ? ["2 × the share of the frame's spectral energy off its dominant peak − 1"]
                : []),
              ...(flags.partialsChannel
                ? [
                    'log2(second peak / dominant peak) / 2, clipped to ±1.5',
                    "(the second peak's dB re the dominant + 30) / 30",
                  ]
                : []),
            ],
            hop: controlHop,
            trackHop: flags.trackHop,
            framesPerFrequencyToken: flags.framesPerFrequencyToken,
            ...(extraMeans === undefined ? {} : { extraChannelMeans: extraMeans }),
            prior: training.prior,
            priorTemperature: sampling.priorTemperature,
            priorTemperatures: flags.priorTemperature,
            priorTopP: sampling.priorTopP,
            priorTopPs: flags.priorTopP,
            priorCandidates: sampling.priorCandidates,
            priorCandidateCounts: flags.priorCandidates,
            priorSelection: sampling.priorSelection,
            priorSelections: flags.priorSelection,
            priorGuidance: sampling.priorGuidance,
            priorGuidances: flags.priorGuidance,
            ...(priorPosteriors === undefined ? {} : { priorPosteriors }),
            priorSampling: { ...priorTokens, constrained: true },
          },
          resynthesis,
          ...(resynthesisAtPriorHop === undefined ? {} : { resynthesisAtPriorHop }),
        }
      : {}),
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
