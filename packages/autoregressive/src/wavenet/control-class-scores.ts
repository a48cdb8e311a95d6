import * as tf from '@tensorflow/tfjs';
import type { GptObjective } from '../gpt/gpt';
import {
  type ControlTokenOptions,
  classTokenOffset,
  controlCodebook,
  controlTokensPerClass,
  framesPerFrequencyToken,
} from './control-track';

/** What {@link controlClassScores} returns for one control-token sequence. */
export type ControlClassScores = {
  /** `log p(sequence as class k's tokens | prompt k)` for every class k, in nats. */
  readonly logLikelihoods: Float64Array;
  /** `log p(classId | sequence)` under a uniform class prior: the prior's own Bayes classifier. */
  readonly logPosterior: number;
};

/** `log Σ exp(values[from … to))`, stable. */
function logSumExp(values: ArrayLike<number>, from = 0, to = values.length): number {
  let largest = Number.NEGATIVE_INFINITY;
  for (let i = from; i < to; i++) largest = Math.max(largest, values[i]!);
  let sum = 0;
  for (let i = from; i < to; i++) sum += Math.exp(values[i]! - largest);
  return largest + Math.log(sum);
}

/**
 * How well each class of a control prior explains a control track: the frame tokens a prior wrote
 * for `classId` (after the prompt, as {@link controlTrackFromTokens} reads them) are moved to every
 * class k's tokens (the classes share one token layout), prompted with k, and scored by the prior
 * under the same grammar it samples with ({@link controlTokenConstraint}: each loudness slot's
 * softmax runs over class k's loudness tokens, each frequency slot's over its frequency and
 * background tokens). The posterior of `classId` is the prior's own classification of the track,
 * the sequence-level counterpart of classifier-free guidance (Ho & Salimans 2022): drawing several
 * tracks and keeping the one the prior itself finds most typical of its class (sample-and-rerank)
 * uses no model but the prior.
 *
 * One forward pass of `classes` rows per sequence, inference mode; leaves no tensor behind.
 *
 * @param prior a GPT over control tokens (vocabulary {@link controlVocabularySize}`(classes)`,
 *   context ≥ the sequence's length).
 * @param frameTokens well-formed frame tokens of class `classId`, `2 · frames` ids each (groups
 *   of `n + 1` with `framesPerFrequencyToken: n`).
 * @param classId the class the sequences were written for, in `[0, classes)`.
 * @param classes the number of classes of the vocabulary.
 * @param options the token layout the sequences were written in ({@link ControlTokenOptions}).
 * @returns per sequence, every class's log-likelihood and the log posterior of `classId`.
 * @throws RangeError for a class id out of range, a sequence of partial groups, a token that is not
 *   class `classId`'s token of its slot, or a sequence longer than the prior's context.
 * @example
 * const { ids } = await generate(prior, [2], { maxTokens: 250, allowedTokens: controlTokenConstraint(2, 8) });
 * const [{ logPosterior }] = controlClassScores(prior, [ids], 2, 8); // ≤ 0; near 0: typical of class 2
 */
export function controlClassScores(
  prior: Pick<GptObjective, 'logits' | 'encoder'>,
  frameTokens: readonly ArrayLike<number>[],
  classId: number,
  classes: number,
  options: ControlTokenOptions = {},
): ControlClassScores[] {
  const own = classTokenOffset('controlClassScores', classId, classes);
  const offsets = Array.from({ length: classes }, (_, k) =>
    classTokenOffset('controlClassScores', k, classes),
  );
  const group = framesPerFrequencyToken('controlClassScores', options) + 1;
  const isLoudnessSlot = (index: number) => index % group < group - 1;
  const { loudnessBins: loudnessCount, frequencyBins: frequencyCount } = controlCodebook;
  const width = controlTokensPerClass;
  return frameTokens.map((tokens, sequence) => {
    const length = tokens.length;
    if (length === 0 || length % group !== 0) {
      throw new RangeError(
        `controlClassScores: sequence ${sequence} has ${length} tokens; frame tokens come in groups of ${group} (${group - 1} loudness, 1 frequency), after the prompt.`,
      );
    }
    if (length > prior.encoder.maxLength) {
      throw new RangeError(
        `controlClassScores: sequence ${sequence} has ${length} frame tokens, more than the prior's context of ${prior.encoder.maxLength}; score a prior trained on tracks of this length.`,
      );
    }
    // Positions within a class's tokens: loudness slots hold [0, L), frequency slots [L, L + F].
    const local = Int32Array.from({ length }, (_, i) => {
      const position = tokens[i]! - own;
      const valid = isLoudnessSlot(i)
        ? position >= 0 && position < loudnessCount
        : position >= loudnessCount && position <= loudnessCount + frequencyCount;
      if (!valid) {
        throw new RangeError(
          `controlClassScores: token ${i} of sequence ${sequence} (${tokens[i]}) is not a ${isLoudnessSlot(i) ? 'loudness' : 'frequency or background'} token of class ${classId}; sample with controlTokenConstraint(${classId}, ${classes}${group > 2 ? `, { framesPerFrequencyToken: ${group - 1} }` : ''}).`,
        );
      }
      return position;
    });
    // Row k: prompt k, then the frame tokens moved to class k (the last one is only a target).
    const inputs = new Int32Array(classes * length);
    offsets.forEach((offset, k) => {
      inputs[k * length] = k;
      for (let i = 0; i < length - 1; i++) inputs[k * length + 1 + i] = offset + local[i]!;
    });
    const rows = tf.tidy(() => {
      const logits = prior.logits(tf.tensor2d(inputs, [classes, length], 'int32'), {
        training: false,
      });
      return offsets.map(
        (offset, k) => logits.slice([k, 0, offset], [1, length, width]).dataSync() as Float32Array,
      );
    });
    const logLikelihoods = new Float64Array(classes);
    for (let k = 0; k < classes; k++) {
      const row = rows[k]!;
      let total = 0;
      for (let i = 0; i < length; i++) {
        const from = i * width;
        const normalizer = isLoudnessSlot(i)
          ? logSumExp(row, from, from + loudnessCount)
          : logSumExp(row, from + loudnessCount, from + width);
        total += row[from + local[i]!]! - normalizer;
      }
      logLikelihoods[k] = total;
    }
    return { logLikelihoods, logPosterior: logLikelihoods[classId]! - logSumExp(logLikelihoods) };
  });
}
