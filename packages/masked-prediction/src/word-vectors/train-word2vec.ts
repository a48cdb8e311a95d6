import { deriveSeed, SeededRandom } from '@selfsup/core';
import * as tf from '@tensorflow/tfjs';
import { createNegativeSampler } from './negative-sampler';
import { keepProbabilities } from './subsampling';
import { keptPieces, trainedCounts } from './vocabulary-counts';
import type { Word2vec } from './word2vec';
import type { TrainWord2vecOptions, Word2vecTrainingResult } from './word2vec-options';

/** The smallest learning rate, as a fraction of the first (the tool's `starting_alpha * 1e-4`). */
const minimumLearningRateFraction = 1e-4;

/**
 * Trains a Word2Vec model on a corpus of token ids with SGD, the way the word2vec tool does,
 * batched for tf: per epoch the pieces of the corpus (≤ 1,000 kept ids) are shuffled; each
 * occurrence survives subsampling with its keep probability; each position draws a window in
 * `[1, window]`; skip-gram makes one example per (centre, context) pair, CBOW one per centre; each
 * example gets K noise words from unigram^0.75 (redrawn when equal to the true word, where the tool
 * skips them). A step sums the loss of `batchSize` examples and applies plain SGD on both tables,
 * with the learning rate decayed linearly from `learningRate` to 1e-4 of it over the planned words.
 *
 * Speed: the gradients of the lookups are dense `[V, d]` tables (core's fast `UnsortedSegmentSum`
 * on wasm), so a step costs O(V·d) plus the batch; large batches amortise it. Summing the batch
 * (rather than Hogwild's one-pair-at-a-time updates) adds the updates of a word that occurs several
 * times in a batch; this stays stable at the tool's learning rates with batches up to a few
 * thousand examples.
 *
 * @param model from `createWord2vec`; its tables are updated in place and `counts` is set.
 * @param sequences the corpus as token ids, one array per document.
 * @param options see {@link TrainWord2vecOptions}.
 * @returns steps, examples, speed and the first and last mean losses.
 * @example
 * const result = await trainWord2vec(model, sequences, { epochs: 5 });
 * result.lastLoss < result.firstLoss; // true
 */
