/**
 * The logit processors of GPT sampling, as pure functions on one row of logits (a `Float32Array`
 * or `number[]` of length V). Each returns a new `Float32Array` and leaves its input alone; a
 * filtered-out token gets `-Infinity`, so the following softmax gives it probability 0.
 *
 * Conventions follow Hugging Face transformers' logits processors (the de-facto reference): top-k
 * (Fan, Lewis & Dauphin 2018), nucleus/top-p (Holtzman et al. 2020) and CTRL's repetition penalty
 * (Keskar et al. 2019).
 */

/** One row of logits over the vocabulary. */
export type LogitsRow = Float32Array | readonly number[];

function checkLogits(name: string, logits: LogitsRow): void {
  if (logits.length === 0) throw new RangeError(`${name}: the logits row is empty.`);
}

/**
 * Keeps the `k` largest logits and sets the others to `-Infinity` (top-k sampling, Fan, Lewis &
 * Dauphin 2018, "Hierarchical Neural Story Generation").
 *
 * Tokens tied with the k-th largest logit are all kept (as Hugging Face's `TopKLogitsWarper`), so
 * more than `k` tokens may survive on ties. `k ≥ V` returns an unchanged copy.
 *
 * @param logits one row of logits `[V]`
 * @param k how many tokens to keep, a positive integer
 * @returns a new row, `-Infinity` outside the top k
 * @example
 * filterTopK([1, 3, 2, 0], 2); // Float32Array [-Infinity, 3, 2, -Infinity]
 */
export function filterTopK(logits: LogitsRow, k: number): Float32Array {
  checkLogits('filterTopK', logits);
  if (!Number.isInteger(k) || k < 1) {
    throw new RangeError(
      `filterTopK: k must be a positive integer, got ${k}; omit topK to keep every token.`,
    );
  }
  const result = Float32Array.from(logits);
  if (k >= result.length) return result;
  const sorted = Float32Array.from(result).sort().reverse();
  const threshold = sorted[k - 1] as number;
  for (let index = 0; index < result.length; index++) {
    if ((result[index] as number) < threshold) result[index] = Number.NEGATIVE_INFINITY;
  }
  return result;
}

/**
 * Keeps the smallest set of most probable tokens whose total probability reaches `p` and sets the
 * others to `-Infinity` (nucleus sampling, Holtzman et al. 2020, "The Curious Case of Neural Text
 * Degeneration").
 *
 * Probabilities are the softmax of `logits`. Tokens are taken in decreasing probability (ties in
 * increasing id) until the cumulative probability is at least `p`; the most probable token is
 * always kept. `p = 1` keeps every token with a non-zero probability.
 *
 * @param logits one row of logits `[V]`
 * @param p the probability mass to keep, in (0, 1]
 * @returns a new row, `-Infinity` outside the nucleus
 * @example
 * // probabilities 0.5, 0.3, 0.2: p = 0.7 keeps the first two (0.5 < 0.7 ≤ 0.8)
 * filterTopP([Math.log(0.5), Math.log(0.3), Math.log(0.2)], 0.7); // [-0.69, -1.2, -Infinity]
 */
export function filterTopP(logits: LogitsRow, p: number): Float32Array {
  checkLogits('filterTopP', logits);
  if (!(p > 0 && p <= 1)) {
    throw new RangeError(
      `filterTopP: p must be in (0, 1], got ${p}; omit topP to keep every token.`,
    );
  }
  const probabilities = softmaxOfLogits(logits);
  const { threshold, kept } = nucleusBoundary(probabilities, p);
  // The nucleus: every token above the k-th probability and, among those tied with it, the lowest ids.
  let tiedToKeep = kept;
  for (const value of probabilities) if (value > threshold) tiedToKeep--;
  const result = Float32Array.from(logits);
  for (let index = 0; index < result.length; index++) {
    const value = probabilities[index] as number;
    if (value > threshold) continue;
    if (value === threshold && tiedToKeep > 0) tiedToKeep--;
    else result[index] = Number.NEGATIVE_INFINITY;
  }
  return result;
}

