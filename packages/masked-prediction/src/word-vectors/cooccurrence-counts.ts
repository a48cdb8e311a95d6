/** Sparse co-occurrence counts `X_ij`, one entry per unordered pair (`first ≤ second`). */
export type CooccurrenceCounts = {
  /** Number of entries. */
  readonly size: number;
  /** The smaller id of each entry. */
  readonly first: Int32Array;
  /** The larger (or equal) id of each entry. */
  readonly second: Int32Array;
  /** `X_ij = X_ji`, the distance-weighted count (a diagonal entry holds both directions). */
  readonly values: Float64Array;
};

/**
 * Counts windowed co-occurrences the way GloVe does (Pennington, Socher & Manning 2014, "GloVe:
 * Global Vectors for Word Representation", §4.2; the released `cooccur` tool): for each word and
 * each earlier word at distance `k ≤ window` in the same sequence, `X_ij` and `X_ji` grow by `1/k`
 * (symmetric context, "decreasing weighting function, so that word pairs that are d words apart
 * contribute 1/d to the total count"). Counts live in an open-addressing hash table of typed
 * arrays (a JS `Map` of millions of pairs would take several times the memory).
 *
 * @param sequences the corpus as ids, dropped words already removed (`keptPieces`); windows do not
 *   cross sequences.
 * @param window the largest distance. @default 10 (the paper's)
 * @returns the nonzero entries, unordered pairs, in table order.
 * @example countCooccurrences([Int32Array.from([1, 2, 1])], 2).size; // 2: {1,2} = 2, {1,1} = 2·½
 */
export function countCooccurrences(
  sequences: readonly ArrayLike<number>[],
  window = 10,
): CooccurrenceCounts {
  if (!Number.isInteger(window) || window < 1) {
    throw new RangeError(`window must be a positive integer, got ${window}.`);
  }
  let capacity = 1 << 16;
  let firsts = new Int32Array(capacity).fill(-1);
  let seconds = new Int32Array(capacity);
  let values = new Float64Array(capacity);
  let size = 0;

  const slotOf = (
    first: number,
    second: number,
    mask: number,
    keys: Int32Array,
    others: Int32Array,
  ): number => {
    let slot = (Math.imul(first, 0x9e3779b1) ^ Math.imul(second, 0x85ebca77)) & mask;
    while (keys[slot] !== -1 && (keys[slot] !== first || others[slot] !== second)) {
      slot = (slot + 1) & mask;
    }
    return slot;
  };

  const grow = (): void => {
    const oldFirsts = firsts;
    const oldSeconds = seconds;
    const oldValues = values;
    capacity *= 2;
    firsts = new Int32Array(capacity).fill(-1);
    seconds = new Int32Array(capacity);
    values = new Float64Array(capacity);
    const mask = capacity - 1;
    for (let slot = 0; slot < oldFirsts.length; slot++) {
      const first = oldFirsts[slot]!;
      if (first === -1) continue;
      const target = slotOf(first, oldSeconds[slot]!, mask, firsts, seconds);
      firsts[target] = first;
      seconds[target] = oldSeconds[slot]!;
      values[target] = oldValues[slot]!;
    }
  };

  const add = (a: number, b: number, weight: number): void => {
    const first = Math.min(a, b);
    const second = Math.max(a, b);
    const slot = slotOf(first, second, capacity - 1, firsts, seconds);
    if (firsts[slot] === -1) {
      firsts[slot] = first;
      seconds[slot] = second;
      size++;
    }
    values[slot]! += weight;
    if (size * 2 > capacity) grow();
  };

  for (const sequence of sequences) {
    for (let position = 1; position < sequence.length; position++) {
      const word = sequence[position]!;
      const from = Math.max(0, position - window);
      for (let context = position - 1; context >= from; context--) {
        const weight = 1 / (position - context);
        const other = sequence[context]!;
        // Both directions: X_ij and X_ji; a diagonal entry receives both.
        add(word, other, word === other ? 2 * weight : weight);
      }
    }
  }

  const result = {
    size,
    first: new Int32Array(size),
    second: new Int32Array(size),
    values: new Float64Array(size),
  };
  let index = 0;
  for (let slot = 0; slot < capacity; slot++) {
    if (firsts[slot] === -1) continue;
    result.first[index] = firsts[slot]!;
    result.second[index] = seconds[slot]!;
    result.values[index] = values[slot]!;
    index++;
  }
  return result;
}
