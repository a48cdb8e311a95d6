import type { ObjectiveV1 } from '@selfsup/core';
import { z } from 'zod';
import { UsageError } from '../commands/parse-flags';
import type { MethodDefinition } from './method-definition';
import { textEncoderFactories } from './text-encoders';
import { prepareTokenData } from './text-method-data';

/**
 * `selfsup pretrain elmo`: an ELMo-style biLM (Peters et al. 2018): forward and backward LSTM
 * language models over WordPiece tokens of a text dataset (SOTU by default), sharing the token
 * embedding and a tied softmax; the encoder's features are the learned scalar mix of its layers.
 * Defaults from the package's example: windows of 64 tokens, batch 32, learning rate 3e-3,
 * gradients clipped at 5; LSTMs of 64 units (the package default is 128) for CPU runs.
 */
export const elmoMethod: MethodDefinition = {
  name: 'elmo',
  objectiveMethod: 'elmo',
  modality: 'text',
  description: 'ELMo: forward and backward LSTM language models, features mixed across layers',
  paper: 'Peters et al. 2018',
  defaultData: 'sotu',
  defaultEncoder: 'elmo',
  defaultEncoderOptions: { size: 64 },
  defaultBatchSize: 32,
  defaultLearningRate: 3e-3,
  dataParallel: {
    kind: 'exact',
    note: 'forward and backward next-token cross-entropy averaged over the tokens of full windows, no batch coupling',
  },
  clipNorm: 5,
  optionsSchema: z.strictObject({
    /** Tokens per training window. */
    sequenceLength: z.number().int().min(2).max(512).optional(),
    /** WordPiece vocabulary size of the tokenizer learned from the data. */
    vocabularySize: z.number().int().min(50).optional(),
  }),
  encoderFactories: () => textEncoderFactories('elmo'),
  prepareData: async (request) => {
    const { tokenWindowSource } = await import('@selfsup/data');
    const sequenceLength = (request.options?.sequenceLength as number | undefined) ?? 64;
    return prepareTokenData(
      {
        data: request.data,
        limit: request.limit,
        sequenceLength,
        tokenizer: 'word-piece',
        vocabularySize: (request.options?.vocabularySize as number | undefined) ?? 2000,
      },
      'elmo',
      (ids) => tokenWindowSource(ids, { blockSize: sequenceLength, batchSize: request.batchSize }),
    );
  },
  createObjective: async ({ encoder }) => {
    const { createElmoObjective, ElmoBiLm } = await import('@selfsup/autoregressive');
    if (!(encoder instanceof ElmoBiLm)) {
      throw new UsageError(
        `elmo trains its own biLM, got encoder '${encoder.type}': leave --encoder out (sizes with --encoder-options '{"size":128,"layers":2}').`,
      );
    }
    return createElmoObjective({ elmo: encoder }) as unknown as ObjectiveV1<unknown>;
  },
};
