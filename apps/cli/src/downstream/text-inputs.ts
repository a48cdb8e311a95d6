import { existsSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import type { TokenizerV1 } from '@selfsup/core';
import type * as tf from '@tensorflow/tfjs';
import { UsageError } from '../commands/parse-flags';
import { TEXT_TOKENIZER_FILE } from '../methods/text-method-data';

/** How a compared text encoder reads documents: token ids of a fixed length, padded. */
export type TextInputs = {
  /** What makes the ids, for logs and results. */
  readonly description: string;
  /** Token ids are in `[0, vocabularySize)`. */
  readonly vocabularySize: number;
  /** The id that pads (and, for word vectors, stands for unknown words). */
  readonly paddingId: number;
  /** Token ids `[N, length]` int32 of the texts (truncated, padded). */
  encode(texts: readonly string[]): tf.Tensor2D;
};

/** Words per document an embedding bag of word vectors reads (e-mail bodies: most fit). */
export const WORD_VECTOR_DOCUMENT_LENGTH = 256;

/**
 * The run directory of a checkpoint directory: the parent of a `step-N` folder, else itself.
 *
 * @param directory a checkpoint (`runs/bert/step-800`) or run directory.
 * @returns the run directory.
 * @example runDirectoryOf('runs/bert/step-800'); // 'runs/bert'
 */
export function runDirectoryOf(directory: string): string {
  return /^step-\d+$/.test(basename(directory)) ? dirname(directory) : directory;
}

/**
 * The text inputs of a token-sequence checkpoint (BERT, GPT, ELMo): the tokenizer its run saved
 * (`tokenizer.json`), documents cut to the encoder's sequence length; with a `[CLS]`/`[SEP]`
 * tokenizer, `[CLS] text [SEP]` as BERT was pretrained on (masked-prediction's `encodeBertInputs`).
 *
 * @param directory the checkpoint directory that was opened.
 * @param config the checkpoint's encoder config (its `maxLength` or `sequenceLength`).
 * @returns the inputs.
 * @throws UsageError when the run has no tokenizer.
 * @example const text = await textInputsOfCheckpoint('runs/bert/step-800', manifest.encoder.config);
 */
export async function textInputsOfCheckpoint(
  directory: string,
  config: Readonly<Record<string, unknown>>,
): Promise<TextInputs> {
  const runDirectory = runDirectoryOf(directory);
  const path = join(runDirectory, TEXT_TOKENIZER_FILE);
  if (!existsSync(path)) {
    throw new UsageError(
      `${directory}: no ${TEXT_TOKENIZER_FILE} in ${runDirectory}; comparing a text checkpoint needs the run directory written by \`selfsup pretrain\` (give it, not a copied step folder).`,
    );
  }
  const { loadTokenizer } = await import('@selfsup/data');
  const tokenizer: TokenizerV1 = loadTokenizer(path);
  const length = Number(config.maxLength ?? config.sequenceLength ?? 128);
  const { classification, separator, padding = 0 } = tokenizer.specialTokens;
  const tf = await import('@tensorflow/tfjs');
  const { encodeBertInputs } = await import('@selfsup/masked-prediction');
  const bertStyle = classification !== undefined && separator !== undefined;
  return {
    description: `the ${tokenizer.vocabularySize}-id tokenizer of ${runDirectory}, ${length} tokens${bertStyle ? ' ([CLS] text [SEP])' : ''}`,
    vocabularySize: tokenizer.vocabularySize,
    paddingId: padding,
    encode: (texts) => {
      if (bertStyle) return encodeBertInputs(tokenizer, texts, { maxLength: length });
      const ids = new Int32Array(texts.length * length).fill(padding);
      texts.forEach((text, row) => {
        ids.set(tokenizer.encode(text).slice(0, length), row * length);
      });
      return tf.tensor2d(ids, [texts.length, length], 'int32');
    },
  };
}

/**
 * The text inputs of word vectors: each document split into words as Word2Vec and GloVe were
 * trained (masked-prediction's `splitWords`), the id of each word (row + 1 of the vectors; 0 for
 * words without a vector, which the embedding bag leaves out), the first
 * {@link WORD_VECTOR_DOCUMENT_LENGTH} words.
 *
 * @param words the words of the vectors, by row.
 * @param source where they were read, for the description.
 * @returns the inputs (`vocabularySize` = words + 1).
 * @example const text = await wordVectorInputs(vectors.words, 'runs/word2vec');
 */
export async function wordVectorInputs(
  words: readonly string[],
  source: string,
): Promise<TextInputs> {
  const tf = await import('@tensorflow/tfjs');
  const { splitWords } = await import('@selfsup/masked-prediction');
  const idOf = new Map(words.map((word, row) => [word, row + 1]));
  const length = WORD_VECTOR_DOCUMENT_LENGTH;
  return {
    description: `the ${words.length} words of ${source} (0: no vector), ${length} words`,
    vocabularySize: words.length + 1,
    paddingId: 0,
    encode: (texts) => {
      const ids = new Int32Array(texts.length * length);
      texts.forEach((text, row) => {
        const known = splitWords(text).map((word) => idOf.get(word) ?? 0);
        ids.set(known.filter((id) => id !== 0).slice(0, length), row * length);
      });
      return tf.tensor2d(ids, [texts.length, length], 'int32');
    },
  };
}
