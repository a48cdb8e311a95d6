// Where a control prior's tracks differ from real ones: per class, statistics of tracks drawn from
// the prior of a saved run (scripts/wavenet-full-run.mjs --controls) next to the tracks of held-out
// real clips analysed the same way (the run's prior hop and token layout, read back from tokens).
//
// usage: node scripts/control-track-statistics.mjs RUN_DIRECTORY [--per-class 15]
//   [--temperature 1] [--guidance 1] [--seed 5]   (after `npx tsup`)
//
// --guidance W > 1 draws the prior's tracks with class guidance (generateGuidedControlTokens).
//
// Per track, over its event frames (loudness within 15 dB of its loudest, as controlTokens'
// background rule): event frames, event segments (runs of event frames), frequency jumps of more
// than 2 bins and moves of any size between neighbouring event frames, the pitch slope (octaves per
// second, a least-squares line through the event frames' bins) and the level's standard deviation
// (bins of 3 dB). Prints mean real / mean prior per class.
import { join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { deriveSeed, initBackend, restoreCheckpoint } from '@selfsup/core';
import { syntheticAudioClassNames, syntheticAudioTestSet } from '@selfsup/data';
import { fail, readSavedRun } from './saved-run.mjs';

const here = fileURLToPath(new URL('.', import.meta.url));
const {
  backgroundLoudnessGap,
  controlCodebook,
  controlTokenConstraint,
  controlTokens,
  controlTrackFromTokens,
  createGpt,
  extractControlTrack,
  generate,
  generateGuidedControlTokens,
} = await import(pathToFileURL(resolve(here, '../dist/index.js')).href);

const sampleRate = 8000;
const clipLength = sampleRate;

/** The statistics of one track (see the header). */
function trackStatistics(track, hop) {
  const { loudnessBins: levels, frequencyBins: bins } = track;
  const loudest = Math.max(...levels);
  const events = [];
  let segments = 0;
  let jumps = 0;
  let moves = 0;
  for (let frame = 0; frame < levels.length; frame++) {
    if (levels[frame] < loudest - backgroundLoudnessGap) continue;
    const previous = events.at(-1);
    if (previous !== frame - 1) segments += 1;
    else {
      const step = Math.abs(bins[frame] - bins[frame - 1]);
      if (step > 2) jumps += 1;
      if (step > 0) moves += 1;
    }
    events.push(frame);
  }
  const count = events.length;
  const mean = (values) => values.reduce((sum, value) => sum + value, 0) / count;
  const frameMean = mean(events);
  const binMean = mean(events.map((frame) => bins[frame]));
  const levelMean = mean(events.map((frame) => levels[frame]));
  let covariance = 0;
  let spread = 0;
  let levelVariance = 0;
  for (const frame of events) {
    covariance += (frame - frameMean) * (bins[frame] - binMean);
    spread += (frame - frameMean) ** 2;
    levelVariance += (levels[frame] - levelMean) ** 2;
  }
  const binsPerFrame = spread > 0 ? covariance / spread : 0;
  return [
    count,
    segments,
    jumps,
    moves,
    (binsPerFrame * (sampleRate / hop)) / controlCodebook.binsPerOctave,
    Math.sqrt(levelVariance / count),
  ];
}

const names = ['event frames', 'segments', 'jumps > 2 bins', 'moves', 'slope oct/s', 'level sd'];

async function main() {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: {
      'per-class': { type: 'string', default: '15' },
      temperature: { type: 'string', default: '1' },
      guidance: { type: 'string', default: '1' },
      seed: { type: 'string', default: '5' },
    },
  });
  if (positionals.length !== 1)
    fail(
      'usage: node scripts/control-track-statistics.mjs RUN_DIRECTORY [--per-class 15] [--temperature 1] [--guidance 1] [--seed 5]',
    );
  const perClass = Number(values['per-class']);
  const temperature = Number(values.temperature);
  const guidance = Number(values.guidance);
  const seed = Number(values.seed);
  if (!(Number.isInteger(perClass) && perClass >= 1))
    fail(`--per-class must be a positive integer, got '${values['per-class']}'.`);
  if (!(temperature > 0)) fail(`--temperature must be positive, got '${values.temperature}'.`);
  if (!(guidance >= 1 && Number.isFinite(guidance)))
    fail(`--guidance must be a number ≥ 1, got '${values.guidance}'.`);
  const { directory, run } = readSavedRun(positionals[0]);
  const model = run.training.prior?.model;
  if (model === undefined) fail(`${directory} has no control prior: train one with --controls.`);
  const classCount = run.settings.classes.length;
  const hop = model.hop;
  const layout = { framesPerFrequencyToken: model.framesPerFrequencyToken ?? 1 };
  await initBackend({ backend: 'wasm', quiet: true });
  const prior = createGpt({
    vocabularySize: model.vocabularySize,
    blockSize: model.blockSize,
    layers: model.layers,
    heads: model.heads,
    embeddingSize: model.embeddingSize,
  });
  await restoreCheckpoint(join(directory, 'prior'), prior);
  const real = syntheticAudioTestSet({
    count: 2 * perClass * syntheticAudioClassNames.length,
    seed: deriveSeed(seed, 1),
  });
  console.log(
    `${directory}: ${hop}-sample frames, ${layout.framesPerFrequencyToken} per frequency token; ` +
      `${perClass} tracks per class, real / prior (temperature ${temperature}${guidance > 1 ? `, guidance ${guidance}` : ''})`,
  );
  for (const [label, classId] of run.settings.classes.entries()) {
    const realStatistics = [];
    for (let clip = 0; clip < real.count && realStatistics.length < perClass; clip++) {
      if (real.labels[clip] !== classId) continue;
      const samples = real.samples.subarray(clip * clipLength, (clip + 1) * clipLength);
      // The real track as the prior sees it: through its tokens and back.
      const tokens = controlTokens(
        extractControlTrack(samples, { sampleRate, hop }),
        label,
        classCount,
        layout,
      );
      const { track } = controlTrackFromTokens(tokens.subarray(1), classCount, label, layout);
      realStatistics.push(trackStatistics(track, hop));
    }
    const priorStatistics = [];
    for (let draw = 0; draw < perClass; draw++) {
      const drawSeed = deriveSeed(seed, 2, label, draw);
      const { ids } =
        guidance === 1
          ? await generate(prior, [label], {
              maxTokens: model.blockSize,
              temperature,
              seed: drawSeed,
              allowedTokens: controlTokenConstraint(label, classCount, layout),
            })
          : {
              ids: generateGuidedControlTokens(prior, label, classCount, {
                frames: Math.ceil(clipLength / hop),
                guidance,
                temperature,
                seed: drawSeed,
                ...layout,
              }),
            };
      const { track } = controlTrackFromTokens(ids, classCount, label, layout);
      priorStatistics.push(trackStatistics(track, hop));
    }
    const mean = (rows, index) =>
      (rows.reduce((sum, row) => sum + row[index], 0) / rows.length).toFixed(2);
    console.log(
      `${syntheticAudioClassNames[classId].padEnd(26)} ${names
        .map(
          (name, index) =>
            `${name} ${mean(realStatistics, index)} / ${mean(priorStatistics, index)}`,
        )
        .join(' | ')}`,
    );
  }
  prior.dispose();
}

await main();
