import { initBackend } from '@selfsup/core';
import { expectNoTensorLeak } from '@selfsup/core/test';
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generate, streamGenerate } from './generate';
import { createGpt, type GptObjective } from './gpt';
import { advanceWindow, uncachedLogits } from './next-token-logits';
import { applyRepetitionPenalty, argMaxOfLogits } from './sampling-filters';

// A random tiny GPT. Its tied embeddings are scaled ×5 so that the logits are neither flat (init
// std 0.02 makes them almost uniform) nor dominated by repeating the last token (which a large
// scale gives a tied head): sampled sequences vary and greedy decoding repeats itself.
let gpt: GptObjective;
const prompt = [1, 2, 3];

describe('generate', () => {
  beforeAll(async () => {
    await initBackend({ backend: 'wasm', quiet: true });
    gpt = createGpt({
      vocabularySize: 13,
      blockSize: 8,
      layers: 2,
      heads: 2,
      embeddingSize: 16,
      seed: 11,
    });
    const embeddings = gpt.encoder.getTokenEmbeddings() as tf.Variable;
    tf.tidy(() => embeddings.assign(embeddings.mul(5)));
  });

  afterAll(() => gpt.dispose());

  it('KV-cached generation equals uncached generation token for token (also past blockSize)', async () => {
    for (const options of [
      { seed: 1 },
      { seed: 2, temperature: 0.7, topK: 5, contextShift: 1 },
      { seed: 3, topP: 0.8, repetitionPenalty: 1.3, contextShift: 8 },
      { temperature: 0, contextShift: 3 },
    ]) {
      const cached = await generate(gpt, prompt, { ...options, maxTokens: 14 });
      const uncached = await generate(gpt, prompt, { ...options, maxTokens: 14, useCache: false });
      expect(cached.ids).toHaveLength(14);
      expect(cached).toEqual(uncached);
    }
    // Different seeds give different samples.
    const first = await generate(gpt, prompt, { seed: 1, maxTokens: 14 });
    const second = await generate(gpt, prompt, { seed: 2, maxTokens: 14 });
    expect(first.ids).not.toEqual(second.ids);
  });

  it('applies the repetition penalty to prompt and generated tokens before picking', async () => {
    const greedy = await generate(gpt, prompt, {
      temperature: 0,
      maxTokens: 6,
      repetitionPenalty: 3,
    });
    const source = uncachedLogits(gpt, 2); // the default contextShift: blockSize / 4
    const context = [...prompt];
    for (const token of greedy.ids) {
      const expected = argMaxOfLogits(applyRepetitionPenalty(source.next(context), context, 3));
      expect(token).toBe(expected);
      context.push(token);
    }
    // A strong penalty makes greedy decoding avoid repeats that it makes without it.
    const plain = await generate(gpt, prompt, { temperature: 0, maxTokens: 12 });
    const penalized = await generate(gpt, prompt, {
      temperature: 0,
      maxTokens: 12,
      repetitionPenalty: 1e6,
    });
    const repeats = (ids: number[]) =>
      ids.length - new Set([...prompt, ...ids]).size + prompt.length;
    expect(repeats(penalized.ids)).toBeLessThan(repeats(plain.ids));
  });

  it('ends on a stop sequence without emitting it, and streams the same tokens', async () => {
    const full = await generate(gpt, prompt, { seed: 5, maxTokens: 20 });
    expect(full.finishReason).toBe('max-tokens');
    const stop = full.ids.slice(6, 8);
    const firstAt = full.ids.findIndex(
      (_, index) => full.ids[index] === stop[0] && full.ids[index + 1] === stop[1],
    );
    const stopped = await generate(gpt, prompt, { seed: 5, maxTokens: 20, stopSequences: [stop] });
    expect(stopped).toEqual({ ids: full.ids.slice(0, firstAt), finishReason: 'stop-sequence' });
    const streamed: number[] = [];
    for await (const id of streamGenerate(gpt, prompt, {
      seed: 5,
      maxTokens: 20,
      stopSequences: [stop],
    }))
      streamed.push(id);
    expect(streamed).toEqual(stopped.ids);
  });

  it('constrained decoding: only allowedTokens come next, cached or not, and allowing all changes nothing', async () => {
    // A grammar: odd ids after an even one and even ids after an odd one.
    const alternate = (context: readonly number[]) =>
      (context.at(-1) as number) % 2 === 0 ? [1, 3, 5, 7, 9, 11] : [0, 2, 4, 6, 8, 10, 12];
    for (const options of [
      { seed: 4 },
      { seed: 6, topK: 2, repetitionPenalty: 1.5 },
      { temperature: 0 },
    ]) {
      const free = await generate(gpt, prompt, { ...options, maxTokens: 16 });
      const constrained = await generate(gpt, prompt, {
        ...options,
        maxTokens: 16,
        allowedTokens: alternate,
      });
      const uncached = await generate(gpt, prompt, {
        ...options,
        maxTokens: 16,
        allowedTokens: alternate,
        useCache: false,
      });
      expect(constrained).toEqual(uncached);
      const sequence = [...prompt, ...constrained.ids];
      for (let index = prompt.length; index < sequence.length; index++) {
        expect((sequence[index] as number) % 2).not.toBe((sequence[index - 1] as number) % 2);
      }
      // The random model breaks the grammar on its own; allowing every id is no constraint.
      const freeSequence = [...prompt, ...free.ids];
      expect(
        freeSequence.some(
          (id, index) =>
            index >= prompt.length && id % 2 === (freeSequence[index - 1] as number) % 2,
        ),
      ).toBe(true);
      const everything = Array.from({ length: 13 }, (_, id) => id);
      expect(
        await generate(gpt, prompt, { ...options, maxTokens: 16, allowedTokens: () => everything }),
      ).toEqual(free);
      expect(
        await generate(gpt, prompt, { ...options, maxTokens: 16, allowedTokens: () => undefined }),
      ).toEqual(free);
    }
    // One allowed id is forced, whatever the model prefers.
    const forced = await generate(gpt, prompt, { seed: 1, maxTokens: 5, allowedTokens: () => [7] });
    expect(forced.ids).toEqual([7, 7, 7, 7, 7]);
    await expect(generate(gpt, prompt, { allowedTokens: () => [] })).rejects.toThrow(
      /at least one id/,
    );
    await expect(generate(gpt, prompt, { allowedTokens: () => [13] })).rejects.toThrow(
      /outside the vocabulary/,
    );
  });

  it('leaks no tensor when generating, streaming, breaking out early or aborting', async () => {
    await generate(gpt, prompt, { maxTokens: 2 }); // warm-up: builds each block's causal masks
    await expectNoTensorLeak(async () => {
      await generate(gpt, prompt, { seed: 1, maxTokens: 12, topK: 3 });
      await generate(gpt, prompt, { seed: 1, maxTokens: 12, useCache: false });
      let count = 0;
      for await (const _ of streamGenerate(gpt, prompt, { seed: 1, maxTokens: 12 })) {
        if (++count === 3) break;
      }
      const controller = new AbortController();
      controller.abort();
      const aborted = await generate(gpt, prompt, { maxTokens: 5, signal: controller.signal });
      expect(aborted).toEqual({ ids: [], finishReason: 'aborted' });
    });
  });

  it('advances the context window by contextShift once the sequence outgrows blockSize', () => {
    expect(advanceWindow(0, 64, 64, 16)).toBe(0);
    expect(advanceWindow(0, 65, 64, 16)).toBe(16);
    expect(advanceWindow(16, 80, 64, 16)).toBe(16);
    expect(advanceWindow(16, 81, 64, 16)).toBe(32);
    expect(advanceWindow(0, 200, 64, 1)).toBe(136); // nanoGPT's crop: the last 64 tokens
    expect(advanceWindow(0, 200, 64, 16)).toBe(144);
  });

  it('refuses bad prompts and options with the fix', async () => {
    await expect(generate(gpt, [], {})).rejects.toThrow(/prompt is empty/);
    await expect(generate(gpt, [13], {})).rejects.toThrow(/outside the vocabulary/);
    await expect(generate(gpt, prompt, { topP: 1.5 })).rejects.toThrow(/topP/);
    await expect(generate(gpt, prompt, { contextShift: 9 })).rejects.toThrow(/contextShift/);
    expect(() => streamGenerate(gpt, prompt, { stopSequences: [[]] })).toThrow(
      /stopSequences\[0\]/,
    );
  });
});
