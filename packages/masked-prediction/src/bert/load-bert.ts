import {
  type CheckpointManifest,
  type EncoderConfigV1,
  loadCheckpoint,
  registerSequenceLayers,
  TransformerEncoder,
} from '@selfsup/core';
import { bertHeadName, bertMethod } from './bert';
import { findMaskedLanguageModelHead, registerBertLayers } from './masked-language-model-head';
import type { BertMaskedLanguageModel } from './masked-token-logits';

/** A BERT model loaded from a checkpoint; `dispose()` it when done. */
export type LoadedBert = BertMaskedLanguageModel & {
  /** The checkpoint's manifest (step, metrics, tokenizer reference…). */
  readonly manifest: CheckpointManifest;
  /** Frees the encoder and the head. */
  dispose(): void;
};

/**
 * Loads a BERT masked language model (encoder and MLM head) from a checkpoint written by
 * `pretrain()` with a `createBert` objective, for {@link fillMask} (the `selfsup fill-mask`
 * command). For finetuning, `loadEncoder` from core loads the encoder alone. Node only.
 *
 * @param directory a checkpoint directory, or a run directory (its latest checkpoint is used)
 * @returns the model, with its manifest
 * @example
 * const bert = await loadBert('runs/bert');
 * fillMask(bert, tokenizer, 'the [MASK] of the union');
 * bert.dispose();
 */
export async function loadBert(directory: string): Promise<LoadedBert> {
  registerSequenceLayers();
  registerBertLayers();
  const checkpoint = await loadCheckpoint(directory, { method: bertMethod });
  try {
    for (const state of [checkpoint.optimizerState, checkpoint.objectiveState]) {
      for (const tensor of Object.values(state ?? {})) tensor.dispose();
    }
    const headModel = checkpoint.heads[bertHeadName];
    if (headModel === undefined) {
      throw new Error(
        `The checkpoint ${checkpoint.directory} has no '${bertHeadName}' head; it was not written by a BERT objective.`,
      );
    }
    const config = {
      ...checkpoint.manifest.encoder.config,
      type: checkpoint.manifest.encoder.type,
    } as EncoderConfigV1;
    const encoder = TransformerEncoder.fromModel(checkpoint.encoder, config);
    const head = findMaskedLanguageModelHead(headModel);
    return {
      encoder,
      head,
      manifest: checkpoint.manifest,
      dispose: () => {
        headModel.dispose();
        encoder.dispose();
      },
    };
  } catch (error) {
    checkpoint.dispose();
    throw error;
  }
}
