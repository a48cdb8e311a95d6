import type * as tf from '@tensorflow/tfjs';
import type { InputSpecV1 } from './input-spec-v1';
import type { JsonObject } from './json';

/** Options of one forward pass. */
export type EncodeOptionsV1 = {
  /** Training mode: dropout active, BatchNorm uses and updates batch statistics. */
  readonly training: boolean;
};

/** A serializable encoder configuration: `type` names the encoder, the rest are its options. */
export type EncoderConfigV1 = JsonObject & { readonly type: string };

/**
 * Specification v1 of an encoder: the network that turns one modality into representations.
 *
 * Every method (contrastive, masked prediction, autoregressive, pretext tasks, baselines) trains
 * an `EncoderV1`; finetuning, kNN and label-efficiency take one. Users call {@link encode};
 * implementers write the `do*` methods.
 *
 * An encoder owns its weights in one `tf.LayersModel` ({@link EncoderV1.model}), saved in the
 * standard tfjs format inside checkpoints. Its forward passes must be pure tensor functions of the
 * input and those weights (plus dropout), so that `tf.variableGrads` can differentiate them.
 */
export type EncoderV1 = {
  /** The spec version this encoder implements. */
  readonly specificationVersion: 'v1';
  /** The registered encoder type, e.g. `'conv-net'`, `'transformer'`. */
  readonly type: string;
  /** The input this encoder takes. */
  readonly inputSpec: InputSpecV1;
  /** The size `D` of the pooled representation `[B, D]`. */
  readonly outputSize: number;
  /** Whether {@link EncoderV1.doEncodeSequence} exists (inputs with positions: tokens, audio, frames, patches). */
  readonly hasPositions: boolean;
  /** The size of the per-position features `[B, T, D]`, when {@link EncoderV1.hasPositions}. */
  readonly featureSize?: number;
  /** The model that owns every weight of the encoder. */
  readonly model: tf.LayersModel;
  /** The configuration that rebuilds this encoder (weights aside). */
  getConfig(): EncoderConfigV1;
  /** Pooled representation `[B, outputSize]` of a batch. */
  doEncode(input: tf.Tensor, options: EncodeOptionsV1): tf.Tensor2D;
  /** Per-position features `[B, T, featureSize]`, for encoders with positions. */
  doEncodeSequence?(input: tf.Tensor, options: EncodeOptionsV1): tf.Tensor3D;
  /** Frees the weights. */
  dispose(): void;
};
