/** Options of {@link createElmo}. Only `vocabularySize` is required. */
export type ElmoOptions = {
  /** Number of token ids (ids are in `[0, vocabularySize)`). Required. */
  readonly vocabularySize: number;
  /**
   * Size `d` of the token embedding and of each LSTM direction (the paper: 512, projected from
   * 4,096 cells). Features are `2d` wide: `[forward, backward]`. @default 64
   */
  readonly size?: number;
  /** Number `L` of LSTM layers per direction (the paper: 2). @default 2 */
  readonly layers?: number;
  /** Add each LSTM layer's input to its output from the second layer on (the paper's residual connection). @default true */
  readonly residual?: boolean;
  /**
   * The output softmax, shared by both directions as in the paper: `'tied'` reuses the token
   * embedding `E` (logits `h · Eᵀ`, Press & Wolf 2017; fewer weights, better on small corpora),
   * `'untied'` learns its own `[d, V]` weights and bias (the paper, whose input is a character CNN).
   * @default 'tied'
   */
  readonly softmax?: 'tied' | 'untied';
  /**
   * The padding id of right-padded batches: padding is left out of the backward direction, the
   * mean pooling and the loss. @default none (every position is a real token)
   */
  readonly paddingId?: number;
  /** Seed of every initializer. @default 0 */
  readonly seed?: number;
};

/** {@link ElmoOptions} with the defaults filled in (`paddingId` is `null` when unset). */
export type ElmoSettings = {
  readonly vocabularySize: number;
  readonly size: number;
  readonly layers: number;
  readonly residual: boolean;
  readonly softmax: 'tied' | 'untied';
  readonly paddingId: number | null;
  readonly seed: number;
};

const positiveInteger = (caller: string, name: string, value: unknown): number => {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1) {
    throw new RangeError(`${caller}: ${name} must be a positive integer, got ${String(value)}.`);
  }
  return value;
};

/**
 * Validates {@link ElmoOptions} and fills in the defaults.
 *
 * @param caller the public function, for error messages.
 * @param options what the caller passed.
 * @returns the settings.
 * @throws a RangeError that names the bad option and its allowed values.
 * @example resolveElmoOptions('createElmo', { vocabularySize: 100 }).layers; // 2
 */
export function resolveElmoOptions(
  caller: string,
  options: ElmoOptions | (Omit<ElmoOptions, 'paddingId'> & { paddingId?: number | null }),
): ElmoSettings {
  if (typeof options !== 'object' || options === null) {
    throw new TypeError(`${caller}: pass an options object with at least { vocabularySize }.`);
  }
  const known = new Set([
    'vocabularySize',
    'size',
    'layers',
    'residual',
    'softmax',
    'paddingId',
    'seed',
  ]);
  const unknown = Object.keys(options).filter((key) => !known.has(key));
  if (unknown.length > 0) {
    throw new RangeError(
      `${caller}: unknown option(s) ${unknown.join(', ')}; allowed: ${[...known].join(', ')}.`,
    );
  }
  const vocabularySize = positiveInteger(caller, 'vocabularySize', options.vocabularySize);
  const size = positiveInteger(caller, 'size', options.size ?? 64);
  const layers = positiveInteger(caller, 'layers', options.layers ?? 2);
  const residual = options.residual ?? true;
  if (typeof residual !== 'boolean') {
    throw new RangeError(`${caller}: residual must be true or false, got ${String(residual)}.`);
  }
  const softmax = options.softmax ?? 'tied';
  if (softmax !== 'tied' && softmax !== 'untied') {
    throw new RangeError(`${caller}: softmax must be 'tied' or 'untied', got ${String(softmax)}.`);
  }
  const paddingId = options.paddingId ?? null;
  if (
    paddingId !== null &&
    (!Number.isInteger(paddingId) || paddingId < 0 || paddingId >= vocabularySize)
  ) {
    throw new RangeError(
      `${caller}: paddingId must be an integer id in [0, ${vocabularySize}), got ${String(paddingId)}; use the tokenizer's specialTokens.padding.`,
    );
  }
  const seed = options.seed ?? 0;
  if (!Number.isInteger(seed) || seed < 0) {
    throw new RangeError(`${caller}: seed must be a non-negative integer, got ${String(seed)}.`);
  }
  return { vocabularySize, size, layers, residual, softmax, paddingId, seed };
}
