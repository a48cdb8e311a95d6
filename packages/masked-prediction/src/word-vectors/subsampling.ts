/**
 * The probability of keeping each occurrence of a word under frequent-word subsampling (Mikolov et
 * al. 2013, "Distributed Representations of Words and Phrases and their Compositionality", §2.3).
 *
 * The paper discards an occurrence of `w` with probability `1 − √(t / f(w))`, where `f(w)` is the
 * word's share of the corpus; the released word2vec tool (and gensim) use the smoother
 * `keep = (√(f/t) + 1) · t/f`, which this follows. Words rarer than about `t` are always kept.
 * `t = 1e-5` is the paper's choice for its billion-word corpora; the tool's default `1e-3` suits
 * corpora of a few million words such as SOTU (1.8 M words), where `1e-5` would discard most text.
 *
 * @param counts occurrences of each id (those at 0 get probability 0).
 * @param threshold `t`; 0 turns subsampling off (every kept probability is 1).
 * @returns the keep probability of each id, in [0, 1].
 * @example keepProbabilities([0, 1000, 10], 1e-3); // [0, ≈0.04, 1]: the frequent word is thinned
 */
export function keepProbabilities(counts: ArrayLike<number>, threshold: number): Float64Array {
  if (!(threshold >= 0)) {
    throw new RangeError(
      `The subsampling threshold must be ≥ 0 (0 turns it off), got ${threshold}.`,
    );
  }
  let total = 0;
  for (let id = 0; id < counts.length; id++) total += counts[id]!;
  const keep = new Float64Array(counts.length);
  for (let id = 0; id < counts.length; id++) {
    const count = counts[id]!;
    if (count <= 0) continue;
    if (threshold === 0) {
      keep[id] = 1;
      continue;
    }
    const ratio = (threshold * total) / count; // t / f(w)
    keep[id] = Math.min(1, (Math.sqrt(1 / ratio) + 1) * ratio);
  }
  return keep;
}
