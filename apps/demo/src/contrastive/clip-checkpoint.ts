import { type ClipObjective, clipTokenize, createClip } from '@selfsup/contrastive';
import {
  type CheckpointManifest,
  createEncoder,
  type EncoderConfigV1,
  type TokenizerV1,
} from '@selfsup/core';
import { fetchTokenizer } from '@selfsup/data/browser';
import * as tf from '@tensorflow/tfjs';
import { fetchCheckpointManifest, restoreFromUrl } from '../shared/fetch-checkpoint';

/** A CLIP model restored from a checkpoint of the CLI, with its caption tokenizer. */
export type LoadedClip = {
  readonly clip: ClipObjective;
  readonly tokenizer: TokenizerV1;
  /** Tokens per text (the text encoder's positions). */
  readonly maxLength: number;
  readonly manifest: CheckpointManifest;
};

/** The digits a prompt retrieves: indices into the images, most similar first. */
export type Retrieved = {
  readonly indices: number[];
  /** Cosine similarities of those images to the prompt. */
  readonly similarities: number[];
};

/**
 * Loads a `selfsup pretrain clip` checkpoint served over HTTP (CLIP, Radford et al. 2021): builds
 * the image encoder and the Transformer text encoder from the configs the manifest records,
 * `createClip` with the recorded projection size, logit-scale bounds and seed, then writes the
 * saved weights (encoder and the heads `image_projection`, `logit_scale`, `text_encoder`,
 * `text_projection`) into it. The run's WordPiece tokenizer comes from `tokenizer.json`. The same
 * model `selfsup zero-shot` rebuilds in Node.
 *
 * @param folderUrl The checkpoint folder's URL, ending in '/'.
 * @returns The model; `clip.dispose()` when done.
 * @throws An Error naming the file when it is missing, of another method or architecture.
 * @example
 * const { clip, tokenizer } = await fetchClip(demoModelUrl('clip-mnist'));
 */
export async function fetchClip(folderUrl: string): Promise<LoadedClip> {
  const [manifest, tokenizer] = await Promise.all([
    fetchCheckpointManifest(folderUrl, 'clip'),
    fetchTokenizer(new URL('tokenizer.json', folderUrl)),
  ]);
  const objective = manifest.objective as {
    projectionSize?: number;
    initialLogitScale?: number;
    maximumLogitScale?: number;
    seed?: number;
    textEncoder?: EncoderConfigV1 & { maxLength?: number };
  };
  if (objective.textEncoder === undefined) {
    throw new Error(`${folderUrl}selfsup.json records no text encoder: not a CLIP checkpoint.`);
  }
  const encoder = createEncoder({
    ...manifest.encoder.config,
    type: manifest.encoder.type,
  } as EncoderConfigV1);
  const textEncoder = createEncoder(objective.textEncoder);
  const clip = createClip({
    encoder,
    textEncoder,
    ...(objective.projectionSize === undefined ? {} : { projectionSize: objective.projectionSize }),
    ...(objective.initialLogitScale === undefined
      ? {}
      : { initialLogitScale: objective.initialLogitScale }),
    ...(objective.maximumLogitScale === undefined
      ? {}
      : { maximumLogitScale: objective.maximumLogitScale }),
    ...(objective.seed === undefined ? {} : { seed: objective.seed }),
  });
  try {
    await restoreFromUrl(folderUrl, clip as never);
  } catch (error) {
    clip.dispose?.();
    throw error;
  }
  return { clip, tokenizer, maxLength: objective.textEncoder.maxLength ?? 16, manifest };
}

/**
 * Zero-shot retrieval: the images that match a prompt best. Ranking images by their raw cosine
 * similarity to the prompt favours "hub" images, close to every text (with this small model, a
 * few digits top every list); so, as in CLIP's zero-shot classifier (Radford et al. 2021, §3.1.2),
 * each image gets a softmax over texts — the prompt and `referencePrompts` (e.g. a caption of
 * each digit) — at the learned logit scale, and images are ranked by the prompt's probability.
 * Without reference prompts the raw similarity ranks them.
 *
 * @param model The loaded CLIP.
 * @param imageEmbeddings Normalised image embeddings `[N, P]` (from `clip.embedImages`); kept.
 * @param prompt Any text, e.g. 'a photo of the number seven'.
 * @param options `count` images to return (default 8); `referencePrompts` to compete with.
 * @returns Their indices and scores (the prompt's probability, or the cosine), best first.
 * @example
 * const { indices } = retrieveImages(model, embeddings, 'a handwritten 3', { referencePrompts });
 */
export function retrieveImages(
  model: LoadedClip,
  imageEmbeddings: tf.Tensor2D,
  prompt: string,
  options: { readonly count?: number; readonly referencePrompts?: readonly string[] } = {},
): Retrieved {
  const { count = 8, referencePrompts = [] } = options;
  if (prompt.trim() === '') throw new Error('Type a prompt, e.g. "a photo of a 7".');
  const [values, indices] = tf.tidy(() => {
    const tokens = clipTokenize([prompt, ...referencePrompts], model.tokenizer, model.maxLength);
    const texts = model.clip.embedTexts(tokens, { training: false });
    const similarities = tf.matMul(imageEmbeddings, texts, false, true);
    const scores =
      referencePrompts.length === 0
        ? similarities.slice([0, 0], [-1, 1])
        : tf.softmax(similarities.mul(model.clip.getLogitScale())).slice([0, 0], [-1, 1]);
    const top = tf.topk(scores.reshape([-1]), Math.min(count, imageEmbeddings.shape[0]));
    return [top.values, top.indices];
  });
  try {
    return {
      indices: Array.from(indices.dataSync()),
      similarities: Array.from(values.dataSync()),
    };
  } finally {
    tf.dispose([values, indices]);
  }
}
