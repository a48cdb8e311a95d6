import { mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import type { TokenizerV1 } from '@selfsup/core';
import { HuggingFaceTokenizer, tokenizerFromJson } from './hugging-face-tokenizer';

/**
 * Saves a tokenizer as a Hugging Face `tokenizer.json` file, atomically.
 *
 * Writes a temporary file beside the target, then renames it over the target, so a crash never
 * leaves a half-written file. Creates missing folders. The file loads with `loadTokenizer`, with
 * `@huggingface/tokenizers` (browser, transformers.js) and with Python `tokenizers`, giving the
 * same ids.
 *
 * @param tokenizer A tokenizer from `train*Tokenizer`, `loadTokenizer` or `tokenizerFromJson`.
 * @param path Where to write, e.g. `checkpoints/tokenizer.json`.
 * @example
 * saveTokenizer(trainWordPieceTokenizer(text, { vocabularySize: 2000 }), 'out/tokenizer.json');
 */
export function saveTokenizer(tokenizer: TokenizerV1, path: string): void {
  if (!(tokenizer instanceof HuggingFaceTokenizer)) {
    throw new TypeError(
      'saveTokenizer: this tokenizer has no tokenizer.json form; pass one made by trainCharacterTokenizer, trainBytePairEncodingTokenizer, trainWordPieceTokenizer, loadTokenizer or tokenizerFromJson.',
    );
  }
  mkdirSync(dirname(path), { recursive: true });
  const temporaryPath = `${path}.${process.pid}.${Date.now()}.partial`;
  try {
    writeFileSync(temporaryPath, `${JSON.stringify(tokenizer.json, null, 2)}\n`);
    renameSync(temporaryPath, path);
  } catch (error) {
    rmSync(temporaryPath, { force: true });
    throw new Error(`saveTokenizer: cannot write ${path} (${(error as Error).message}).`);
  }
}

/**
 * Loads a tokenizer from a Hugging Face `tokenizer.json` file (BPE or WordPiece model), or from
 * its parsed content.
 *
 * The file is checked field by field; errors name the file and the field (for example
 * `out/tokenizer.json: field "model.vocab" must be an object mapping token strings to integer
 * ids`). Encoding then runs through `@huggingface/tokenizers`, so ids match those of the browser.
 *
 * @param source A path to a tokenizer.json, or its parsed JSON object.
 * @returns The tokenizer.
 * @example
 * const tokenizer = loadTokenizer('out/tokenizer.json');
 * tokenizer.encode('Call me Ishmael.');
 */
export function loadTokenizer(source: string | object): HuggingFaceTokenizer {
  if (typeof source !== 'string') return tokenizerFromJson(source, 'loadTokenizer');
  let text: string;
  try {
    text = readFileSync(source, 'utf8');
  } catch (error) {
    throw new Error(
      `loadTokenizer: cannot read ${source} (${(error as Error).message}); check the path.`,
    );
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new Error(
      `${source}: not valid JSON (${(error as Error).message}); the file may be truncated, save it again.`,
    );
  }
  return tokenizerFromJson(value, source);
}
