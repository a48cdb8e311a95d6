/** Options of `generate` and `streamGenerate`. Every field is optional. */
export type GenerateOptions = {
  /** Tokens to generate at most (a completed stop sequence counts). @default 100 */
  readonly maxTokens?: number;
  /** Softmax temperature; `0` is greedy decoding (arg-max, no randomness). @default 1 */
  readonly temperature?: number;
  /** Sample only among the k most likely tokens (Fan et al. 2018). @default every token */
  readonly topK?: number;
  /** Sample only in the nucleus of probability mass p (Holtzman et al. 2020). @default 1 (every token) */
  readonly topP?: number;
  /**
   * CTRL's repetition penalty θ (Keskar et al. 2019) on every token of the prompt and of the
   * generated tokens: positive logits divided by θ, negative ones multiplied. @default 1 (none)
   */
  readonly repetitionPenalty?: number;
  /**
   * Token-id sequences that end generation. A stop sequence is matched in the generated tokens
   * only and is not emitted (nor returned). @default none
   */
  readonly stopSequences?: readonly (readonly number[])[];
  /** Seed of the sampling stream (core's `SeededRandom`). @default 0 */
  readonly seed?: number;
  /**
   * Keep the attention keys/values of past positions (a KV cache) so that each new token costs one
   * position, not the whole prefix. Results equal `useCache: false` token for token. @default true
   */
  readonly useCache?: boolean;
  /**
   * When prompt and generated tokens outgrow the model's `blockSize`, the context window advances
   * by this many tokens at a time, so the model sees the last `blockSize − contextShift + 1` to
   * `blockSize` tokens. With the cache, each advance re-encodes the window once (learned absolute
   * positions cannot be shifted in a cache); `1` is nanoGPT's crop to the last `blockSize` tokens
   * (with the cache, then, every token past `blockSize` re-encodes the whole window).
   * @default max(1, floor(blockSize / 4))
   */
  readonly contextShift?: number;
  /** Stops generation before the next token (finish reason `'aborted'`). */
  readonly signal?: AbortSignal;
  /**
   * Constrained decoding: the token ids allowed next, given the context so far (the prompt, then
   * the generated ids), as Hugging Face's `prefix_allowed_tokens_fn`. Every other token's logit
   * becomes `-Infinity` before the repetition penalty, temperature and filters, so a sequence
   * that must follow a grammar (e.g. alternating token kinds) never leaves it. Return
   * `undefined` to allow every token. @default every token
   */
  readonly allowedTokens?: (context: readonly number[]) => ArrayLike<number> | undefined;
};

/** {@link GenerateOptions} with the defaults filled in. */
export type GenerateSettings = {
  readonly maxTokens: number;
  readonly temperature: number;
  readonly topK: number | undefined;
  readonly topP: number;
  readonly repetitionPenalty: number;
  readonly stopSequences: readonly (readonly number[])[];
  readonly seed: number;
  readonly useCache: boolean;
  readonly contextShift: number;
  readonly signal: AbortSignal | undefined;
  readonly allowedTokens:
    | ((context: readonly number[]) => ArrayLike<number> | undefined)
    | undefined;
};

/** Why generation ended. */
export type GenerateFinishReason = 'max-tokens' | 'stop-sequence' | 'aborted';

/** What `generate` returns. */
export type GenerateResult = {
  /** The generated token ids (the prompt and any stop sequence left out). */
  readonly ids: number[];
  /** Why generation ended. */
  readonly finishReason: GenerateFinishReason;
};

function checkIds(what: string, ids: readonly number[], vocabularySize: number): void {
  for (const id of ids) {
    if (!Number.isInteger(id) || id < 0 || id >= vocabularySize) {
      throw new RangeError(
        `${what} holds token id ${id}, outside the vocabulary [0, ${vocabularySize}); encode text with the model's tokenizer.`,
      );
    }
  }
}

/**
 * Validates generation options and fills in the defaults.
 *
 * @param options what the caller passed
 * @param vocabularySize the model's vocabulary size (stop-sequence ids must be below it)
 * @param blockSize the model's context length (bounds `contextShift`)
 * @returns the settings
 * @example resolveGenerateOptions({ temperature: 0 }, 65, 64).maxTokens; // 100
 */
export function resolveGenerateOptions(
  options: GenerateOptions,
  vocabularySize: number,
  blockSize: number,
): GenerateSettings {
  const {
    maxTokens = 100,
    temperature = 1,
    topK,
    topP = 1,
    repetitionPenalty = 1,
    stopSequences = [],
    seed = 0,
    useCache = true,
    contextShift = Math.max(1, Math.floor(blockSize / 4)),
    signal,
    allowedTokens,
  } = options;
  if (!Number.isInteger(contextShift) || contextShift < 1 || contextShift > blockSize) {
    throw new RangeError(
      `generate: contextShift must be an integer in [1, blockSize = ${blockSize}], got ${contextShift}.`,
    );
  }
  if (!Number.isInteger(maxTokens) || maxTokens < 1) {
    throw new RangeError(`generate: maxTokens must be a positive integer, got ${maxTokens}.`);
  }
  if (!(temperature >= 0) || !Number.isFinite(temperature)) {
    throw new RangeError(
      `generate: temperature must be a finite number ≥ 0 (0 = greedy), got ${temperature}.`,
    );
  }
  if (topK !== undefined && (!Number.isInteger(topK) || topK < 1)) {
    throw new RangeError(
      `generate: topK must be a positive integer, got ${topK}; omit it to keep every token.`,
    );
  }
  if (!(topP > 0 && topP <= 1)) {
    throw new RangeError(`generate: topP must be in (0, 1], got ${topP}.`);
  }
  if (!(repetitionPenalty > 0) || !Number.isFinite(repetitionPenalty)) {
    throw new RangeError(
      `generate: repetitionPenalty must be a finite number > 0 (1 = none, CTRL uses 1.2), got ${repetitionPenalty}.`,
    );
  }
  if (!Number.isInteger(seed))
    throw new RangeError(`generate: seed must be an integer, got ${seed}.`);
  if (allowedTokens !== undefined && typeof allowedTokens !== 'function') {
    throw new TypeError(
      'generate: allowedTokens must be a function from the context ids to the allowed next ids.',
    );
  }
  stopSequences.forEach((sequence, index) => {
    if (!Array.isArray(sequence) || sequence.length === 0) {
      throw new RangeError(
        `generate: stopSequences[${index}] must be a non-empty array of token ids (encode the stop text with the tokenizer).`,
      );
    }
    checkIds(`generate: stopSequences[${index}]`, sequence, vocabularySize);
  });
  return {
    maxTokens,
    temperature,
    topK,
    topP,
    repetitionPenalty,
    stopSequences,
    seed,
    useCache,
    contextShift,
    signal,
    allowedTokens,
  };
}

/**
 * Checks a prompt: at least one token id, every id in `[0, V)`.
 *
 * @param promptIds the prompt
 * @param vocabularySize V
 * @returns the prompt as a plain array
 * @example checkPrompt(new Int32Array([1, 2]), 65); // [1, 2]
 */
export function checkPrompt(
  promptIds: readonly number[] | Int32Array | Uint16Array,
  vocabularySize: number,
): number[] {
  const prompt = Array.from(promptIds);
  if (prompt.length === 0) {
    throw new RangeError(
      'generate: the prompt is empty; give at least one token id (e.g. a newline, or the tokenizer’s start token).',
    );
  }
  checkIds('generate: the prompt', prompt, vocabularySize);
  return prompt;
}
