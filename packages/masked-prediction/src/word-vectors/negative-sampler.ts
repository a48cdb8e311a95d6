import type { SeededRandom } from '@selfsup/core';

/** Draws word ids from the smoothed unigram distribution in O(1) per draw. */
export type NegativeSampler = {
  /** The probability of each id: `count^power / Σ count^power` (0 for ids with count 0). */
  readonly probabilities: Float64Array;
  /** One id. */
  sample(random: SeededRandom): number;
};

/**
 * Builds the noise distribution of negative sampling (Mikolov et al. 2013, "Distributed
 * Representations of Words and Phrases and their Compositionality", §2.2): the unigram
 * distribution raised to the power 3/4, `P(w) ∝ count(w)^0.75`, which the paper found to beat both
 * the plain unigram and the uniform distribution. The original tool fills a table of 10^8 slots;
 * this uses Walker's alias method (Vose's construction), exact and O(1) per draw.
 *
 * @param counts occurrences of each id (ids with count 0 are never drawn).
 * @param power the exponent. @default 0.75 (the paper's)
 * @returns the sampler and its `probabilities`.
 * @example
 * const sampler = createNegativeSampler([0, 100, 10, 1]);
 * sampler.sample(new SeededRandom(0)); // 1, 2 or 3; 1 most often
 */
export function createNegativeSampler(counts: ArrayLike<number>, power = 0.75): NegativeSampler {
  const size = counts.length;
  if (!(power >= 0)) throw new RangeError(`power must be ≥ 0, got ${power}.`);
  const probabilities = new Float64Array(size);
  let total = 0;
  for (let id = 0; id < size; id++) {
    const count = counts[id]!;
    if (!(count >= 0)) throw new RangeError(`counts[${id}] must be ≥ 0, got ${count}.`);
    const weight = count > 0 ? count ** power : 0;
    probabilities[id] = weight;
    total += weight;
  }
  if (!(total > 0)) {
    throw new Error('createNegativeSampler: every count is 0; pass the corpus counts of the ids.');
  }
  for (let id = 0; id < size; id++) probabilities[id]! /= total;
  // Vose's alias method: each slot keeps its own id with probability `keep`, else its alias.
  const keep = new Float64Array(size);
  const alias = new Int32Array(size);
  const scaled = probabilities.map((probability) => probability * size);
  const small: number[] = [];
  const large: number[] = [];
  scaled.forEach((value, id) => {
    (value < 1 ? small : large).push(id);
  });
  while (small.length > 0 && large.length > 0) {
    const less = small.pop()!;
    const more = large.pop()!;
    keep[less] = scaled[less]!;
    alias[less] = more;
    scaled[more] = scaled[more]! + scaled[less]! - 1;
    (scaled[more]! < 1 ? small : large).push(more);
  }
  for (const id of large) keep[id] = 1;
  // Rounding leftovers: slots of drawable ids keep themselves; those of ids never drawn point to
  // the most probable id.
  let mostProbable = 0;
  for (let id = 1; id < size; id++) {
    if (probabilities[id]! > probabilities[mostProbable]!) mostProbable = id;
  }
  for (const id of small) {
    if (probabilities[id]! > 0) keep[id] = 1;
    else alias[id] = mostProbable;
  }
  return {
    probabilities,
    sample: (random) => {
      const slot = random.nextUint32() % size;
      return random.nextFloat() < keep[slot]! ? slot : alias[slot]!;
    },
  };
}
