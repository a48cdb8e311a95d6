import { SeededRandom } from '@selfsup/core';
import {
  checkPrompt,
  type GenerateFinishReason,
  type GenerateOptions,
  type GenerateResult,
  type GenerateSettings,
  resolveGenerateOptions,
} from './generate-options';
import { cachedLogits, type GptLanguageModel, uncachedLogits } from './next-token-logits';
import {
  applyRepetitionPenalty,
  argMaxOfLogits,
  filterTopK,
  filterTopP,
  keepAllowedTokens,
  sampleFromProbabilities,
  softmaxOfLogits,
} from './sampling-filters';
import { StopSequenceMatcher } from './stop-sequence-matcher';

/** A prompt: token ids. */
export type PromptIds = readonly number[] | Int32Array | Uint16Array;

/**
 * Picks the next token from one row of logits: the allowed tokens, repetition penalty, then greedy arg-max
 * (temperature 0) or temperature → top-k → top-p → softmax → one seeded draw (the order of
 * Hugging Face's processors and warpers).
 */
function pickToken(
  logits: Float32Array,
  context: readonly number[],
  settings: GenerateSettings,
  random: SeededRandom,
): number {
  const allowed = settings.allowedTokens?.(context);
  let row = allowed === undefined ? logits : keepAllowedTokens(logits, allowed);
  if (settings.repetitionPenalty !== 1)
    row = applyRepetitionPenalty(row, context, settings.repetitionPenalty);
  if (settings.temperature === 0) return argMaxOfLogits(row);
  if (settings.temperature !== 1) row = row.map((value) => value / settings.temperature);
  if (settings.topK !== undefined) row = filterTopK(row, settings.topK);
  if (settings.topP < 1) row = filterTopP(row, settings.topP);
  return sampleFromProbabilities(softmaxOfLogits(row), random.nextFloat());
}

/** Generates tokens one by one, yielding those safe to emit; returns why it stopped. */
function* decodeTokens(
  model: GptLanguageModel,
  prompt: number[],
  settings: GenerateSettings,
): Generator<number, GenerateFinishReason> {
  const random = new SeededRandom(settings.seed);
  const matcher = new StopSequenceMatcher(settings.stopSequences);
  const source = settings.useCache
    ? cachedLogits(model, settings.contextShift)
    : uncachedLogits(model, settings.contextShift);
  const context = [...prompt];
  try {
    for (let generated = 0; generated < settings.maxTokens; generated++) {
      if (settings.signal?.aborted === true) {
        yield* matcher.flush();
        return 'aborted';
      }
      const token = pickToken(source.next(context), context, settings, random);
      context.push(token);
      const step = matcher.push(token);
      yield* step.emit;
      if (step.stopped) return 'stop-sequence';
    }
    yield* matcher.flush();
    return 'max-tokens';
  } finally {
    source.dispose();
  }
}

function yieldToEventLoop(): Promise<void> {
  return new Promise((resolve) => {
    if (typeof setImmediate === 'function') setImmediate(resolve);
    else setTimeout(resolve, 0);
  });
}

/**
 * Generates a continuation of a prompt with a GPT (autoregressive sampling, Radford et al. 2019),
 * token by token with a KV cache.
 *
 * Each step takes the next-token logits of the context window (the whole sequence while it fits
 * in `blockSize`, then a window that advances by `contextShift` tokens), keeps only the
 * `allowedTokens` of the context if that constraint is given, applies CTRL's repetition
 * penalty to every token already in the prompt or generated (positive logits ÷ θ, negative × θ),
 * then decodes greedily (`temperature: 0`) or samples from softmaxOfLogits(logits / temperature) after the
 * top-k and top-p filters, with one draw of core's `SeededRandom(seed)` per token. Generation ends
 * after `maxTokens` tokens, on a stop sequence (matched in the generated tokens, not emitted), or
 * when `signal` aborts. The cached path (default) gives the same tokens as `useCache: false` for the
 * same seed. Deterministic for a given backend, model and seed.
 *
 * @param model a GPT from `createGpt` (or anything with its `encoder` and `logitsOfFeatures`)
 * @param promptIds the prompt's token ids (at least one)
 * @param options sampling, stopping, seed and cache; see {@link GenerateOptions}
 * @returns the generated ids (prompt and stop sequence excluded) and the finish reason
 * @example
 * const { ids } = await generate(gpt, tokenizer.encode('Call me'), {
 *   maxTokens: 200, temperature: 0.8, topK: 40, stopSequences: [tokenizer.encode('\n\n')], seed: 7,
 * });
 * console.log(tokenizer.decode(ids));
 */
export async function generate(
  model: GptLanguageModel,
  promptIds: PromptIds,
  options: GenerateOptions = {},
): Promise<GenerateResult> {
  const settings = resolveGenerateOptions(
    options,
    model.encoder.vocabularySize,
    model.encoder.maxLength,
  );
  const prompt = checkPrompt(promptIds, model.encoder.vocabularySize);
  const tokens = decodeTokens(model, prompt, settings);
  const ids: number[] = [];
  for (;;) {
    const next = tokens.next();
    if (next.done === true) return { ids, finishReason: next.value };
    ids.push(next.value);
  }
}

/**
 * Streams a continuation of a prompt token by token, as an async iterator: the same tokens as
 * {@link generate} with the same options, each yielded as soon as it is safe (tokens that could
 * begin a stop sequence are held back until they cannot), with a turn of the event loop between
 * tokens so a UI or server stays responsive.
 *
 * Breaking out of the loop stops generation and frees the KV cache. The generator's return value
 * (seen by calling `next()` by hand) is the finish reason. Options are checked at the call.
 *
 * @param model a GPT from `createGpt`
 * @param promptIds the prompt's token ids (at least one)
 * @param options see {@link GenerateOptions}
 * @returns an async generator of token ids
 * @example
 * for await (const id of streamGenerate(gpt, promptIds, { maxTokens: 100, seed: 1 })) {
 *   process.stdout.write(tokenizer.decode([id]));
 * }
 */
export function streamGenerate(
  model: GptLanguageModel,
  promptIds: PromptIds,
  options: GenerateOptions = {},
): AsyncGenerator<number, GenerateFinishReason> {
  const settings = resolveGenerateOptions(
    options,
    model.encoder.vocabularySize,
    model.encoder.maxLength,
  );
  const prompt = checkPrompt(promptIds, model.encoder.vocabularySize);
  return (async function* stream(): AsyncGenerator<number, GenerateFinishReason> {
    const tokens = decodeTokens(model, prompt, settings);
    try {
      for (;;) {
        const next = tokens.next();
        if (next.done === true) return next.value;
        yield next.value;
        await yieldToEventLoop();
      }
    } finally {
      tokens.return('aborted');
    }
  })();
}