export async function trainWord2vec(
  model: Word2vec,
  sequences: readonly ArrayLike<number>[],
  options: TrainWord2vecOptions = {},
): Promise<Word2vecTrainingResult> {
  const { mode, vocabularySize, dimension, window, negatives, minCount, ignoredIds, seed } =
    model.options;
  const {
    epochs = 5,
    batchSize = 1024,
    engine = 'js',
    learningRate = mode === 'cbow' ? 0.05 : 0.025,
    maxMinutes = Number.POSITIVE_INFINITY,
    progressEvery = 200,
    onProgress,
    signal,
  } = options;
  if (!(epochs > 0)) throw new RangeError(`epochs must be > 0, got ${epochs}.`);
  if (!Number.isInteger(batchSize) || batchSize < 1) {
    throw new RangeError(`batchSize must be a positive integer, got ${batchSize}.`);
  }
  if (engine !== 'js' && engine !== 'tf') {
    throw new RangeError(`engine must be 'js' or 'tf', got '${engine}'.`);
  }
  if (!(learningRate > 0)) throw new RangeError(`learningRate must be > 0, got ${learningRate}.`);
  const counts = trainedCounts(sequences, vocabularySize, minCount, ignoredIds);
  const pieces = keptPieces(sequences, counts);
  const totalWords = pieces.reduce((sum, piece) => sum + piece.length, 0);
  if (totalWords === 0) {
    throw new Error(`No id occurs ${minCount} times (minCount): pass more text or lower minCount.`);
  }
  model.counts = counts;
  const keep = keepProbabilities(counts, model.options.subsamplingThreshold);
  const sampler = createNegativeSampler(counts);

  const contextWidth = mode === 'cbow' ? 2 * window : 1;
  const targetWidth = 1 + negatives;
  const inputs = new Int32Array(batchSize * contextWidth);
  const contextMask = new Float32Array(batchSize * contextWidth);
  const targets = new Int32Array(batchSize * targetWidth);
  let filled = 0;

  const plannedWords = epochs * totalWords;
  const deadline = Date.now() + maxMinutes * 60_000;
  const start = performance.now();
  let wordsRead = 0;
  let steps = 0;
  let examples = 0;
  let intervalLoss = 0;
  let intervalExamples = 0;
  let firstLoss = Number.NaN;
  let lastLoss = Number.NaN;
  let stoppedByTime = false;
  let aborted = false;
  let lastYield = performance.now();
  let learningRateNow = learningRate;

  const report = (): void => {
    const loss = intervalLoss / Math.max(intervalExamples, 1);
    if (Number.isNaN(firstLoss)) firstLoss = loss;
    lastLoss = loss;
    const seconds = (performance.now() - start) / 1000;
    onProgress?.({
      step: steps,
      epoch: wordsRead / totalWords,
      loss,
      learningRate: learningRateNow,
      wordsPerSecond: wordsRead / Math.max(seconds, 1e-9),
      seconds,
    });
    intervalLoss = 0;
    intervalExamples = 0;
  };

  // The js engine trains copies of the tables and writes them back at the end.
  const jsTables =
    engine === 'js'
      ? {
          input: model.inputVectors.dataSync().slice() as Float32Array,
          output: model.outputVectors.dataSync().slice() as Float32Array,
        }
      : undefined;
  const hidden = new Float32Array(dimension);
  const hiddenError = new Float32Array(dimension);

  /** SGD on one batch, example by example, like the tool (CBOW: the error goes to each context word unscaled, as in the tool and gensim). */
  const jsStep = (rows: number, rate: number): number => {
    const { input, output } = jsTables!;
    let loss = 0;
    for (let row = 0; row < rows; row++) {
      hidden.fill(0);
      hiddenError.fill(0);
      let used = 0;
      for (let slot = 0; slot < contextWidth; slot++) {
        const index = row * contextWidth + slot;
        if (mode === 'cbow' && contextMask[index] === 0) continue;
        const offset = inputs[index]! * dimension;
        for (let i = 0; i < dimension; i++) hidden[i]! += input[offset + i]!;
        used++;
      }
      if (used > 1) for (let i = 0; i < dimension; i++) hidden[i]! /= used;
      for (let k = 0; k < targetWidth; k++) {
        const offset = targets[row * targetWidth + k]! * dimension;
        let logit = 0;
        for (let i = 0; i < dimension; i++) logit += hidden[i]! * output[offset + i]!;
        // One exp per target: e = exp(−x), σ(x) = 1 / (1 + e), −log σ(x) = log1p(e),
        // −log σ(−x) = log1p(e) + x (x clamped to ±30 so that e stays finite).
        const clamped = Math.min(30, Math.max(-30, logit));
        const exponential = Math.exp(-clamped);
        loss += k === 0 ? Math.log1p(exponential) : Math.log1p(exponential) + clamped;
        const gradient = ((k === 0 ? 1 : 0) - 1 / (1 + exponential)) * rate;
        for (let i = 0; i < dimension; i++) {
          hiddenError[i]! += gradient * output[offset + i]!;
          output[offset + i]! += gradient * hidden[i]!;
        }
      }
      for (let slot = 0; slot < contextWidth; slot++) {
        const index = row * contextWidth + slot;
        if (mode === 'cbow' && contextMask[index] === 0) continue;
        const offset = inputs[index]! * dimension;
        for (let i = 0; i < dimension; i++) input[offset + i]! += hiddenError[i]!;
      }
    }
    return loss;
  };

  /** One tf step: the summed loss of the batch, its gradients, plain SGD on both tables. */
  const tfStep = (rows: number, rate: number): number =>
    tf.tidy(() => {
      const batch = {
        inputs:
          mode === 'cbow'
            ? tf.tensor2d(inputs.subarray(0, rows * contextWidth), [rows, contextWidth], 'int32')
            : tf.tensor1d(inputs.subarray(0, rows), 'int32'),
        contextMask:
          mode === 'cbow'
            ? tf.tensor2d(contextMask.subarray(0, rows * contextWidth), [rows, contextWidth])
            : undefined,
        targets: tf.tensor2d(targets.subarray(0, rows * targetWidth), [rows, targetWidth], 'int32'),
      };
      const { value, grads } = tf.variableGrads(
        () => model.loss(batch),
        [model.inputVectors, model.outputVectors],
      );
      for (const variable of [model.inputVectors, model.outputVectors]) {
        const gradient = grads[variable.name];
        if (gradient !== undefined) variable.assign(tf.sub(variable, tf.mul(gradient, rate)));
      }
      return value.dataSync()[0]!;
    });

  const step = (): void => {
    const rows = filled;
    learningRateNow =
      learningRate * Math.max(minimumLearningRateFraction, 1 - wordsRead / (plannedWords + 1));
    const loss = engine === 'js' ? jsStep(rows, learningRateNow) : tfStep(rows, learningRateNow);
    steps++;
    examples += rows;
    intervalLoss += loss;
    intervalExamples += rows;
    filled = 0;
    if (steps % progressEvery === 0) report();
  };

  const addTargets = (row: number, target: number, random: SeededRandom): void => {
    const offset = row * targetWidth;
    targets[offset] = target;
    for (let k = 1; k < targetWidth; k++) {
      let noise = sampler.sample(random);
      for (let attempt = 0; noise === target && attempt < 10; attempt++) {
        noise = sampler.sample(random);
      }
      targets[offset + k] = noise;
    }
  };

  const wholeEpochs = Math.ceil(epochs);
  training: for (let epoch = 0; epoch < wholeEpochs; epoch++) {
    const random = new SeededRandom(deriveSeed(seed, 1, epoch));
    const order = random.permutation(pieces.length);
    for (let index = 0; index < order.length; index++) {
      if (wordsRead >= plannedWords) break training;
      if (Date.now() > deadline) {
        stoppedByTime = true;
        break training;
      }
      if (performance.now() - lastYield > 200) {
        // Let timers, progress bars and signal handlers run.
        await new Promise((resolve) => setTimeout(resolve, 0));
        lastYield = performance.now();
      }
      if (signal?.aborted === true) {
        aborted = true;
        break training;
      }
      const piece = pieces[order[index]!]!;
      wordsRead += piece.length;
      const sentence: number[] = [];
      for (let position = 0; position < piece.length; position++) {
        const id = piece[position]!;
        if (keep[id]! >= 1 || random.nextFloat() < keep[id]!) sentence.push(id);
      }
      for (let center = 0; center < sentence.length; center++) {
        const reach = window - random.nextInt(window);
        const from = Math.max(0, center - reach);
        const to = Math.min(sentence.length - 1, center + reach);
        const word = sentence[center]!;
        if (mode === 'skip-gram') {
          for (let context = from; context <= to; context++) {
            if (context === center) continue;
            inputs[filled] = word;
            addTargets(filled, sentence[context]!, random);
            filled++;
            if (filled === batchSize) step();
          }
        } else {
          if (to === from) continue;
          const offset = filled * contextWidth;
          let slot = 0;
          for (let context = from; context <= to; context++) {
            if (context === center) continue;
            inputs[offset + slot] = sentence[context]!;
            contextMask[offset + slot] = 1;
            slot++;
          }
          for (; slot < contextWidth; slot++) {
            inputs[offset + slot] = 0;
            contextMask[offset + slot] = 0;
          }
          addTargets(filled, word, random);
          filled++;
          if (filled === batchSize) step();
        }
      }
    }
  }
  if (filled > 0) step();
  if (intervalExamples > 0) report();
  if (jsTables !== undefined) {
    tf.tidy(() => {
      model.inputVectors.assign(tf.tensor2d(jsTables.input, [vocabularySize, dimension]));
      model.outputVectors.assign(tf.tensor2d(jsTables.output, [vocabularySize, dimension]));
    });
  }
  const seconds = (performance.now() - start) / 1000;
  return {
    steps,
    examples,
    epochs: wordsRead / totalWords,
    seconds,
    wordsPerSecond: wordsRead / Math.max(seconds, 1e-9),
    examplesPerSecond: examples / Math.max(seconds, 1e-9),
    firstLoss,
    lastLoss,
    stoppedByTime,
    aborted,
  };
}
