import { initBackend, pretrain } from '@selfsup/core';
import { expectNoTensorLeak } from '@selfsup/core/test';
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { createGpt } from '../gpt/gpt';
import { controlClassScores } from './control-class-scores';
import { controlTokenConstraint, controlTokens, controlVocabularySize } from './control-track';

const classes = 2;
const frames = 6;

/** A track whose pitch moves `step` bins a frame from bin 40, at a steady level (bin 15). */
function track(step: number, start = 40) {
  return {
    frequencyBins: Int32Array.from({ length: frames }, (_, f) => start + step * f),
    loudnessBins: new Int32Array(frames).fill(15),
  };
}

/** Frame tokens (the prompt left out) of a track for a class, in groups of `size` frames. */
function frameTokens(step: number, classId: number, start = 40, size = 1): Int32Array {
  return controlTokens(track(step, start), classId, classes, {
    framesPerFrequencyToken: size,
  }).subarray(1);
}

function createPrior(seed: number) {
  return createGpt({
    vocabularySize: controlVocabularySize(classes),
    blockSize: 2 * frames,
    layers: 1,
    heads: 2,
    embeddingSize: 16,
    seed,
  });
}

describe('controlClassScores', () => {
  beforeAll(async () => {
    await initBackend({ backend: 'wasm', quiet: true });
  });

  it.each([1, 2])(
    'is the log-likelihood under the sampling grammar, for the sequence moved to every class (%i frames per frequency token)',
    (size) => {
      const prior = createPrior(3);
      const layout = { framesPerFrequencyToken: size };
      const tokens = frameTokens(2, 1, 40, size);
      const [scores] = controlClassScores(prior, [tokens], 1, classes, layout);
      // By hand, one prefix at a time: the softmax over the ids controlTokenConstraint allows.
      const ownOffset = controlTokenConstraint(1, classes)([1])[0]!;
      for (let k = 0; k < classes; k++) {
        const allowedOf = controlTokenConstraint(k, classes, layout);
        const sequence = [k, ...Array.from(tokens, (id) => id - ownOffset + allowedOf([k])[0]!)];
        let expected = 0;
        for (let position = 1; position < sequence.length; position++) {
          const context = sequence.slice(0, position);
          const allowed = Array.from(allowedOf(context));
          expected += tf.tidy(() => {
            const logits = prior
              .logits(tf.tensor2d([context], [1, position], 'int32'), { training: false })
              .slice([0, position - 1, 0], [1, 1, -1])
              .reshape([-1]);
            const restricted = tf.logSoftmax(tf.gather(logits, allowed));
            return restricted.dataSync()[allowed.indexOf(sequence[position]!)]!;
          });
        }
        expect(scores!.logLikelihoods[k]).toBeCloseTo(expected, 3);
      }
      const [a, b] = scores!.logLikelihoods;
      expect(scores!.logPosterior).toBeCloseTo(b! - Math.log(Math.exp(a!) + Math.exp(b!)), 5);
      prior.dispose();
    },
  );

  it('classifies tracks as a trained prior learnt them: rising for class 0, falling for class 1', async () => {
    const prior = createPrior(5);
    const rows = [0, 1, 2, 3].flatMap((shift) => [
      [0, ...frameTokens(2, 0, 36 + shift)],
      [1, ...frameTokens(-2, 1, 44 + shift)],
    ]);
    const batches = Array.from({ length: 150 }, () =>
      tf.tensor2d(rows, [rows.length, 1 + 2 * frames], 'int32'),
    );
    await pretrain(prior, batches, { epochs: 1, learningRate: 1e-2, seed: 1 });
    const [rising, falling] = controlClassScores(
      prior,
      [frameTokens(2, 0, 38), frameTokens(-2, 0, 46)],
      0,
      classes,
    );
    expect(rising!.logPosterior).toBeGreaterThan(Math.log(0.9));
    expect(falling!.logPosterior).toBeLessThan(Math.log(0.1));
    const [fallingAsOne] = controlClassScores(prior, [frameTokens(-2, 1, 46)], 1, classes);
    // The same track, whichever class's tokens it was written in, gets the same scores.
    expect(fallingAsOne!.logLikelihoods[1]).toBeCloseTo(falling!.logLikelihoods[1]!, 4);
    expect(fallingAsOne!.logPosterior).toBeGreaterThan(Math.log(0.9));
    prior.dispose();
  });

  it('names malformed sequences and leaks no tensor', async () => {
    const prior = createPrior(7);
    const tokens = frameTokens(1, 0);
    controlClassScores(prior, [tokens], 0, classes); // warm-up: builds the causal mask it keeps
    await expectNoTensorLeak(() => {
      controlClassScores(prior, [tokens, tokens], 0, classes);
    });
    expect(() => controlClassScores(prior, [tokens], 1, classes)).toThrow(
      /token 0 of sequence 0 .* is not a loudness token of class 1; sample with controlTokenConstraint\(1, 2\)/,
    );
    const swapped = Int32Array.from(tokens);
    [swapped[0], swapped[1]] = [swapped[1]!, swapped[0]!];
    expect(() => controlClassScores(prior, [swapped], 0, classes)).toThrow(/not a loudness token/);
    expect(() => controlClassScores(prior, [tokens.subarray(1)], 0, classes)).toThrow(
      /come in groups of 2 \(1 loudness, 1 frequency\)/,
    );
    expect(() => controlClassScores(prior, [tokens], 2, classes)).toThrow(/classId must be/);
    const long = controlTokens(
      { frequencyBins: new Int32Array(frames + 1), loudnessBins: new Int32Array(frames + 1) },
      0,
      classes,
    ).subarray(1);
    expect(() => controlClassScores(prior, [long], 0, classes)).toThrow(
      /more than the prior's context of 12/,
    );
    prior.dispose();
  });
});
