import type { TransformerEncoder } from '@selfsup/core';
import * as tf from '@tensorflow/tfjs';
import type { MaskedLanguageModelHead } from './masked-language-model-head';

/** A BERT masked language model: the encoder and its MLM head (tied to the encoder's embeddings). */
export type BertMaskedLanguageModel = {
  /** The bidirectional Transformer encoder. */
  readonly encoder: TransformerEncoder;
  /** The MLM head layer. */
  readonly head: MaskedLanguageModelHead;
};

/**
 * Flat indices `b · T + t` of the nonzero entries of a `[B, T]` 0/1 weight tensor (the selected
 * positions), read on the CPU.
 *
 * @param weights `[B, T]` float32 0/1 (from `maskTokens`)
 * @returns the indices, in row-major order
 * @example const positions = selectedPositions(weights);
 */
export function selectedPositions(weights: tf.Tensor2D): Int32Array {
  const values = weights.dataSync();
  let count = 0;
  for (let index = 0; index < values.length; index++) if (values[index] !== 0) count++;
  const positions = new Int32Array(count);
  let next = 0;
  for (let index = 0; index < values.length; index++) {
    if (values[index] !== 0) positions[next++] = index;
  }
  return positions;
}

/**
 * Vocabulary logits of a BERT model at some positions of a batch: encodes `inputs`, gathers the
 * features at `positions` (flat indices `b · T + t`) and applies the tied MLM head, so the
 * `V`-wide decoder runs on those positions only (BERT's `gather_indexes`). Differentiable.
 *
 * @param model the encoder and head
 * @param inputs `[B, T]` int32 (corrupted) token ids
 * @param positions flat indices of the positions to predict, each in `[0, B · T)`
 * @param training dropout on (pretraining) or off (inference)
 * @returns `[positions.length, V]` logits
 * @example const logits = maskedTokenLogits(model, ids, Int32Array.from([3]), false);
 */
export function maskedTokenLogits(
  model: BertMaskedLanguageModel,
  inputs: tf.Tensor2D,
  positions: Int32Array,
  training: boolean,
): tf.Tensor2D {
  const [batchSize, length] = inputs.shape;
  for (const position of positions) {
    if (!(position >= 0 && position < batchSize * length)) {
      throw new RangeError(
        `maskedTokenLogits: position ${position} is outside the batch's ${batchSize} × ${length} tokens.`,
      );
    }
  }
  return tf.tidy(() => {
    const features = model.encoder.doEncodeSequence(inputs, { training });
    const size = features.shape[2];
    const flat = features.reshape([batchSize * length, size]) as tf.Tensor2D;
    const selected = tf.gather(flat, tf.tensor1d(positions, 'int32')) as tf.Tensor2D;
    return model.head.logits(selected, model.encoder.getTokenEmbeddings());
  });
}
