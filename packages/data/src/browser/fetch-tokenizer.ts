import { type HuggingFaceTokenizer, tokenizerFromJson } from '../tokenizers/hugging-face-tokenizer';

/**
 * Builds a tokenizer from the text of a Hugging Face `tokenizer.json` (as `saveTokenizer` writes
 * it): the browser's counterpart of Node's `loadTokenizer(path)`, for a file read from an
 * `<input type="file">`, IndexedDB or a bundled string. Encoding runs through
 * `@huggingface/tokenizers`, the same code as in Node, so the ids are identical.
 *
 * @param text the file's content.
 * @param source where it came from, for error messages.
 * @default source 'tokenizer.json'
 * @returns the tokenizer.
 * @throws an Error naming `source` when the text is not JSON or not a BPE/WordPiece tokenizer.
 * @example
 * const tokenizer = tokenizerFromText(await file.text(), file.name);
 * tokenizer.encode('Call me Ishmael.');
 */
export function tokenizerFromText(text: string, source = 'tokenizer.json'): HuggingFaceTokenizer {
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

/**
 * Fetches a Hugging Face `tokenizer.json` and builds the tokenizer (the browser's `loadTokenizer`).
 *
 * @param url the file's URL (absolute, or relative to the page).
 * @param options `fetch` (default `globalThis.fetch`).
 * @returns the tokenizer.
 * @throws an Error naming the URL when the request fails or the file is not a tokenizer.
 * @example
 * const tokenizer = await fetchTokenizer('/models/tokenizer.json');
 * tokenizer.encode('Call me Ishmael.');
 */
export async function fetchTokenizer(
  url: string | URL,
  options: { readonly fetch?: typeof globalThis.fetch } = {},
): Promise<HuggingFaceTokenizer> {
  const fetchFunction = options.fetch ?? globalThis.fetch;
  const source = String(url);
  let response: Response;
  try {
    response = await fetchFunction(url);
  } catch (error) {
    throw new Error(
      `Cannot fetch the tokenizer ${source} (${(error as Error).message}); check the URL and that the server is up.`,
    );
  }
  if (!response.ok) {
    throw new Error(
      `Cannot fetch the tokenizer ${source}: HTTP ${response.status}; check the URL (save it with saveTokenizer into the served folder).`,
    );
  }
  return tokenizerFromText(await response.text(), source);
}
