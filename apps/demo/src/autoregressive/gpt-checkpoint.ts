import { createGpt, type GptObjective, uncachedLogits } from '@selfsup/autoregressive';
import type { CheckpointManifest, TokenizerV1, TransformerEncoder } from '@selfsup/core';
import { fetchTokenizer } from '@selfsup/data/browser';
import { fetchEncoder } from '../shared/fetch-checkpoint';

/** A GPT loaded from a checkpoint of the CLI, with the run's tokenizer. */
export type LoadedGpt = {
  readonly gpt: GptObjective;
  readonly tokenizer: TokenizerV1;
  readonly manifest: CheckpointManifest;
};

/**
 * Loads a `selfsup pretrain gpt` checkpoint served over HTTP: the causal Transformer
 * (`encoder/`, reloaded as core's `TransformerEncoder`) wrapped by `createGpt` (Radford et al.
 * 2018; the output projection is tied to the token embeddings, so there is no head), and the
 * run's character tokenizer (`tokenizer.json`). The same steps as `selfsup generate` in Node.
 *
 * @param folderUrl The checkpoint folder's URL, ending in '/' (e.g. `demoModelUrl('gpt-names')`).
 * @returns The GPT, its tokenizer and manifest; `gpt.dispose()` when done.
 * @throws An Error naming the file when the checkpoint is missing or not a GPT.
 * @example
 * const { gpt, tokenizer } = await fetchGpt(demoModelUrl('gpt-names'));
 */
export async function fetchGpt(folderUrl: string): Promise<LoadedGpt> {
  const [{ encoder, manifest }, tokenizer] = await Promise.all([
    fetchEncoder(folderUrl),
    fetchTokenizer(new URL('tokenizer.json', folderUrl)),
  ]);
  if (manifest.method !== 'gpt') {
    encoder.dispose();
    throw new Error(`${folderUrl} holds a '${manifest.method}' checkpoint, not a GPT.`);
  }
  return { gpt: createGpt({ encoder: encoder as TransformerEncoder }), tokenizer, manifest };
}

/**
 * The next-token logits of a GPT after `text` (encoded with its tokenizer), computed without a
 * cache: what the e2e test compares between Node and the browser for the same checkpoint.
 *
 * @param model The loaded GPT.
 * @param text The context (at least one token).
 * @returns The token ids of `text` and the logits `[V]` of the token that follows.
 * @example
 * const { logits } = nextTokenLogits(loaded, '\nemm');
 */
export function nextTokenLogits(
  model: LoadedGpt,
  text: string,
): { readonly ids: number[]; readonly logits: Float32Array } {
  const ids = [...model.tokenizer.encode(text)];
  if (ids.length === 0) throw new Error('nextTokenLogits: give at least one character.');
  const source = uncachedLogits(model.gpt);
  try {
    return { ids, logits: source.next(ids) };
  } finally {
    source.dispose();
  }
}
