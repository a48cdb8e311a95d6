#!/usr/bin/env node
// Word2Vec (skip-gram and CBOW, Mikolov et al. 2013) and GloVe (Pennington et al. 2014) trained on
// two corpora: the State of the Union addresses (`sotu`), and SOTU plus the SpamAssassin training
// bodies without their labels (`sotu+spam-unlabeled`: the self-supervised setting, unlabeled
// in-domain text; pretrainingBodies() holds no test body). Then two checks of each set of vectors:
//  1. word pairs: Spearman ρ between the cosines and the grades of
//     src/word-vectors/related-word-pairs.json (written before any vector was trained), and the
//     mean cosine of its related pairs (grade ≥ 7) against random pairs of words frequent in SOTU;
//  2. spam/ham (SpamAssassin, fixed leak-free split): averaged word vectors of each message as
//     features, a logistic regression on 100 labels (stratified, 50 per class) per seed, balanced
//     accuracy on the whole test split, against random vectors of the same size and vocabulary.
//
//   node scripts/word-vectors-full-run.mjs --max-minutes 45
//   node scripts/word-vectors-full-run.mjs --smoke            (≤ 2 min: slices of the corpora)
//
// Flags: --max-minutes M (45; 1 with --smoke), split evenly between the corpora; per corpus,
// training gets ~85% of its share: skip-gram 38%, CBOW 12%, GloVe 35%.
// --corpus sotu|sotu+spam-unlabeled|both (both), --dimension D (100), --seeds N (5; 3 with
// --smoke), --labels N (100), --out FILE (results/word-vectors-sotu.json, or
// results/word-vectors-smoke.json with --smoke), --vectors-dir DIR (the vectors in the word2vec
// text format; default <tmp>/selfsup-word-vectors, not committed: 5–20 MB each), --quiet.
// The build defaults to ../dist/index.js; set SELFSUP_MASKED_PREDICTION_DIST to another build.
import { readFileSync } from 'node:fs';
import { cpus, platform, release, tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { initBackend, stratifiedSample } from '@selfsup/core';
import { loadSotu, loadSpamAssassin, writeFileAtomic } from '@selfsup/data';

const here = dirname(fileURLToPath(import.meta.url));
const distribution =
  process.env.SELFSUP_MASKED_PREDICTION_DIST ?? resolve(here, '../dist/index.js');
const {
  WordVectors,
  createGlove,
  createWord2vec,
  createWordTokenizer,
  evaluateWordPairs,
  trainGlove,
  trainWord2vec,
} = await import(pathToFileURL(resolve(distribution)).href);

const usage =
  'usage: node scripts/word-vectors-full-run.mjs [--max-minutes 45] [--dimension 100] [--seeds 5] ' +
  '[--labels 100] [--corpus sotu|sotu+spam-unlabeled|both] [--out FILE] [--vectors-dir DIR] [--smoke] [--quiet]';

function parseFlags() {
  let values;
  try {
    ({ values } = parseArgs({
      options: {
        'max-minutes': { type: 'string' },
        dimension: { type: 'string', default: '100' },
        seeds: { type: 'string' },
        labels: { type: 'string', default: '100' },
        out: { type: 'string' },
        'vectors-dir': { type: 'string', default: join(tmpdir(), 'selfsup-word-vectors') },
        corpus: { type: 'string', default: 'both' },
        smoke: { type: 'boolean', default: false },
        quiet: { type: 'boolean', default: false },
        help: { type: 'boolean', default: false },
      },
    }));
  } catch (error) {
    console.error(`${error.message}\n${usage}`);
    process.exit(2);
  }
  if (values.help) {
    console.log(usage);
    process.exit(0);
  }
  const number = (name, integer) => {
    const value = Number(values[name]);
    if (!(value > 0) || (integer && !Number.isInteger(value))) {
      console.error(`--${name} must be a positive ${integer ? 'integer' : 'number'}.\n${usage}`);
      process.exit(2);
    }
    return value;
  };
  const smoke = values.smoke;
  values['max-minutes'] ??= smoke ? '1' : '45';
  values.seeds ??= smoke ? '3' : '5';
  if (!['sotu', 'sotu+spam-unlabeled', 'both'].includes(values.corpus)) {
    console.error(`--corpus must be sotu, sotu+spam-unlabeled or both.\n${usage}`);
    process.exit(2);
  }
  return {
    maxMinutes: number('max-minutes', false),
    dimension: number('dimension', true),
    seeds: number('seeds', true),
    labels: number('labels', true),
    out: values.out ?? resolve(here, `../results/word-vectors-${smoke ? 'smoke' : 'sotu'}.json`),
    vectorsDirectory: values['vectors-dir'],
    corpus: values.corpus,
    smoke,
    quiet: values.quiet,
  };
}

const flags = parseFlags();
const log = (...parts) => {
  if (!flags.quiet) console.log(...parts);
};
const started = Date.now();
const minutesLeft = () => flags.maxMinutes - (Date.now() - started) / 60_000;

const backend = await initBackend({ backend: 'wasm', quiet: true });

// ---- shared data ------------------------------------------------------------------------------
const minCount = 5;
const addresses = loadSotu().addresses;
const sotuTexts = (flags.smoke ? addresses.slice(-12) : addresses).map((address) => address.text);
const spam = loadSpamAssassin();
const spamBodies = spam.pretrainingBodies(); // train split only: no test body is ever seen
const unlabeledSpam = flags.smoke ? spamBodies.slice(0, 300) : spamBodies;
const trainLabels = Int32Array.from(spam.train.map((message) => message.label));
const testLabels = Int32Array.from(spam.test.map((message) => message.label));
const pairsFile = JSON.parse(
  readFileSync(resolve(here, '../src/word-vectors/related-word-pairs.json'), 'utf8'),
);
const corpora = {
  sotu: sotuTexts,
  'sotu+spam-unlabeled': [...sotuTexts, ...unlabeledSpam],
};
const chosenCorpora = flags.corpus === 'both' ? Object.keys(corpora) : [flags.corpus];

const progress = (name) => (event) =>
  log(
    `${name}: ${JSON.stringify(event, (_, value) => (typeof value === 'number' ? Number(value.toPrecision(4)) : value))}`,
  );

/** L2-regularised logistic regression (full-batch gradient descent on standardised features). */
function logisticRegression(features, labels, dimension) {
  const count = labels.length;
  const mean = new Float64Array(dimension);
  const deviation = new Float64Array(dimension);
  for (const row of features) for (let i = 0; i < dimension; i++) mean[i] += row[i] / count;
  for (const row of features)
    for (let i = 0; i < dimension; i++) deviation[i] += (row[i] - mean[i]) ** 2 / count;
  for (let i = 0; i < dimension; i++) deviation[i] = Math.sqrt(deviation[i]) + 1e-8;
  const standardize = (row) =>
    Float64Array.from(row, (value, i) => (value - mean[i]) / deviation[i]);
  const inputs = features.map(standardize);
  const weights = new Float64Array(dimension);
  let bias = 0;
  const l2 = 1e-2;
  for (let iteration = 0; iteration < 500; iteration++) {
    const gradient = new Float64Array(dimension);
    let biasGradient = 0;
    inputs.forEach((row, index) => {
      let logit = bias;
      for (let i = 0; i < dimension; i++) logit += weights[i] * row[i];
      const error = 1 / (1 + Math.exp(-logit)) - labels[index];
      for (let i = 0; i < dimension; i++) gradient[i] += (error * row[i]) / count;
      biasGradient += error / count;
    });
    for (let i = 0; i < dimension; i++) weights[i] -= 0.5 * (gradient[i] + l2 * weights[i]);
    bias -= 0.5 * biasGradient;
  }
  return (row) => {
    const input = standardize(row);
    let logit = bias;
    for (let i = 0; i < dimension; i++) logit += weights[i] * input[i];
    return logit > 0 ? 1 : 0;
  };
}

function balancedAccuracy(predictions, labels) {
  const correct = [0, 0];
  const total = [0, 0];
  predictions.forEach((prediction, index) => {
    total[labels[index]]++;
    if (prediction === labels[index]) correct[labels[index]]++;
  });
  return (correct[0] / total[0] + correct[1] / total[1]) / 2;
}

const summary = (values) => {
  const mean = values.reduce((sum, value) => sum + value, 0) / values.length;
  const std = Math.sqrt(
    values.reduce((sum, value) => sum + (value - mean) ** 2, 0) / Math.max(1, values.length - 1),
  );
  return { mean, std, runs: values };
};

const probes = ['war', 'navy', 'taxes', 'gold', 'schools', 'freedom'];
const analogies = [
  ['britain', 'british', 'france'],
  ['tax', 'taxes', 'law'],
  ['army', 'soldiers', 'navy'],
  ['mexico', 'mexican', 'spain'],
];

/** Trains skip-gram, CBOW and GloVe on one corpus within `budgetMinutes`, then evaluates them. */
async function runCorpus(corpusName, texts, budgetMinutes) {
  const corpusStart = Date.now();
  const corpusMinutesLeft = () => budgetMinutes - (Date.now() - corpusStart) / 60_000;
  const tokenizer = createWordTokenizer(texts);
  const sequences = texts.map((text) => tokenizer.encode(text));
  const tokens = sequences.reduce((sum, sequence) => sum + sequence.length, 0);
  const trainedWords = tokenizer.counts.filter((count, id) => id > 0 && count >= minCount).length;
  // Random pairs are drawn among words frequent in SOTU, as the graded pairs are.
  const sotuCounts = createWordTokenizer(sotuTexts);
  const frequentWords = sotuCounts.words.filter(
    (_, id) => id > 0 && sotuCounts.counts[id] >= (flags.smoke ? 20 : 100),
  );
  log(
    `${corpusName}: ${texts.length} documents, ${tokens} words, ${tokenizer.vocabularySize - 1} distinct, ${trainedWords} with count ≥ ${minCount}`,
  );
  const common = {
    vocabularySize: tokenizer.vocabularySize,
    dimension: flags.dimension,
    minCount,
    ignoredIds: [tokenizer.specialTokens.unknown],
    seed: 0,
  };

  /** A short calibration run measures the speed, so that the planned epochs (and the linear
   * learning-rate decay) fit the time budget. */
  async function runWord2vec(mode, minutes) {
    const probe = createWord2vec({ ...common, mode });
    const calibration = await trainWord2vec(probe, sequences, {
      epochs: flags.smoke ? 0.05 : 0.01,
    });
    probe.dispose();
    const affordable = (calibration.wordsPerSecond * minutes * 60 * 0.9) / tokens;
    const epochs = Math.max(0.05, Math.min(5, Number(affordable.toFixed(2))));
    log(
      `${corpusName} ${mode}: ${calibration.wordsPerSecond.toFixed(0)} words/s → ${epochs} epochs`,
    );
    const model = createWord2vec({ ...common, mode });
    const training = await trainWord2vec(model, sequences, {
      epochs,
      maxMinutes: minutes,
      progressEvery: 1000,
      onProgress: progress(`${corpusName} ${mode}`),
    });
    const vectors = model.wordVectors(tokenizer);
    model.dispose();
    const { ignoredIds: _, ...options } = model.options;
    const learningRate = mode === 'cbow' ? 0.05 : 0.025;
    return {
      settings: { ...options, epochs, engine: 'js', batchSize: 1024, learningRate },
      training,
      vectors,
    };
  }

  async function runGlove(minutes) {
    const model = createGlove({ ...common });
    const training = await trainGlove(model, sequences, {
      epochs: 25,
      maxMinutes: minutes,
      onProgress: progress(`${corpusName} glove`),
    });
    const { ignoredIds: _, ...options } = model.options;
    return {
      settings: { ...options, epochs: 25, learningRate: 0.05 },
      training,
      vectors: model.wordVectors(tokenizer),
    };
  }

  const runs = {};
  runs['word2vec-skip-gram'] = await runWord2vec('skip-gram', budgetMinutes * 0.38);
  runs['word2vec-cbow'] = await runWord2vec(
    'cbow',
    Math.max(0.1, Math.min(budgetMinutes * 0.12, corpusMinutesLeft() * 0.25)),
  );
  runs.glove = await runGlove(
    Math.max(0.2, Math.min(budgetMinutes * 0.35, corpusMinutesLeft() - budgetMinutes * 0.12)),
  );

  const trainIds = spam.train.map((message) => tokenizer.encode(message.text));
  const testIds = spam.test.map((message) => tokenizer.encode(message.text));
  const allTrainIds = trainIds.flat();
  const coverage =
    allTrainIds.filter((id) => id !== 0 && tokenizer.counts[id] >= minCount).length /
    Math.max(1, allTrainIds.length);

  function spamHam(vectorsOfSeed) {
    const scores = [];
    for (let seed = 0; seed < flags.seeds; seed++) {
      const vectors = vectorsOfSeed(seed);
      const chosen = [...stratifiedSample(trainLabels, flags.labels, { numClasses: 2, seed })];
      const features = chosen.map((index) => vectors.averageVectors(trainIds[index]));
      const labels = chosen.map((index) => trainLabels[index]);
      const classify = logisticRegression(features, labels, vectors.dimension);
      const predictions = testIds.map((ids) => classify(vectors.averageVectors(ids)));
      scores.push(balancedAccuracy(predictions, testLabels));
    }
    return { balancedAccuracy: summary(scores) };
  }

  const pairOptions = { randomWords: frequentWords, randomPairs: 2000, seed: 0, relatedGrade: 7 };
  const methods = {};
  for (const [name, run] of Object.entries(runs)) {
    const { vectors } = run;
    const path = join(flags.vectorsDirectory, `${corpusName}-${name}.txt`);
    await vectors.writeWord2vecText(path);
    const tokenIds = vectors.words.map((word) => tokenizer.tokenToId(word));
    const randomOfSeed = (seed) =>
      WordVectors.random(vectors.words, vectors.dimension, 1000 + seed, { tokenIds });
    const method = {
      settings: run.settings,
      training: run.training,
      words: vectors.size,
      vectorsFile: path,
      wordPairs: evaluateWordPairs(vectors, pairsFile.pairs, pairOptions),
      randomVectorsWordPairs: evaluateWordPairs(randomOfSeed(0), pairsFile.pairs, pairOptions),
      spamHam: spamHam(() => vectors),
      randomVectorsSpamHam: spamHam(randomOfSeed),
      nearest: Object.fromEntries(
        probes
          .filter((word) => vectors.has(word))
          .map((word) => [word, vectors.nearest(word, 5).map((neighbour) => neighbour.word)]),
      ),
      analogies: analogies
        .filter((words) => words.every((word) => vectors.has(word)))
        .map(([a, b, c]) => ({
          question: `${a} : ${b} :: ${c} : ?`,
          answers: vectors.analogy(a, b, c, 3).map((answer) => answer.word),
        })),
    };
    methods[name] = method;
    const fixed = (value) => value.toFixed(3);
    log(
      `${corpusName} ${name}: ρ ${fixed(method.wordPairs.spearman)} (random vectors ${fixed(method.randomVectorsWordPairs.spearman)}), ` +
        `related pairs ${fixed(method.wordPairs.relatedCosine)} vs random pairs ${fixed(method.wordPairs.randomCosine)}; ` +
        `spam/ham balanced accuracy ${fixed(method.spamHam.balancedAccuracy.mean)} ± ${fixed(method.spamHam.balancedAccuracy.std)} ` +
        `(random vectors ${fixed(method.randomVectorsSpamHam.balancedAccuracy.mean)} ± ${fixed(method.randomVectorsSpamHam.balancedAccuracy.std)})`,
    );
  }
  return {
    documents: texts.length,
    words: tokens,
    distinctWords: tokenizer.vocabularySize - 1,
    trainedWords,
    spamWordsWithVectors: coverage,
    minutes: (Date.now() - corpusStart) / 60_000,
    methods,
  };
}

const results = {};
for (const [index, name] of chosenCorpora.entries()) {
  const share = minutesLeft() / (chosenCorpora.length - index);
  results[name] = await runCorpus(name, corpora[name], share * 0.88);
}

const result = {
  date: new Date().toISOString(),
  machine: {
    cpu: cpus()[0]?.model,
    cores: cpus().length,
    os: `${platform()} ${release()}`,
    node: process.version,
  },
  backend: backend.backend,
  smoke: flags.smoke,
  minutes: (Date.now() - started) / 60_000,
  settings: {
    maxMinutes: flags.maxMinutes,
    dimension: flags.dimension,
    minCount,
    seeds: flags.seeds,
    labels: flags.labels,
    classifier:
      'logistic regression on standardised averaged vectors, L2 1e-2, 500 full-batch steps at 0.5',
    pairs: 'src/word-vectors/related-word-pairs.json',
    randomPairs: 'words seen ≥ 100 times in SOTU (≥ 20 with --smoke)',
    spamAssassin: { train: spam.train.length, test: spam.test.length },
    corpora: {
      sotu: 'the State of the Union addresses (loadSotu)',
      'sotu+spam-unlabeled':
        'SOTU plus the distinct SpamAssassin training bodies without labels (pretrainingBodies(): no test body)',
    },
  },
  corpora: results,
};
writeFileAtomic(flags.out, `${JSON.stringify(result, null, 2)}\n`);
log(`wrote ${flags.out} after ${result.minutes.toFixed(1)} min`);
