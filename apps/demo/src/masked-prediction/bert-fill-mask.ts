import type { CheckpointManifest, TokenizerV1, TransformerEncoder } from '@selfsup/core';
import { fetchTokenizer } from '@selfsup/data/browser';
import {
  type BertMaskedLanguageModel,
  bertHeadName,
  findMaskedLanguageModelHead,
  registerBertLayers,
} from '@selfsup/masked-prediction';
import * as tf from '@tensorflow/tfjs';
import { fetchEncoder } from '../shared/fetch-checkpoint';

/** A BERT masked language model loaded from a checkpoint of the CLI, with its tokenizer. */
export type LoadedBert = BertMaskedLanguageModel & {
  readonly tokenizer: TokenizerV1;
  readonly manifest: CheckpointManifest;
  /** Frees the encoder and the head. */
  dispose(): void;
};

/**
 * Loads a `selfsup pretrain bert` checkpoint served over HTTP for `fillMask` of
 * `@selfsup/masked-prediction` (BERT, Devlin et al. 2019): the bidirectional Transformer
 * (`encoder/`), the masked-language-model head (`heads/maskedLanguageModel/`) and the run's
 * WordPiece tokenizer (`tokenizer.json`). The browser's counterpart of `loadBert` (Node only).
 *
 * @param folderUrl The checkpoint folder's URL, ending in '/' (e.g. `demoModelUrl('bert-sotu')`).
 * @returns The model and tokenizer; `dispose()` when done.
 * @throws An Error naming the file when it is missing or not a BERT checkpoint.
 * @example
 * const bert = await fetchBert(demoModelUrl('bert-sotu'));
 * fillMask(bert, bert.tokenizer, 'the [MASK] of the union');
 */
export async function fetchBert(folderUrl: string): Promise<LoadedBert> {
  registerBertLayers();
  const [{ encoder, manifest }, tokenizer] = await Promise.all([
    fetchEncoder(folderUrl),
    fetchTokenizer(new URL('tokenizer.json', folderUrl)),
  ]);
  let headModel: tf.LayersModel | undefined;
  try {
    if (manifest.method !== 'bert-mlm') {
      throw new Error(`${folderUrl} holds a '${manifest.method}' checkpoint, not BERT.`);
    }
    headModel = await tf.loadLayersModel(
      new URL(`heads/${bertHeadName}/model.json`, folderUrl).href,
    );
    const head = findMaskedLanguageModelHead(headModel);
    const model = headModel;
    return {
      encoder: encoder as TransformerEncoder,
      head,
      tokenizer,
      manifest,
      dispose: () => {
        model.dispose();
        encoder.dispose();
      },
    };
  } catch (error) {
    headModel?.dispose();
    encoder.dispose();
    throw error;
  }
}