/**
 * How many tokens the nucleus of mass `p` keeps, and the smallest kept probability: the
 * probabilities in decreasing order, accumulated until they reach `p` (at least one).
 *
 * Only the tokens at or above a cutoff are sorted: the cutoff falls from half the largest
 * probability (½, ¼, 1/16, 1/256, … of it) until the tokens above it carry mass `p` (the nucleus is among them, and
 * their decreasing order is the row's). A peaked row sorts a handful of values instead of V; the
 * sums are those of the whole sorted row, in the same order. Falls back to sorting every value when
 * the candidates' ordered sum stops short of `p` by rounding.
 */
function nucleusBoundary(
  probabilities: Float64Array,
  p: number,
): { threshold: number; kept: number } {
  let maximum = 0;
  for (const value of probabilities) if (value > maximum) maximum = value;
  let cutoff = maximum / 2;
  let count = 0;
  for (let exponent = 1; cutoff > 0; exponent *= 2, cutoff = maximum / 2 ** exponent) {
    let mass = 0;
    count = 0;
    for (const value of probabilities) {
      if (value >= cutoff) {
        mass += value;
        count++;
      }
    }
    if (mass >= p) break;
  }
  const accumulate = (values: Float64Array) => {
    const sorted = values.sort();
    let cumulative = 0;
    let kept = 0;
    while (kept < sorted.length && (kept === 0 || cumulative < p)) {
      cumulative += sorted[sorted.length - 1 - kept] as number;
      kept++;
    }
    return { threshold: sorted[sorted.length - kept] as number, kept, reached: cumulative >= p };
  };
  if (cutoff > 0) {
    const candidates = new Float64Array(count);
    let filled = 0;
    for (const value of probabilities) if (value >= cutoff) candidates[filled++] = value;
    const boundary = accumulate(candidates);
    if (boundary.reached) return boundary;
  }
  return accumulate(probabilities.slice());
}

/**
 * Penalizes tokens that already occur in the context (CTRL's repetition penalty, Keskar et al.
 * 2019, "CTRL: A Conditional Transformer Language Model for Controllable Generation", §4.1).
 *
 * For every distinct id in `previousIds` (the prompt and the tokens generated so far), a positive
 * logit is divided by `penalty` and a negative one multiplied by it, so with `penalty > 1` the
 * token always becomes less likely (dividing a negative logit, as the paper's formula literally
 * does, would make it more likely; this is Hugging Face's `RepetitionPenaltyLogitsProcessor`).
 * Each id is penalized once however often it occurs. `penalty = 1` changes nothing; `penalty < 1`
 * favours repetition. CTRL recommends 1.2.
 *
 * @param logits one row of logits `[V]`
 * @param previousIds token ids already in the context; ids outside `[0, V)` throw
 * @param penalty the factor θ > 0
 * @returns a new row with the penalized logits
 * @example
 * applyRepetitionPenalty([2, -2, 1], [0, 1, 0], 2); // Float32Array [1, -4, 1]
 */
export function applyRepetitionPenalty(
  logits: LogitsRow,
  previousIds: Iterable<number>,
  penalty: number,
): Float32Array {
  checkLogits('applyRepetitionPenalty', logits);
  if (!(penalty > 0) || !Number.isFinite(penalty)) {
    throw new RangeError(
      `applyRepetitionPenalty: penalty must be a finite number > 0 (1 = no penalty, CTRL uses 1.2), got ${penalty}.`,
    );
  }
  const result = Float32Array.from(logits);
  if (penalty === 1) return result;
  const seen = new Set<number>();
  for (const id of previousIds) {
    if (!Number.isInteger(id) || id < 0 || id >= result.length) {
      throw new RangeError(
        `applyRepetitionPenalty: token id ${id} is outside the vocabulary [0, ${result.length}).`,
      );
    }
    if (seen.has(id)) continue;
    seen.add(id);
    const value = result[id] as number;
    result[id] = value > 0 ? value / penalty : value * penalty;
  }
  return result;
}

