import { SeededRandom } from '@selfsup/core';
import * as tf from '@tensorflow/tfjs';
import type { GptLanguageModel } from '../gpt/next-token-logits';
import { sampleFromProbabilities, softmaxOfLogits } from '../gpt/sampling-filters';
import { classGuidedLogProbabilities } from './class-guidance';
import {
  type ControlTokenOptions,
  classTokenOffset,
  controlCodebook,
  controlSequenceLength,
  framesPerFrequencyToken,
} from './control-track';

/** Options of {@link generateGuidedControlTokens}. */
export type GuidedControlTokenOptions = ControlTokenOptions & {
  /** Frames of the track to write (a clip of S samples at hop h has `ceil(S / h)`). */
  readonly frames: number;
  /** The guidance scale `w ≥ 1`; `1` samples the prior's own class-conditional distribution. @default 1 */
  readonly guidance?: number;
  /** Softmax temperature of the guided log-probabilities, > 0. @default 1 */
  readonly temperature?: number;
  /** Seed of the sampling stream (one draw of core's `SeededRandom` per token). @default 0 */
  readonly seed?: number;
};

function checkOptions(options: GuidedControlTokenOptions): Required<
  Omit<GuidedControlTokenOptions, 'framesPerFrequencyToken'>
> & {
  group: number;
} {
  const { frames, guidance = 1, temperature = 1, seed = 0 } = options;
  const name = 'generateGuidedControlTokens';
  if (!(Number.isInteger(frames) && frames >= 1)) {
    throw new RangeError(`${name}: frames must be a positive integer, got ${frames}.`);
  }
  if (!(Number.isFinite(guidance) && guidance >= 1)) {
    throw new RangeError(
      `${name}: guidance must be a finite number ≥ 1 (1 = the prior's own distribution), got ${guidance}.`,
    );
  }
  if (!(Number.isFinite(temperature) && temperature > 0)) {
    throw new RangeError(`${name}: temperature must be a finite number > 0, got ${temperature}.`);
  }
  if (!Number.isInteger(seed))
    throw new RangeError(`${name}: seed must be an integer, got ${seed}.`);
  return { frames, guidance, temperature, seed, group: framesPerFrequencyToken(name, options) + 1 };
}

/**
 * Draws the frame tokens of one control track from a class-prompted control prior with class
 * guidance: classifier-free guidance (Ho & Salimans 2022) where the unconditional prediction is the
 * prior's average over every class prompt (as {@link classGuidedLogProbabilities}), the way
 * class-conditional token models sharpen their samples (AudioGen, Kreuk et al. 2022; LlamaGen, Sun et
 * al. 2024). Each step runs the track so far under every class (the classes share one token layout,
 * so a frame token of class `classId` is moved to class k's), takes each class's softmax over the
 * slot's tokens (loudness, or frequency and background, as {@link controlTokenConstraint} allows), and
 * samples `w · log p(x | c) − (w − 1) · log((1/K) Σ_k p(x | k))` at `temperature`.
 *
 * `w > 1` moves probability to what class `classId` predicts more than the classes on average do
 * given the same past: a glide's rate, an event held in one piece, a tremolo's dips, the details of a
 * class that an under-trained prior blurs towards the other classes. `w = 1` draws what `generate`
 * draws with `allowedTokens: controlTokenConstraint(classId, classes, options)` and the same seed.
 *
 * One incremental forward pass of K rows per token (a KV cache); inference mode; leaves no tensor.
 *
 * @param prior a GPT over control tokens (vocabulary {@link controlVocabularySize}`(classes)`, context
 *   ≥ the track's token count).
 * @param classId the class to write, in `[0, classes)`.
 * @param classes the number of classes of the vocabulary.
 * @param options frames, guidance, temperature, seed and the token layout.
 * @returns the frame tokens (the prompt left out), `controlSequenceLength(frames, options) − 1` ids of
 *   class `classId`, ready for {@link controlTrackFromTokens}.
 * @throws RangeError for bad options, a class out of range, or a track longer than the prior's context.
 * @example
 * const ids = generateGuidedControlTokens(prior, 2, 8, { frames: 63, guidance: 2, seed: 1 });
 * const { track } = controlTrackFromTokens(ids, 8, 2);
 */
export function generateGuidedControlTokens(
  prior: GptLanguageModel,
  classId: number,
  classes: number,
  options: GuidedControlTokenOptions,
): number[] {
  const { frames, guidance, temperature, seed, group } = checkOptions(options);
  const name = 'generateGuidedControlTokens';
  const own = classTokenOffset(name, classId, classes);
  const offsets = Array.from({ length: classes }, (_, k) => classTokenOffset(name, k, classes));
  const count = controlSequenceLength(frames, options) - 1;
  if (count > prior.encoder.maxLength) {
    throw new RangeError(
      `${name}: ${frames} frames take ${count} tokens after the prompt, more than the prior's context of ${prior.encoder.maxLength}; write a track the prior was trained on.`,
    );
  }
  const vocabulary = prior.encoder.vocabularySize;
  const { loudnessBins: loudnessCount, frequencyBins: frequencyCount } = controlCodebook;
  // Gather indices of each slot kind in the flattened [K · V] logits: row k's slot tokens of class k.
  const slotIndices = (start: number, width: number) =>
    Int32Array.from(
      { length: classes * width },
      (_, i) =>
        Math.floor(i / width) * vocabulary + offsets[Math.floor(i / width)]! + start + (i % width),
    );
  const slots = {
    loudness: { start: 0, width: loudnessCount, indices: slotIndices(0, loudnessCount) },
    frequency: {
      start: loudnessCount,
      width: frequencyCount + 1,
      indices: slotIndices(loudnessCount, frequencyCount + 1),
    },
  };
  const random = new SeededRandom(seed);
  const target = tf.tensor1d([classId], 'int32');
  const cache = prior.encoder.createCache(classes);
  const ids: number[] = [];
  try {
    // Positions within a class's tokens of the last drawn token (-1: the prompts come first).
    let last = -1;
    for (let index = 0; index < count; index++) {
      const slot = index % group < group - 1 ? slots.loudness : slots.frequency;
      const inputs = Int32Array.from({ length: classes }, (_, k) =>
        last < 0 ? k : offsets[k]! + last,
      );
      const row = tf.tidy(() => {
        const features = prior.encoder.encodeIncremental(
          tf.tensor2d(inputs, [classes, 1], 'int32'),
          cache,
        );
        const logits = prior.logitsOfFeatures(features).reshape([-1]);
        const restricted = tf.gather(logits, slot.indices).reshape([classes, slot.width]);
        return classGuidedLogProbabilities(restricted as tf.Tensor2D, target, guidance);
      });
      let values: Float32Array;
      try {
        values = Float32Array.from(row.dataSync() as Float32Array);
      } finally {
        row.dispose();
      }
      if (temperature !== 1)
        for (let i = 0; i < values.length; i++) values[i] = values[i]! / temperature;
      last = slot.start + sampleFromProbabilities(softmaxOfLogits(values), random.nextFloat());
      ids.push(own + last);
    }
  } finally {
    cache.dispose();
    target.dispose();
  }
  return ids;
}
