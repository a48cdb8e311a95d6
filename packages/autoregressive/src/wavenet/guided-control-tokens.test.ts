import { initBackend, SeededRandom } from '@selfsup/core';
import { expectNoTensorLeak } from '@selfsup/core/test';
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { generate } from '../gpt/generate';
import { createGpt } from '../gpt/gpt';
import { sampleFromProbabilities, softmaxOfLogits } from '../gpt/sampling-filters';
import {
  controlSequenceLength,
  controlTokenConstraint,
  controlTrackFromTokens,
  controlVocabularySize,
} from './control-track';
import { generateGuidedControlTokens } from './guided-control-tokens';

const classes = 3;
const frames = 6;

function createPrior(seed: number, blockSize = 2 * frames) {
  return createGpt({
    vocabularySize: controlVocabularySize(classes),
    blockSize,
    layers: 1,
    heads: 2,
    embeddingSize: 16,
    seed,
  });
}

/** log-softmax of the allowed entries of a logits row, in the order of `allowed`. */
function restrictedLogSoftmax(row: Float32Array, allowed: Int32Array): Float64Array {
  let largest = Number.NEGATIVE_INFINITY;
  for (const id of allowed) largest = Math.max(largest, row[id]!);
  let sum = 0;
  for (const id of allowed) sum += Math.exp(row[id]! - largest);
  const normalizer = largest + Math.log(sum);
  return Float64Array.from(allowed, (id) => row[id]! - normalizer);
}

/**
 * The guided draw by hand, without a cache: each prefix re-encoded under every class prompt,
 * w·log p(x | c) − (w − 1)·log mean_k p(x | k) over the slot's tokens, then the temperature.
 */
function guidedByHand(
  prior: ReturnType<typeof createPrior>,
  classId: number,
  guidance: number,
  temperature: number,
  seed: number,
  size: number,
): number[] {
  const layout = { framesPerFrequencyToken: size };
  const count = controlSequenceLength(frames, layout) - 1;
  const constraints = Array.from({ length: classes }, (_, k) =>
    controlTokenConstraint(k, classes, layout),
  );
  const base = (k: number) => constraints[k]!([k])[0]!;
  const random = new SeededRandom(seed);
  const local: number[] = [];
  const ids: number[] = [];
  for (let index = 0; index < count; index++) {
    const perClass = constraints.map((allowedOf, k) => {
      const context = [k, ...local.map((position) => base(k) + position)];
      const row = tf.tidy(
        () =>
          prior
            .logits(tf.tensor2d([context], [1, context.length], 'int32'), { training: false })
            .slice([0, context.length - 1, 0], [1, 1, -1])
            .dataSync() as Float32Array,
      );
      return restrictedLogSoftmax(row, allowedOf(context));
    });
    const own = perClass[classId]!;
    const guided = own.map((value, i) => {
      const average = Math.log(perClass.reduce((sum, row) => sum + Math.exp(row[i]!), 0) / classes);
      return (guidance * value - (guidance - 1) * average) / temperature;
    });
    const choice = sampleFromProbabilities(softmaxOfLogits(Array.from(guided)), random.nextFloat());
    const allowed = constraints[classId]!([classId, ...local.map((p) => base(classId) + p)]);
    const id = allowed[choice]!;
    local.push(id - base(classId));
    ids.push(id);
  }
  return ids;
}

describe('generateGuidedControlTokens', () => {
  beforeAll(async () => {
    await initBackend({ backend: 'wasm', quiet: true });
  });

  it.each([
    [1, 1],
    [1, 0.8],
    [2, 1],
  ])(
    'at guidance 1 draws what generate draws under controlTokenConstraint (%i frames per frequency token, temperature %d)',
    async (size, temperature) => {
      const prior = createPrior(3);
      const layout = { framesPerFrequencyToken: size };
      for (const [classId, seed] of [
        [0, 1],
        [2, 7],
      ] as const) {
        const { ids } = await generate(prior, [classId], {
          maxTokens: controlSequenceLength(frames, layout) - 1,
          temperature,
          seed,
          allowedTokens: controlTokenConstraint(classId, classes, layout),
        });
        const guided = generateGuidedControlTokens(prior, classId, classes, {
          frames,
          temperature,
          seed,
          ...layout,
        });
        expect(guided).toEqual(ids);
        expect(controlTrackFromTokens(guided, classes, classId, layout).malformed).toBe(0);
      }
      prior.dispose();
    },
  );

  it.each([1, 2])(
    'samples w·log p(x | c) − (w − 1)·log mean_k p(x | k) over each slot, as by hand (%i frames per frequency token), leak-free',
    async (size) => {
      const prior = createPrior(5);
      const layout = { framesPerFrequencyToken: size };
      for (const [classId, guidance, temperature, seed] of [
        [1, 3, 1, 2],
        [0, 2, 0.7, 9],
      ] as const) {
        let guided: number[] = [];
        await expectNoTensorLeak(() => {
          guided = generateGuidedControlTokens(prior, classId, classes, {
            frames,
            guidance,
            temperature,
            seed,
            ...layout,
          });
        });
        expect(guided).toEqual(guidedByHand(prior, classId, guidance, temperature, seed, size));
      }
      // Guidance changes the draw: the same seed at w = 1 and w = 3 gives different tracks.
      const plain = generateGuidedControlTokens(prior, 1, classes, { frames, seed: 2, ...layout });
      const strong = generateGuidedControlTokens(prior, 1, classes, {
        frames,
        guidance: 3,
        seed: 2,
        ...layout,
      });
      expect(strong).not.toEqual(plain);
      prior.dispose();
    },
  );

  it('names bad options and a track longer than the prior’s context', () => {
    const prior = createPrior(1);
    const call =
      (options: Parameters<typeof generateGuidedControlTokens>[3], classId = 0) =>
      () =>
        generateGuidedControlTokens(prior, classId, classes, options);
    expect(call({ frames, guidance: 0.5 })).toThrow(/guidance must be a finite number ≥ 1/);
    expect(call({ frames, temperature: 0 })).toThrow(/temperature must be a finite number > 0/);
    expect(call({ frames: 0 })).toThrow(/frames must be a positive integer/);
    expect(call({ frames, seed: 0.5 })).toThrow(/seed must be an integer/);
    expect(call({ frames }, 3)).toThrow(/classId must be an integer in \[0, 3\)/);
    expect(call({ frames: 7 })).toThrow(/7 frames take 14 tokens .* context of 12/);
    prior.dispose();
  });
});
