/** Options of {@link bigramCrossEntropy}. */
export type BigramCrossEntropyOptions = {
  /** Sequences of token ids to count bigrams in (e.g. `[0, ...name, 0]` with 0 the boundary). */
  readonly train: readonly (readonly number[])[];
  /** Sequences to score. */
  readonly test: readonly (readonly number[])[];
  /** Number of token ids V. */
  readonly vocabularySize: number;
  /** Add-α (Laplace) smoothing of the counts. @default 1 (makemore's "model smoothing") */
  readonly smoothing?: number;
};

/** What {@link bigramCrossEntropy} returns. */
export type BigramCrossEntropy = {
  /** Mean −log P(next | current) over the test bigrams, in nats. */
  readonly loss: number;
  /** Number of test bigrams scored. */
  readonly tokens: number;
  /** Mean loss on the training bigrams themselves. */
  readonly trainLoss: number;
};

/**
 * The cross-entropy of a count-based bigram language model, computed exactly from counts: the
 * baseline of Karpathy's makemore (the "bigram" model, ~2.45 nats/char on its 32k names).
 *
 * `P(b | a) = (N[a, b] + α) / (N[a] + α·V)` with `N` counted over consecutive pairs of every
 * training sequence; the loss is the mean of `−log P(b | a)` over the consecutive pairs of the
 * test sequences (so a sequence `[0, ...name, 0]` scores each character and the end).
 *
 * @param options train and test sequences, vocabulary size and smoothing α
 * @returns test loss (nats per predicted token), test token count and train loss
 * @example
 * bigramCrossEntropy({ train: [[0, 1, 0]], test: [[0, 1, 0]], vocabularySize: 2, smoothing: 0 }).loss; // 0
 */
export function bigramCrossEntropy(options: BigramCrossEntropyOptions): BigramCrossEntropy {
  const { train, test, vocabularySize, smoothing = 1 } = options;
  if (!Number.isInteger(vocabularySize) || vocabularySize < 1) {
    throw new RangeError(
      `bigramCrossEntropy: vocabularySize must be a positive integer, got ${vocabularySize}.`,
    );
  }
  if (!(smoothing >= 0) || !Number.isFinite(smoothing)) {
    throw new RangeError(
      `bigramCrossEntropy: smoothing must be a finite number ≥ 0, got ${smoothing}.`,
    );
  }
  const counts = new Float64Array(vocabularySize * vocabularySize);
  const rowTotals = new Float64Array(vocabularySize);
  const check = (id: number | undefined): number => {
    if (id === undefined || !Number.isInteger(id) || id < 0 || id >= vocabularySize) {
      throw new RangeError(`bigramCrossEntropy: token id ${id} is outside [0, ${vocabularySize}).`);
    }
    return id;
  };
  for (const sequence of train) {
    for (let index = 1; index < sequence.length; index++) {
      const current = check(sequence[index - 1]);
      const next = check(sequence[index]);
      counts[current * vocabularySize + next] =
        (counts[current * vocabularySize + next] as number) + 1;
      rowTotals[current] = (rowTotals[current] as number) + 1;
    }
  }
  const score = (sequences: readonly (readonly number[])[]): [number, number] => {
    let total = 0;
    let tokens = 0;
    for (const sequence of sequences) {
      for (let index = 1; index < sequence.length; index++) {
        const current = check(sequence[index - 1]);
        const next = check(sequence[index]);
        const probability =
          ((counts[current * vocabularySize + next] as number) + smoothing) /
          ((rowTotals[current] as number) + smoothing * vocabularySize);
        total -= Math.log(probability);
        tokens++;
      }
    }
    return [tokens === 0 ? Number.NaN : total / tokens, tokens];
  };
  const [loss, tokens] = score(test);
  const [trainLoss] = score(train);
  return { loss, tokens, trainLoss };
}
