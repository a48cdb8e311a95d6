import type * as tf from '@tensorflow/tfjs';
import type { EncoderV1 } from './encoder-v1';
import type { JsonObject } from './json';

/** What the training loop tells an objective about the current step. */
export type StepContextV1 = {
  /** The optimizer step being computed (0-based). */
  readonly step: number;
  /** A seed derived from the run seed and the step: use it for augmentations, masks, negatives. */
  readonly seed: number;
  /** Training (true) or evaluation (false). */
  readonly training: boolean;
};

/** The result of {@link ObjectiveV1.doLoss}. */
export type LossResultV1 = {
  /** The scalar self-supervised loss to minimise. */
  readonly loss: tf.Scalar;
  /** Named scalar metrics (accuracy of the pretext task, perplexity…), logged per step. */
  readonly metrics?: Readonly<Record<string, tf.Scalar>>;
};

/**
 * Specification v1 of an objective: a pretext task with its encoder and heads.
 *
 * `pretrain()` minimises {@link ObjectiveV1.doLoss} over the trainable weights of the encoder and
 * the heads, then calls {@link ObjectiveV1.doAfterStep} (momentum encoders, queues, clamps).
 * Checkpoints save the encoder, every head (tfjs format) and {@link ObjectiveV1.doGetState}.
 */
export type ObjectiveV1<Batch = tf.Tensor> = {
  /** The spec version this objective implements. */
  readonly specificationVersion: 'v1';
  /** The method name, e.g. `'simclr'`, recorded in checkpoints. */
  readonly method: string;
  /** The encoder that transfers to downstream tasks. */
  readonly encoder: EncoderV1;
  /** Heads and auxiliary networks (projection heads, decoders, momentum encoders), by name. */
  readonly heads: Readonly<Record<string, tf.LayersModel>>;
  /** The configuration that rebuilds the objective (without weights). */
  getConfig(): JsonObject;
  /** The self-supervised loss of one batch. Must be differentiable w.r.t. the trainable weights. */
  doLoss(batch: Batch, context: StepContextV1): LossResultV1;
  /** Called after each optimizer step, outside the gradient tape. */
  doAfterStep?(context: StepContextV1): void;
  /** Extra state to checkpoint (queues…), as named tensors owned by the caller afterwards. */
  doGetState?(): Record<string, tf.Tensor>;
  /** Restores what {@link ObjectiveV1.doGetState} returned; the objective copies what it keeps. */
  doSetState?(state: Readonly<Record<string, tf.Tensor>>): void;
  /** Frees every weight and state tensor. */
  dispose(): void;
};
