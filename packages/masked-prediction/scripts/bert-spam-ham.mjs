// The spam/ham downstream protocol of the BERT scripts (bert-full-run.mjs, bert-finetune-study.mjs):
// SpamAssassin messages as BERT inputs, a balanced-accuracy runner for core's labelEfficiency,
// the finetuning recipe the acceptance runs use, and the atomic write of their JSON reports.
import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import {
  createEncoder,
  createWindowedEncoder,
  evaluate,
  finetune,
  stratifiedSplit,
} from '@selfsup/core';
import * as tf from '@tensorflow/tfjs';

/**
 * The finetuning recipe of the acceptance runs: AdamW 1e-3 for the head, 40 epochs at most with
 * early stopping on the validation part labelEfficiency carves (patience 5, validation loss),
 * batch 16, at least 150 steps; the pretrained encoder learns at a tenth of the head's rate; every
 * finetuned encoder (pretrained or scratch) has BERT's dropout 0.1, whatever the pretraining used.
 */
export const spamHamRecipe = {
  encoderDropout: 0.1,
  epochs: 40,
  batchSize: 16,
  inferenceBatchSize: 64,
  learningRate: 1e-3,
  minimumSteps: 150,
  pretrainedEncoderLearningRateMultiplier: 0.1,
};

/** Seed of the recipe-selection split (fixed, so that every study scores on the same messages). */
const selectionSplitSeed = 20261130;

/**
 * The labeled pool and the scored set of the spam/ham task, as `[CLS] body [SEP]` inputs.
 *
 * `split: 'test'` scores on the SpamAssassin test split and draws labels from its whole training
 * split (the acceptance protocol). `split: 'validation'` never touches the test split: a
 * stratified quarter of the training split (fixed seed) is scored instead and labels are drawn
 * from the other three quarters: the split on which recipes are chosen.
 *
 * @param spam `loadSpamAssassin()`'s result.
 * @param tokenizer the run's WordPiece tokenizer.
 * @param options `encodeBertInputs` (from the package build), `sequenceLength`, `split`, `truncation`
 *   ('head', or 'head-and-tail': how a long message is cut) and `smoke` (every 12th training and
 *   every 6th scored message), `windows` (1: how many sequences of a long message are read, see
 *   {@link windowedReader}).
 * @returns `{ pool, test, description }`; dispose `pool.inputs` and `test.inputs`.
 */
export function spamHamSets(spam, tokenizer, options) {
  const {
    encodeBertInputs,
    sequenceLength,
    split = 'test',
    truncation = 'head',
    windows = 1,
    smoke = false,
  } = options;
  if (split !== 'test' && split !== 'validation') {
    throw new Error(`split must be 'test' or 'validation', got '${split}'.`);
  }
  let poolMessages = spam.train;
  let scoredMessages = spam.test;
  if (split === 'validation') {
    const labels = spam.train.map((message) => message.label);
    const { train, validation } = stratifiedSplit(
      labels,
      labels.map((_, index) => index),
      { numClasses: 2, fraction: 0.25, seed: selectionSplitSeed },
    );
    poolMessages = [...train].map((index) => spam.train[index]);
    scoredMessages = [...validation].map((index) => spam.train[index]);
  }
  if (smoke) {
    poolMessages = poolMessages.filter((_, index) => index % 12 === 0);
    scoredMessages = scoredMessages.filter((_, index) => index % 6 === 0);
  }
  const setOf = (messages) => ({
    inputs: encodeBertInputs(
      tokenizer,
      messages.map((message) => message.body),
      { maxLength: sequenceLength, truncation, windows },
    ),
    labels: messages.map((message) => message.label),
  });
  return {
    pool: setOf(poolMessages),
    test: setOf(scoredMessages),
    description: {
      split,
      truncation,
      windows,
      scored:
        split === 'test'
          ? 'SpamAssassin test split'
          : `a stratified quarter of the SpamAssassin training split (seed ${selectionSplitSeed}); the test split is not read`,
      poolMessages: poolMessages.length,
      scoredMessages: scoredMessages.length,
    },
  };
}

/**
 * A finetuning copy of a pretrained encoder: the same weights, with the recipe's dropout (a run may
 * pretrain without dropout; finetuning on 100 labels keeps BERT's 0.1, as the scratch encoders).
 *
 * @param encoder the pretrained encoder (left unchanged).
 * @returns a new encoder; the caller disposes it.
 */
export function finetuningCopy(encoder) {
  const copy = createEncoder({ ...encoder.getConfig(), dropout: spamHamRecipe.encoderDropout });
  copy.model.setWeights(encoder.model.getWeights());
  return copy;
}

/**
 * The encoder that reads a spam/ham input: the BERT encoder itself for one window, or core's
 * windowed encoder (the mean of the features of each 128-token window of the message, Pappagari et
 * al. 2019) for `windows` > 1, as `spamHamSets({ windows })` lays the messages out.
 *
 * @param encoder a BERT encoder (owned by the result).
 * @param windows windows per message.
 * @returns the encoder to finetune; the caller disposes it.
 */
export function windowedReader(encoder, windows) {
  if (windows === 1) return encoder;
  const { maxLength, paddingId } = encoder.getConfig();
  return createWindowedEncoder(encoder, { windows, windowLength: maxLength, paddingId });
}

/**
 * A labelEfficiency runner like core's createEncoderRunner that also reports balanced accuracy
 * (mean per-class recall), the epochs trained and the best epoch.
 *
 * @param name the runner's name in the results.
 * @param createEncoder `(encoderSeed) => encoder` (a fresh copy per run; the runner disposes it).
 * @param modes finetuning modes ('linear-probe', 'full').
 * @param overrides finetune options on top of the shared recipe.
 */
export function balancedRunner(name, createEncoder, modes, overrides) {
  return {
    name,
    modes,
    async run(context) {
      const encoder = await createEncoder(context.encoderSeed);
      let finetuned;
      try {
        finetuned = await finetune(encoder, context.train, {
          ...context.recipe,
          ...overrides,
          mode: context.mode,
          task: 'classification',
          numClasses: context.numClasses,
          seed: context.finetuneSeed,
          ...(context.validation === undefined ? {} : { validation: context.validation }),
        });
        const report = await evaluate(finetuned, context.test);
        return {
          metrics: {
            accuracy: report.accuracy,
            // Both classes occur in every scored set, so the macro recall is the balanced accuracy.
            balancedAccuracy: report.macroRecall,
            macroF1: report.macroF1,
          },
          epochsTrained: finetuned.history.epochs.length,
          bestEpoch: finetuned.history.bestEpoch,
        };
      } finally {
        finetuned?.dispose();
        encoder.dispose();
      }
    },
  };
}

/** The balanced-accuracy summary entry of one runner and mode, or undefined. */
export function balancedSummary(efficiency, runner, mode) {
  return efficiency.summary.find(
    (entry) =>
      entry.runner === runner && entry.mode === mode && entry.metric === 'balancedAccuracy',
  );
}

/** Frees the input tensors of {@link spamHamSets}. */
export function disposeSpamHamSets(sets) {
  tf.dispose([sets.pool.inputs, sets.test.inputs]);
}

/** Writes `value` as JSON to `file` atomically (a temporary sibling, then a rename). */
export function writeJsonAtomically(file, value) {
  mkdirSync(dirname(file), { recursive: true });
  const temporary = `${file}.${process.pid}.tmp`;
  writeFileSync(temporary, `${JSON.stringify(value, null, 2)}\n`);
  renameSync(temporary, file);
}
