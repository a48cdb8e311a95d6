import { createGpt, generate } from '@selfsup/autoregressive';
import { SeededRandom } from '@selfsup/core';
import { gptGenerationFlops } from '../flops/inference-flops';
import type { Workload, WorkloadStep } from './workload';

/** The configuration of the GPT generation workloads. */
export type GenerateWorkloadConfig = {
  /** Vocabulary V. */
  readonly vocabularySize: number;
  /** Context length (learned positions). */
  readonly blockSize: number;
  /** Blocks, heads and width. */
  readonly layers: number;
  readonly heads: number;
  readonly dimensions: number;
  /** Prompt tokens P (seeded random ids). */
  readonly promptLength: number;
  /** Tokens generated per step G (P + G ≤ blockSize: no window shift). */
  readonly tokens: number;
  /** Sampling temperature (1: plain sampling from the softmax, seeded). */
  readonly temperature: number;
};

/**
 * The generation workloads (issue 10): the GPT workload's model (nanoGPT's CPU configuration,
 * vocab 65, block 64, 4 layers, 4 heads, 128 dims, untrained, seeded), a 16-token prompt,
 * 48 tokens sampled at temperature 1 with a fixed seed (prompt + generated = the block: the
 * context window never shifts); one sequence, as interactive generation.
 */
export const generateBenchConfig: GenerateWorkloadConfig = {
  vocabularySize: 65,
  blockSize: 64,
  layers: 4,
  heads: 4,
  dimensions: 128,
  promptLength: 16,
  tokens: 48,
  temperature: 1,
};

/**
 * Builds a live generation step: `createGpt` + `generate` of `@selfsup/autoregressive` (with or
 * without its KV cache, core's `TransformerCache`); a step generates `tokens` tokens after the
 * fixed prompt and returns how many it generated.
 *
 * @param seed seeds the weights, the prompt and the sampling.
 * @param useCache generate with the KV cache.
 * @param config the workload configuration.
 * @default config {@link generateBenchConfig}
 * @returns a {@link WorkloadStep} (inference: `step()` resolves to the tokens generated).
 * @example const step = createGenerateStep(0, true); await step.step(); step.dispose();
 */
export function createGenerateStep(
  seed: number,
  useCache: boolean,
  config: GenerateWorkloadConfig = generateBenchConfig,
): WorkloadStep {
  if (config.promptLength + config.tokens > config.blockSize) {
    throw new RangeError(
      `generation workload: prompt (${config.promptLength}) + tokens (${config.tokens}) exceed the block size ${config.blockSize}; shorten them.`,
    );
  }
  const gpt = createGpt({
    vocabularySize: config.vocabularySize,
    blockSize: config.blockSize,
    layers: config.layers,
    heads: config.heads,
    embeddingSize: config.dimensions,
    seed,
  });
  const random = new SeededRandom(seed);
  const prompt = Array.from({ length: config.promptLength }, () =>
    random.nextInt(config.vocabularySize),
  );
  return {
    parameterCount: gpt.encoder.model.countParams(),
    async step(): Promise<number> {
      const { ids } = await generate(gpt, prompt, {
        maxTokens: config.tokens,
        temperature: config.temperature,
        seed,
        useCache,
      });
      return ids.length;
    },
    dispose(): void {
      gpt.dispose();
    },
  };
}

function generateWorkload(useCache: boolean): Workload {
  const { layers, dimensions, vocabularySize, promptLength, tokens } = generateBenchConfig;
  return {
    name: useCache ? 'generate' : 'generate-no-cache',
    kind: 'inference',
    description: `GPT generation ${useCache ? 'with' : 'without'} the KV cache: nanoGPT CPU model (4L/4H/128d, vocab 65), prompt 16, 48 tokens sampled, 1 sequence`,
    unit: 'tokens',
    unitsPerStep: tokens,
    flopsPerStep: gptGenerationFlops(
      { layers, dimensions, vocabularySize },
      promptLength,
      tokens,
      useCache,
    ),
    createStep: (seed) => createGenerateStep(seed, useCache),
  };
}

/** GPT generation with the KV cache (`generate`'s default), tokens/s. */
export const generateCachedWorkload: Workload = generateWorkload(true);

/** GPT generation without the KV cache (every token re-encodes the context), tokens/s. */
export const generateUncachedWorkload: Workload = generateWorkload(false);
