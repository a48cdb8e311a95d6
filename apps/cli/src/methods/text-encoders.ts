import type { EncoderConfigV1, EncoderFactory, TokenizerV1 } from '@selfsup/core';
import { UsageError } from '../commands/parse-flags';

/**
 * The encoder options a text method's data fixes: the sequence length, and the tokenizer's
 * vocabulary size and padding id, which only the data knows. `selfsup pretrain` merges them over
 * the run's `encoderOptions` (`MethodData.encoderOptions`); the factories of
 * {@link textEncoderFactories} read them. The encoders they build are core's `'transformer'` (or
 * ELMo's own type), so checkpoints record and reload the real configuration.
 *
 * @param sequenceLength tokens per sequence.
 * @param tokenizer the run's tokenizer.
 * @returns `{ sequenceLength, vocabularySize, paddingId }`.
 * @example textEncoderOptions(64, tokenizer); // { sequenceLength: 64, vocabularySize: 2000, paddingId: 0 }
 */
export function textEncoderOptions(
  sequenceLength: number,
  tokenizer: TokenizerV1,
): { sequenceLength: number; vocabularySize: number; paddingId: number } {
  return {
    sequenceLength,
    vocabularySize: tokenizer.vocabularySize,
    paddingId: tokenizer.specialTokens.padding ?? 0,
  };
}

function readTextOptions(config: EncoderConfigV1, type: string) {
  const {
    type: _type,
    inputShape: _inputShape,
    sequenceLength,
    vocabularySize,
    paddingId,
    ...options
  } = config as EncoderConfigV1 & {
    inputShape?: unknown;
    sequenceLength?: unknown;
    vocabularySize?: unknown;
    paddingId?: unknown;
  };
  if (typeof sequenceLength !== 'number' || typeof vocabularySize !== 'number') {
    throw new UsageError(
      `The '${type}' encoder is for text methods (bert, gpt, elmo): use it with \`selfsup pretrain ${type}\`.`,
    );
  }
  return {
    sequenceLength,
    vocabularySize,
    paddingId: typeof paddingId === 'number' ? paddingId : 0,
    options,
  };
}

/**
 * The CLI's text encoder types: `'bert'` (BERT's bidirectional Transformer, `createBertEncoder`)
 * `'gpt'` (GPT's causal Transformer with its initialisation and frozen biases, the encoder of
 * `createGpt`) or `'elmo'` (ELMo's biLSTM language model, `createElmo`, its own type). Their `create` takes the run's `encoderOptions` plus the {@link textEncoderOptions}; the
 * encoders they build are core Transformer encoders, which core reloads without these factories.
 *
 * @param kind which type.
 * @returns the factory by type.
 * @example const encoders = await textEncoderFactories('bert');
 */
export async function textEncoderFactories(
  kind: 'bert' | 'gpt' | 'elmo',
): Promise<Readonly<Record<string, EncoderFactory>>> {
  const core = await import('@selfsup/core');
  if (kind === 'bert') {
    // A BERT checkpoint's MLM head is a custom layer: register it so that compare, finetune and
    // embed can open the checkpoint.
    const { registerBertLayers } = await import('@selfsup/masked-prediction');
    registerBertLayers();
  }
  if (kind === 'elmo') {
    const { ElmoBiLm, elmoEncoderType, registerElmoLayers } = await import(
      '@selfsup/autoregressive'
    );
    registerElmoLayers();
    return {
      [elmoEncoderType]: {
        create: (config) => {
          if (!('sequenceLength' in config)) {
            // A saved config (reloading): the vocabulary is in it.
            const { type: _type, ...saved } = config;
            return ElmoBiLm.create(saved as never);
          }
          const { vocabularySize, paddingId, options } = readTextOptions(config, 'elmo');
          return ElmoBiLm.create({ ...options, vocabularySize, paddingId } as never);
        },
        fromModel: (model, config) => ElmoBiLm.fromModel(model, config),
      },
    };
  }
  const transformer = core.builtInEncoders.transformer as EncoderFactory;
  if (kind === 'bert') {
    const { createBertEncoder } = await import('@selfsup/masked-prediction');
    return {
      bert: {
        create: (config) => {
          const { sequenceLength, vocabularySize, paddingId, options } = readTextOptions(
            config,
            'bert',
          );
          return createBertEncoder({
            ...options,
            maxLength: sequenceLength,
            vocabularySize,
            paddingId,
          });
        },
        fromModel: transformer.fromModel,
      },
    };
  }
  const { createGpt } = await import('@selfsup/autoregressive');
  return {
    gpt: {
      create: (config) => {
        const { sequenceLength, vocabularySize, options } = readTextOptions(config, 'gpt');
        // GPT's tied output has no weights of its own: the objective built here holds only the encoder.
        return createGpt({ ...options, blockSize: sequenceLength, vocabularySize }).encoder;
      },
      fromModel: transformer.fromModel,
    },
  };
}
