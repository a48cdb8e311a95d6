import { join } from 'node:path';
import type { ObjectiveV1, TokenizerV1, TransformerEncoder } from '@selfsup/core';
import { z } from 'zod';
import { UsageError } from '../commands/parse-flags';
import type { MethodDefinition } from './method-definition';
import { textEncoderFactories } from './text-encoders';
import { prepareTokenData, TEXT_TOKENIZER_FILE } from './text-method-data';

/**
 * `selfsup pretrain bert`: BERT masked language modelling (Devlin et al. 2019) on a text dataset:
 * a WordPiece tokenizer (vocabulary 2,000 by default) learned from the training documents, then
 * `[CLS] window [SEP]` sequences of 64 tokens, 15% of tokens selected (80/10/10). The encoder is a
 * small BERT (2 layers of 64 dimensions, 2 heads by default, the package's BERT-mini is 4 × 128)
 * so that a CPU run shows the effect; batch 16, learning rate 1e-3, gradients clipped at 1.
 */
export const bertMethod: MethodDefinition = {
  name: 'bert',
  objectiveMethod: 'bert-mlm',
  modality: 'text',
  description: 'BERT: predict masked tokens from both sides (masked language model)',
  paper: 'Devlin, Chang, Lee & Toutanova 2019',
  defaultData: 'sotu',
  defaultEncoder: 'bert',
  defaultEncoderOptions: { embeddingSize: 64, layers: 2, heads: 2 },
  defaultBatchSize: 16,
  defaultLearningRate: 1e-3,
  dataParallel: {
    kind: 'in-distribution',
    note: 'the masked-token loss is a mean over the masked tokens of each shard (their count varies) and each shard draws its masks from the step seed, so it matches one worker in distribution',
    workerExtra: async (runDirectory) => {
      const { loadTokenizer } = await import('@selfsup/data');
      return { tokenizer: loadTokenizer(join(runDirectory, TEXT_TOKENIZER_FILE)) };
    },
  },
  clipNorm: 1,
  optionsSchema: z.strictObject({
    /** Tokens per sequence, [CLS] and [SEP] included. */
    sequenceLength: z.number().int().min(4).max(512).optional(),
    /** WordPiece vocabulary size of the tokenizer learned from the data. */
    vocabularySize: z.number().int().min(50).optional(),
    selectProbability: z.number().gt(0).lt(1).optional(),
  }),
  encoderFactories: () => textEncoderFactories('bert'),
  prepareData: async (request) => {
    const { bertSequenceSource } = await import('@selfsup/masked-prediction');
    return prepareTokenData(
      {
        data: request.data,
        limit: request.limit,
        sequenceLength: (request.options?.sequenceLength as number | undefined) ?? 64,
        tokenizer: 'word-piece',
        vocabularySize: (request.options?.vocabularySize as number | undefined) ?? 2000,
      },
      'bert',
      (ids, tokenizer) =>
        bertSequenceSource(ids, {
          sequenceLength: (request.options?.sequenceLength as number | undefined) ?? 64,
          batchSize: request.batchSize,
          specialTokens: tokenizer.specialTokens,
        }),
    );
  },
  createObjective: async ({ encoder, data, seed, options }) => {
    const { createBert } = await import('@selfsup/masked-prediction');
    if (encoder.type !== 'transformer' || (encoder as TransformerEncoder).settings.causal) {
      throw new UsageError(
        `bert trains a bidirectional Transformer, got '${encoder.type}': leave --encoder out (set sizes with --encoder-options '{"layers":4,"embeddingSize":128}').`,
      );
    }
    const tokenizer = data.extra?.tokenizer as TokenizerV1;
    return createBert({
      encoder: encoder as TransformerEncoder,
      specialTokens: tokenizer.specialTokens,
      seed,
      ...(options.selectProbability === undefined
        ? {}
        : { selectProbability: options.selectProbability as number }),
    }) as unknown as ObjectiveV1<unknown>;
  },
};
