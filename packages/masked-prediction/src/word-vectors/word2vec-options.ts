/** Which Word2Vec architecture to train. */
export type Word2vecMode = 'cbow' | 'skip-gram';

/** Options of `createWord2vec`. */
export type Word2vecOptions = {
  /** Ids are in `[0, vocabularySize)` (the tokenizer's `vocabularySize`). */
  readonly vocabularySize: number;
  /** Skip-gram predicts each context word from the centre word; CBOW the centre word from the mean of its context. @default 'skip-gram' */
  readonly mode?: Word2vecMode;
  /** Vector size. @default 100 (the word2vec tool's default) */
  readonly dimension?: number;
  /** Maximum distance between centre and context words; each position draws its window uniformly in `[1, window]`. @default 5 */
  readonly window?: number;
  /** Noise words per true pair. @default 5 (the paper: 5–20 for small corpora) */
  readonly negatives?: number;
  /** Subsampling threshold `t` ({@link keepProbabilities}); 0 turns it off. @default 1e-3 (the tool's; the paper's 1e-5 is for billions of words) */
  readonly subsamplingThreshold?: number;
  /** Ids seen fewer times are dropped from the text and get no vector. @default 5 */
  readonly minCount?: number;
  /** Ids never trained (e.g. the tokenizer's unknown id). @default none */
  readonly ignoredIds?: readonly number[];
  /** Seed of the initial vectors, windows, subsampling and noise words. @default 0 */
  readonly seed?: number;
};

/** {@link Word2vecOptions} with every default filled in. */
export type ResolvedWord2vecOptions = Required<Word2vecOptions>;

/** What `trainWord2vec` reports every `progressEvery` steps. */
export type Word2vecProgress = {
  readonly step: number;
  /** Epochs done, fractional. */
  readonly epoch: number;
  /** Mean loss per true pair since the last report. */
  readonly loss: number;
  readonly learningRate: number;
  /** Corpus words read per second (before subsampling), since the start. */
  readonly wordsPerSecond: number;
  readonly seconds: number;
};

/** Options of `trainWord2vec`. */
export type TrainWord2vecOptions = {
  /** Passes over the corpus. @default 5 (the tool's default) */
  readonly epochs?: number;
  /**
   * How the SGD runs. `'js'`: the tool's per-example updates on Float32Array copies of the tables,
   * written back to the tf variables at the end (measured 3–4× faster than `'tf'` on wasm for
   * skip-gram on SOTU: 35.7 k against 8.2–12.4 k pairs/s, since a tf step pays for dense `[V, d]`
   * gradients and updates). `'tf'`: batched `variableGrads` of `negativeSamplingLoss`
   * and an SGD update on the variables (for GPU backends, and the reference the js engine is
   * tested against).
   * @default 'js'
   */
  readonly engine?: 'js' | 'tf';
  /** Examples (skip-gram pairs, CBOW windows) per step: per tf step, or per learning-rate update in js. @default 1024 */
  readonly batchSize?: number;
  /** Starting SGD learning rate, decayed linearly to 1e-4 of it over the run. @default 0.025 for skip-gram, 0.05 for CBOW (the tool's) */
  readonly learningRate?: number;
  /** Stop after this many minutes even if epochs remain. @default no limit */
  readonly maxMinutes?: number;
  /** Steps between progress reports. @default 200 */
  readonly progressEvery?: number;
  /** Receives progress. */
  readonly onProgress?: (progress: Word2vecProgress) => void;
  /** Stops training (keeping what was learned) when aborted, e.g. on Ctrl-C. */
  readonly signal?: AbortSignal;
};

/** What `trainWord2vec` returns. */
export type Word2vecTrainingResult = {
  readonly steps: number;
  /** Examples trained (skip-gram pairs or CBOW windows). */
  readonly examples: number;
  /** Epochs done, fractional (less than asked when `maxMinutes` stopped the run). */
  readonly epochs: number;
  readonly seconds: number;
  /** Corpus words read per second (before subsampling). */
  readonly wordsPerSecond: number;
  readonly examplesPerSecond: number;
  /** Mean loss per example over the first and the last report interval. */
  readonly firstLoss: number;
  readonly lastLoss: number;
  /** Whether `maxMinutes` ended the run. */
  readonly stoppedByTime: boolean;
  /** Whether `signal` ended the run. */
  readonly aborted: boolean;
};

/**
 * Fills in and checks the options of `createWord2vec`.
 *
 * @param options the options.
 * @returns every option, defaults filled in.
 * @throws a RangeError naming the bad option.
 * @example resolveWord2vecOptions({ vocabularySize: 100 }).window; // 5
 */
export function resolveWord2vecOptions(options: Word2vecOptions): ResolvedWord2vecOptions {
  const resolved: ResolvedWord2vecOptions = {
    mode: 'skip-gram',
    dimension: 100,
    window: 5,
    negatives: 5,
    subsamplingThreshold: 1e-3,
    minCount: 5,
    ignoredIds: [],
    seed: 0,
    ...options,
  };
  const positiveIntegers = [
    'vocabularySize',
    'dimension',
    'window',
    'negatives',
    'minCount',
  ] as const;
  for (const name of positiveIntegers) {
    const value = resolved[name];
    if (!Number.isInteger(value) || value < 1) {
      throw new RangeError(`${name} must be a positive integer, got ${value}.`);
    }
  }
  if (resolved.mode !== 'cbow' && resolved.mode !== 'skip-gram') {
    throw new RangeError(`mode must be 'cbow' or 'skip-gram', got '${resolved.mode}'.`);
  }
  if (!(resolved.subsamplingThreshold >= 0)) {
    throw new RangeError(
      `subsamplingThreshold must be ≥ 0 (0 turns subsampling off), got ${resolved.subsamplingThreshold}.`,
    );
  }
  return resolved;
}
