import { join } from 'node:path';
import type { TokenizerV1 } from '@selfsup/core';
import { UsageError } from '../commands/parse-flags';
import { loadTextDocuments } from './load-text-documents';
import type { MethodData } from './method-definition';
import { textEncoderOptions } from './text-encoders';

/** The file of a text run directory that holds its tokenizer. */
export const TEXT_TOKENIZER_FILE = 'tokenizer.json';

/**
 * The training data of a token-sequence method (BERT, GPT): a WordPiece or character tokenizer
 * learned from the dataset's training documents (saved as `tokenizer.json` in the run directory), the documents
 * joined into one token stream (with [SEP] between documents), and a batch source made from it.
 *
 * @param request the `--data` value, `--limit`, the sequence length and the tokenizer's vocabulary size.
 * @param methodName the method, for error messages.
 * @param makeSource the batch source of the method over the token stream.
 * @returns the data; `extra.tokenizer` is the tokenizer.
 * @example const data = await prepareTokenData({ data: 'sotu', limit: 3, sequenceLength: 64, vocabularySize: 500 }, 'bert', ...);
 */
export async function prepareTokenData(
  request: {
    readonly data: string;
    readonly limit: number | undefined;
    readonly sequenceLength: number;
    /** `'word-piece'` (BERT) or `'character'` (GPT: one token per character). */
    readonly tokenizer: 'word-piece' | 'character';
    /** Vocabulary size of a WordPiece tokenizer. */
    readonly vocabularySize: number;
  },
  methodName: string,
  makeSource: (ids: Int32Array, tokenizer: TokenizerV1) => MethodData['source'],
): Promise<MethodData> {
  const documents = await loadTextDocuments(request.data, request.limit, methodName);
  const library = await import('@selfsup/data');
  const stream: number[] = [];
  let tokenizer: TokenizerV1;
  if (request.tokenizer === 'character') {
    // One stream of characters, documents on their own lines (as nanoGPT's and makemore's data).
    const text = `${documents.join('\n')}\n`;
    tokenizer = library.trainCharacterTokenizer(text);
    for (const id of tokenizer.encode(text)) stream.push(id);
  } else {
    tokenizer = library.trainWordPieceTokenizer(documents, {
      vocabularySize: request.vocabularySize,
    });
    const separator = tokenizer.specialTokens.separator;
    for (const text of documents) {
      for (const id of tokenizer.encode(text)) stream.push(id);
      if (separator !== undefined) stream.push(separator);
    }
  }
  const ids = Int32Array.from(stream);
  if (ids.length <= request.sequenceLength) {
    throw new UsageError(
      `${methodName}: the ${documents.length} documents of '${request.data}' give ${ids.length} tokens, too few for sequences of ${request.sequenceLength}: raise --limit or lower methodOptions.sequenceLength.`,
    );
  }
  return {
    source: makeSource(ids, tokenizer),
    inputShape: [request.sequenceLength],
    encoderOptions: textEncoderOptions(request.sequenceLength, tokenizer),
    reference: {
      id: request.data,
      split: 'train',
      documents: documents.length,
      tokens: ids.length,
      ...(request.limit === undefined ? {} : { limit: request.limit }),
    },
    extra: { tokenizer },
    // saveTokenizer writes atomically (temporary file + rename).
    save: async (directory) =>
      library.saveTokenizer(tokenizer, join(directory, TEXT_TOKENIZER_FILE)),
  };
}
