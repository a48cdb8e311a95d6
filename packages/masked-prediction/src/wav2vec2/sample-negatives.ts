import { SeededRandom } from '@selfsup/core';

/** Where {@link sampleNegatives} draws distractors from. */
export type NegativeSource = 'masked' | 'all' | 'batch';

/** Options of {@link sampleNegatives}. */
export type SampleNegativesOptions = {
  /** `[B·T]` row-major (clip b, step t at `b·T + t`): nonzero at the masked steps (the anchors). */
  readonly mask: ArrayLike<number>;
  /** B, the number of clips. */
  readonly batchSize: number;
  /** T, the number of steps per clip. */
  readonly length: number;
  /** K, distractors per anchor. @default 100 (wav2vec 2.0) */
  readonly count?: number;
  /**
   * `'masked'`: the other masked steps of the same clip (the paper); `'all'`: any other step of
   * the same clip; `'batch'`: any other masked step of any clip of the batch (not the paper: it
   * also rewards features that tell clips apart). With `'masked'`, a clip with a single masked
   * step falls back to `'all'` (it has no other).
   * @default 'masked'
   */
  readonly from?: NegativeSource;
  /** Same seed, same draws. */
  readonly seed: number;
};

/** What {@link sampleNegatives} returns. */
export type SampledNegatives = {
  /** The M anchors (masked steps) as flat indices `b·T + t`, clip by clip, in time order. */
  readonly positions: Int32Array;
  /** `[M·K]`: row m holds K flat indices of distractors for anchor m, all in anchor m's clip and never anchor m itself. */
  readonly negatives: Int32Array;
  /** M. */
  readonly anchorCount: number;
};

/**
 * Draws the distractors of wav2vec 2.0's contrastive task (Baevski et al. 2020, "wav2vec 2.0",
 * §3.2): for every masked step t of a clip, K steps sampled uniformly, with replacement, from
 * the other masked steps of the same clip (`from: 'masked'`, the paper's K = 100) or from all its
 * other steps (`from: 'all'`).
 *
 * The positive is excluded by construction, as fairseq does: draw `r` uniformly from the `n − 1`
 * other candidates' ranks `0 … n − 2` and skip over the anchor's own rank (`r ≥ rank → r + 1`), so
 * every draw is uniform over the others and none is the anchor. Sampling runs in plain
 * JavaScript on the (small) mask; the objective turns the indices into one `gather`.
 *
 * @param options mask, B, T, K, source, seed; see {@link SampleNegativesOptions}.
 * @returns anchor positions `[M]` and distractors `[M·K]` (flat `b·T + t` indices).
 * @example
 * const { positions, negatives } = sampleNegatives({ mask: maskValues, batchSize: 8, length: 48, count: 20, seed: 3 });
 */
export function sampleNegatives(options: SampleNegativesOptions): SampledNegatives {
  const { mask, batchSize, length, count = 100, from = 'masked', seed } = options;
  if (!(Number.isInteger(batchSize) && batchSize >= 1 && Number.isInteger(length) && length >= 2)) {
    throw new Error(
      `sampleNegatives: batchSize must be ≥ 1 and length ≥ 2 (a clip needs a step other than the anchor), got ${batchSize} and ${length}.`,
    );
  }
  if (mask.length !== batchSize * length) {
    throw new Error(
      `sampleNegatives: mask must have batchSize × length = ${batchSize * length} entries (row-major [B, T]), got ${mask.length}.`,
    );
  }
  if (!(Number.isInteger(count) && count >= 1)) {
    throw new Error(`sampleNegatives: count must be a positive integer, got ${count}.`);
  }
  if (from !== 'masked' && from !== 'all' && from !== 'batch') {
    throw new Error(`sampleNegatives: from must be 'masked', 'all' or 'batch', got '${from}'.`);
  }
  const random = new SeededRandom(seed);
  const positions: number[] = [];
  const negatives: number[] = [];
  const draw = (candidates: readonly number[], anchor: number) => {
    const rank = candidates.indexOf(anchor);
    for (let index = 0; index < count; index++) {
      const other = random.nextInt(candidates.length - 1);
      negatives.push(candidates[other >= rank ? other + 1 : other]!);
    }
  };
  const maskedOf = (clip: number) => {
    const masked: number[] = [];
    for (let step = 0; step < length; step++) {
      if (mask[clip * length + step] !== 0) masked.push(clip * length + step);
    }
    return masked;
  };
  if (from === 'batch') {
    const masked = Array.from({ length: batchSize }, (_, clip) => maskedOf(clip)).flat();
    if (masked.length >= 2) {
      for (const anchor of masked) {
        positions.push(anchor);
        draw(masked, anchor);
      }
    } else if (masked.length === 1) {
      positions.push(masked[0]!);
      draw(
        Array.from({ length: batchSize * length }, (_, index) => index),
        masked[0]!,
      );
    }
  } else {
    for (let clip = 0; clip < batchSize; clip++) {
      const masked = maskedOf(clip);
      const candidates =
        from === 'all' || masked.length < 2
          ? Array.from({ length }, (_, step) => clip * length + step)
          : masked;
      for (const anchor of masked) {
        positions.push(anchor);
        draw(candidates, anchor);
      }
    }
  }
  return {
    positions: Int32Array.from(positions),
    negatives: Int32Array.from(negatives),
    anchorCount: positions.length,
  };
}
