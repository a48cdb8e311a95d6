// How sharply a saved WaveNet renderer predicts the next sample of real clips, per class: the
// teacher-forced predictive distribution on held-out real clips (scripts/wavenet-full-run.mjs
// --controls runs: each clip's own control track at the run's --track-hop, its class label), read
// on the event samples (|x| ≥ a quarter of the clip's peak). Where the spread is wide, sampling
// feeds that much noise back into the model at every step.
//
// usage: node scripts/wavenet-predictive-spread.mjs RUN_DIRECTORY [--per-class 10]
//   (after `npx tsup`; 10 per class reads the full run's resynthesis clips)
//
// Per class, means over the event samples: the standard deviation of the predicted level (in
// companded units, −1…1, and in μ-law levels of 2/255), the entropy of the prediction and the
// negative log-likelihood of the true level (nats); and two prediction gains (10 log10 of the
// event samples' energy over their prediction error's, dB): the WaveNet's predictive mean (in
// amplitude), and, as a reference for what the past of the waveform alone gives, an order-16
// linear predictor fitted by least squares to each clip's own event samples (optimistic: fitted on
// the samples it predicts; a sum of K sinusoids needs order 2K).
import { resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { deriveSeed, initBackend, restoreCheckpoint } from '@selfsup/core';
import { syntheticAudioClassNames, syntheticAudioTestSet } from '@selfsup/data';
import * as tf from '@tensorflow/tfjs';
import { fail, readSavedRun } from './saved-run.mjs';

const here = fileURLToPath(new URL('.', import.meta.url));
const {
  controlFeatures,
  createWavenetObjective,
  extractControlTrack,
  muLawDecode,
  muLawEncode,
  muLawLevels,
  upsampleControlTrack,
} = await import(pathToFileURL(resolve(here, '../dist/index.js')).href);

const sampleRate = 8000;
const clipLength = sampleRate;
/** Event samples: at least this fraction of the clip's peak. */
const eventFraction = 0.25;
/** Order of the per-clip linear predictor (up to 8 sinusoids). */
const predictorOrder = 16;

/** One clip's per-sample predictive spread, entropy and true-level NLL (teacher forcing). */
function predictiveStatistics(wavenet, samples, label, trackHop) {
  const { controlHop, controls: featureCount } = wavenet.settings;
  const frames = Math.ceil(clipLength / controlHop);
  const track = extractControlTrack(samples, { sampleRate, hop: trackHop });
  const features = controlFeatures(
    trackHop === controlHop ? track : upsampleControlTrack(track, trackHop / controlHop, frames),
  );
  return tf.tidy(() => {
    const ids = muLawEncode(tf.tensor3d(samples, [1, clipLength, 1])).reshape([1, clipLength]);
    const controls = wavenet
      .upsampleControls(tf.tensor3d(features, [1, frames, featureCount]))
      .slice([0, 0, 0], [1, clipLength, featureCount]);
    const logits = wavenet
      .logits(ids, tf.tensor1d([label], 'int32'), controls)
      .reshape([clipLength, muLawLevels]);
    const logProbabilities = tf.logSoftmax(logits);
    const probabilities = tf.exp(logProbabilities);
    const levels = tf.linspace(-1, 1, muLawLevels).reshape([muLawLevels, 1]);
    const mean = probabilities.matMul(levels);
    const spread = tf.sqrt(tf.relu(probabilities.matMul(levels.square()).sub(mean.square())));
    const entropy = tf.neg(tf.sum(tf.mul(probabilities, logProbabilities), 1));
    const nll = tf.neg(
      tf.sum(tf.mul(tf.oneHot(ids.reshape([clipLength]), muLawLevels), logProbabilities), 1),
    );
    const amplitudes = muLawDecode(tf.range(0, muLawLevels, 1, 'int32')).reshape([muLawLevels, 1]);
    const expected = probabilities.matMul(amplitudes);
    return [spread.dataSync(), entropy.dataSync(), nll.dataSync(), expected.dataSync()];
  });
}

/**
 * The squared errors of an order-`predictorOrder` linear predictor fitted by least squares to the
 * clip's own samples `events` (indices ≥ the order): `x_t ≈ Σ_k a_k x_{t−k}` (normal equations,
 * Gauss–Jordan elimination with partial pivoting and a tiny ridge).
 */
function linearPredictionErrors(samples, events) {
  const order = predictorOrder;
  const gram = Array.from({ length: order }, () => new Float64Array(order + 1));
  for (const t of events) {
    for (let i = 0; i < order; i++) {
      const xi = samples[t - 1 - i];
      gram[i][order] += xi * samples[t];
      for (let j = 0; j < order; j++) gram[i][j] += xi * samples[t - 1 - j];
    }
  }
  const trace = gram.reduce((sum, row, i) => sum + row[i], 0);
  for (let i = 0; i < order; i++) gram[i][i] += 1e-9 * trace + 1e-12;
  for (let column = 0; column < order; column++) {
    let pivot = column;
    for (let row = column + 1; row < order; row++)
      if (Math.abs(gram[row][column]) > Math.abs(gram[pivot][column])) pivot = row;
    [gram[column], gram[pivot]] = [gram[pivot], gram[column]];
    for (let row = 0; row < order; row++) {
      if (row === column) continue;
      const factor = gram[row][column] / gram[column][column];
      for (let k = column; k <= order; k++) gram[row][k] -= factor * gram[column][k];
    }
  }
  const coefficients = gram.map((row, i) => row[order] / row[i]);
  return events.map((t) => {
    let prediction = 0;
    for (let k = 0; k < order; k++) prediction += coefficients[k] * samples[t - 1 - k];
    return (samples[t] - prediction) ** 2;
  });
}

async function main() {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: {
      'per-class': { type: 'string', default: '10' },
    },
  });
  if (positionals.length !== 1)
    fail('usage: node scripts/wavenet-predictive-spread.mjs RUN_DIRECTORY [--per-class 10]');
  const perClass = Number(values['per-class']);
  if (!(Number.isInteger(perClass) && perClass >= 1))
    fail(`--per-class must be a positive integer, got '${values['per-class']}'.`);
  const { directory, run } = readSavedRun(positionals[0]);
  const { model, crop, classes } = run.settings;
  if (!(model.controls > 0))
    fail(`${directory} holds a WaveNet without control tracks: give a --controls run.`);
  if (classes.length !== syntheticAudioClassNames.length)
    fail(`${directory} trained on ${classes.length} classes; this script reads runs on all 8.`);
  await initBackend({ backend: 'wasm', quiet: true });
  const objective = createWavenetObjective({ wavenet: model, cropLength: crop });
  // A run made by --retrain-prior points at the run that holds its WaveNet.
  await restoreCheckpoint(run.training.wavenetFrom ?? directory, objective);
  const trackHop = run.settings.trackHop ?? objective.wavenet.settings.controlHop;
  // The full run's resynthesis clips: held-out real clips of the stream deriveSeed(run seed, 15).
  const real = syntheticAudioTestSet({
    count: perClass * syntheticAudioClassNames.length,
    seed: deriveSeed(run.settings.seed, 15),
  });
  const sums = syntheticAudioClassNames.map(() => ({
    spread: 0,
    entropy: 0,
    nll: 0,
    samples: 0,
    energy: 0,
    wavenetError: 0,
    linearError: 0,
  }));
  for (let clip = 0; clip < real.count; clip++) {
    const samples = real.samples.subarray(clip * clipLength, (clip + 1) * clipLength);
    const label = real.labels[clip];
    const [spread, entropy, nll, expected] = predictiveStatistics(
      objective.wavenet,
      samples,
      label,
      trackHop,
    );
    const peak = samples.reduce((largest, value) => Math.max(largest, Math.abs(value)), 0);
    const sum = sums[label];
    // The first samples lack the linear predictor's past.
    const events = [];
    for (let t = predictorOrder; t < clipLength; t++)
      if (Math.abs(samples[t]) >= eventFraction * peak) events.push(t);
    const linearErrors = linearPredictionErrors(samples, events);
    events.forEach((t, index) => {
      sum.spread += spread[t];
      sum.entropy += entropy[t];
      sum.nll += nll[t];
      sum.samples += 1;
      sum.energy += samples[t] ** 2;
      sum.wavenetError += (samples[t] - expected[t]) ** 2;
      sum.linearError += linearErrors[index];
    });
  }
  objective.dispose();
  console.log(
    `${directory}: teacher-forced prediction of ${perClass} real clips per class, event samples (|x| ≥ ${eventFraction} of the clip's peak)`,
  );
  console.log(
    'class                      samples  spread (companded)  (levels)  entropy  nll (nats)  gain: WaveNet  LPC-16 (dB)',
  );
  const decibels = (energy, error) => (10 * Math.log10(energy / error)).toFixed(1);
  sums.forEach((sum, label) => {
    const spread = sum.spread / sum.samples;
    console.log(
      `${syntheticAudioClassNames[label].padEnd(26)} ${String(sum.samples).padStart(7)}  ${spread.toFixed(4).padStart(18)}  ${(spread / (2 / 255)).toFixed(1).padStart(8)}  ${(sum.entropy / sum.samples).toFixed(2).padStart(7)}  ${(sum.nll / sum.samples).toFixed(2).padStart(10)}  ${decibels(sum.energy, sum.wavenetError).padStart(13)}  ${decibels(sum.energy, sum.linearError).padStart(11)}`,
    );
  });
}

await main();
