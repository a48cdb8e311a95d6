import type { EncoderConfigV1, EncoderFactory, TokenizerV1 } from '@selfsup/core';
import { UsageError } from '../commands/parse-flags';

/**
 * The "input shape" a text method's data gives its encoder: `[sequenceLength, vocabularySize,
 * paddingId]`. `selfsup pretrain` builds every encoder from the data's input shape and the run's
 * `encoderOptions`; a text encoder also needs the tokenizer's vocabulary size and padding id,
 * which only the data knows, so they travel in the shape. The factories of
 * {@link textEncoderFactories} read them back; the encoders they build are core's `'transformer'`
 * (or ELMo's own type), so checkpoints record and reload the real configuration.
 *
 * @param sequenceLength tokens per sequence.
 * @param tokenizer the run's tokenizer.
 * @returns the shape.
 * @example textInputShape(64, tokenizer); // [64, 2000, 0]
 */
export function textInputShape(sequenceLength: number, tokenizer: TokenizerV1): number[] {
  return [sequenceLength, tokenizer.vocabularySize, tokenizer.specialTokens.padding ?? 0];
}

/** The sequence length, vocabulary size and padding id of a config built by `selfsup pretrain`. */
function readTextShape(config: EncoderConfigV1, type: string) {
  const {
    type: _type,
    inputShape,
    ...options
  } = config as EncoderConfigV1 & {
    inputShape?: unknown;
  };
  if (!Array.isArray(inputShape) || inputShape.length !== 3) {
    throw new UsageError(
      `The '${type}' encoder is for text methods (bert, gpt, elmo): use it with \`selfsup pretrain ${type}\`.`,
    );
  }
  const [sequenceLength, vocabularySize, paddingId] = inputShape as [number, number, number];
  return { sequenceLength, vocabularySize, paddingId, options };
}

/**
 * The CLI's text encoder types: `'bert'` (BERT's bidirectional Transformer, `createBertEncoder`)
 * `'gpt'` (GPT's causal Transformer with its initialisation and frozen biases, the encoder of
 * `createGpt`) or `'elmo'` (ELMo's biLSTM language model, `createElmo`, its own type). Their `create` takes the run's `encoderOptions` plus the {@link textInputShape}; the
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
  if (kind === 'elmo') {
    const { ElmoBiLm, elmoEncoderType, registerElmoLayers } = await import(
      '@selfsup/autoregressive'
    );
    registerElmoLayers();
    return {
      [elmoEncoderType]: {
        create: (config) => {
          const { inputShape } = config as { inputShape?: unknown };
          if (!Array.isArray(inputShape)) {
            // A saved config (reloading): the vocabulary is in it.
            const { type: _type, ...saved } = config;
            return ElmoBiLm.create(saved as never);
          }
          const { vocabularySize, paddingId, options } = readTextShape(config, 'elmo');
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
          const { sequenceLength, vocabularySize, paddingId, options } = readTextShape(
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
        const { sequenceLength, vocabularySize, options } = readTextShape(config, 'gpt');
        // GPT's tied output has no weights of its own: the objective built here holds only the encoder.
        return createGpt({ ...options, blockSize: sequenceLength, vocabularySize }).encoder;
      },
      fromModel: transformer.fromModel,
    },
  };
}