/**
 * Keeps only the logits of `allowedIds` and sets the others to `-Infinity` (constrained decoding:
 * Hugging Face's `PrefixConstrainedLogitsProcessor`).
 *
 * @param logits one row of logits `[V]`
 * @param allowedIds the ids that may come next: at least one, each in `[0, V)` (repeats are fine)
 * @returns a new row, `-Infinity` outside `allowedIds`
 * @example
 * keepAllowedTokens([1, 3, 2, 0], [0, 2]); // Float32Array [1, -Infinity, 2, -Infinity]
 */
export function keepAllowedTokens(logits: LogitsRow, allowedIds: ArrayLike<number>): Float32Array {
  checkLogits('keepAllowedTokens', logits);
  if (allowedIds.length === 0) {
    throw new RangeError(
      'keepAllowedTokens: no token is allowed; the constraint must allow at least one id (or return undefined to allow all).',
    );
  }
  const result = new Float32Array(logits.length).fill(Number.NEGATIVE_INFINITY);
  for (let index = 0; index < allowedIds.length; index++) {
    const id = allowedIds[index] as number;
    if (!Number.isInteger(id) || id < 0 || id >= result.length) {
      throw new RangeError(
        `keepAllowedTokens: allowed token id ${id} is outside the vocabulary [0, ${result.length}).`,
      );
    }
    result[id] = logits[id] as number;
  }
  return result;
}

/**
 * The softmax of one row of logits, computed stably in float64 (`-Infinity` gives 0).
 *
 * @param logits one row of logits `[V]`; at least one must be finite
 * @returns probabilities `[V]` summing to 1
 * @example softmaxOfLogits([0, Math.log(3)]); // Float64Array [0.25, 0.75]
 */
export function softmaxOfLogits(logits: LogitsRow): Float64Array {
  checkLogits('softmaxOfLogits', logits);
  let maximum = Number.NEGATIVE_INFINITY;
  for (const value of logits) if (value > maximum) maximum = value;
  if (!Number.isFinite(maximum)) {
    throw new RangeError(
      'softmax: no finite logit (every token was filtered out, or the model produced NaN/Infinity).',
    );
  }
  const probabilities = new Float64Array(logits.length);
  let total = 0;
  for (let index = 0; index < logits.length; index++) {
    const weight = Math.exp((logits[index] as number) - maximum);
    probabilities[index] = weight;
    total += weight;
  }
  for (let index = 0; index < probabilities.length; index++)
    probabilities[index] = (probabilities[index] as number) / total;
  return probabilities;
}

/**
 * Draws a token id from probabilities by inverse transform sampling with a uniform number `u`.
 *
 * @param probabilities `[V]`, summing to 1
 * @param uniform a number in [0, 1), e.g. `SeededRandom.nextFloat()`
 * @returns the first id whose cumulative probability exceeds `uniform` (the last id with a
 *   non-zero probability when rounding leaves the total just below `uniform`)
 * @example sampleFromProbabilities(new Float64Array([0.25, 0.75]), 0.3); // 1
 */
export function sampleFromProbabilities(probabilities: Float64Array, uniform: number): number {
  let cumulative = 0;
  let last = 0;
  for (let index = 0; index < probabilities.length; index++) {
    const probability = probabilities[index] as number;
    if (probability <= 0) continue;
    last = index;
    cumulative += probability;
    if (uniform < cumulative) return index;
  }
  return last;
}

/**
 * The id of the largest logit (the first on ties): greedy decoding.
 *
 * @param logits one row of logits `[V]`
 * @returns the arg-max id
 * @example argMaxOfLogits([0.1, 2, 2]); // 1
 */
export function argMaxOfLogits(logits: LogitsRow): number {
  checkLogits('argMax', logits);
  let best = 0;
  for (let index = 1; index < logits.length; index++) {
    if ((logits[index] as number) > (logits[best] as number)) best = index;
  }
  return best;
}
