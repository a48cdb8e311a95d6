import type { ObjectiveV1, TransformerEncoder } from '@selfsup/core';
import { z } from 'zod';
import { UsageError } from '../commands/parse-flags';
import type { MethodDefinition } from './method-definition';
import { textEncoderFactories } from './text-encoders';
import { prepareTokenData } from './text-method-data';

/**
 * `selfsup pretrain gpt`: a GPT causal Transformer language model (Radford et al. 2018; GPT-2's
 * pre-LN blocks) over the characters of a text dataset (Moby Dick by default), next-token
 * cross-entropy with the output tied to the token embeddings. nanoGPT's CPU character recipe
 * (Karpathy 2022): 4 layers, 4 heads, 128 dimensions, blocks of 64, batch 12, learning rate 1e-3,
 * gradients clipped at 1.
 */
export const gptMethod: MethodDefinition = {
  name: 'gpt',
  objectiveMethod: 'gpt',
  modality: 'text',
  description: 'GPT: predict the next character (causal Transformer language model)',
  paper: 'Radford, Narasimhan, Salimans & Sutskever 2018',
  defaultData: 'moby-dick',
  defaultEncoder: 'gpt',
  defaultEncoderOptions: {},
  defaultBatchSize: 12,
  defaultLearningRate: 1e-3,
  dataParallel: {
    kind: 'exact',
    note: 'next-token cross-entropy averaged over the tokens of full windows (as many per window), no batch coupling; with encoderOptions.dropout > 0 (default 0) each shard draws its own masks, equal in distribution only',
  },
  clipNorm: 1,
  optionsSchema: z.strictObject({
    /** Tokens of context per window (the model's block size). */
    blockSize: z.number().int().min(2).max(1024).optional(),
  }),
  encoderFactories: () => textEncoderFactories('gpt'),
  prepareData: async (request) => {
    const { tokenWindowSource } = await import('@selfsup/data');
    const blockSize = (request.options?.blockSize as number | undefined) ?? 64;
    return prepareTokenData(
      {
        data: request.data,
        limit: request.limit,
        sequenceLength: blockSize,
        tokenizer: 'character',
        vocabularySize: 0,
      },
      'gpt',
      (ids) => tokenWindowSource(ids, { blockSize, batchSize: request.batchSize }),
    );
  },
  createObjective: async ({ encoder }) => {
    const { createGpt } = await import('@selfsup/autoregressive');
    if (encoder.type !== 'transformer' || !(encoder as TransformerEncoder).settings.causal) {
      throw new UsageError(
        `gpt trains a causal Transformer, got '${encoder.type}': leave --encoder out (set sizes with --encoder-options '{"layers":4,"embeddingSize":128,"heads":4}').`,
      );
    }
    return createGpt({ encoder: encoder as TransformerEncoder }) as unknown as ObjectiveV1<unknown>;
  },
};
