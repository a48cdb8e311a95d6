import type * as tf from '@tensorflow/tfjs';
import type { JsonObject } from '../../spec/json';

/** The optimizers `pretrain()` knows by name. */
export type OptimizerName = 'adam' | 'adamw' | 'sgd' | 'lars';

/** One trainable weight as an optimizer sees it. */
export type TrainableParameter = {
  /**
   * A key that is stable across rebuilds of the same objective (e.g. `encoder/0`): optimizer state
   * is stored under it, so a checkpoint restores into a freshly built objective.
   */
  readonly key: string;
  /** The weight's name in its model (e.g. `tiny_encoder_hidden/bias`), for decay exclusion by pattern. */
  readonly name: string;
  /** The variable to update. */
  readonly variable: tf.Variable;
};

/**
 * An optimizer: updates variables in place from gradients, with state (moments, step count)
 * that exports to and imports from named tensors for checkpoints.
 *
 * The learning rate is given per call, so schedules live outside the optimizer.
 */
export type Optimizer = {
  /** Which algorithm this is. */
  readonly name: OptimizerName;
  /** Updates applied so far (drives bias correction). */
  readonly iterations: number;
  /**
   * Applies one update: `gradients[parameter.key]` for each parameter (parameters without a
   * gradient are left alone). Disposes nothing it was given.
   */
  applyGradients(
    parameters: readonly TrainableParameter[],
    gradients: Readonly<Record<string, tf.Tensor>>,
    learningRate: number,
  ): void;
  /** The hyper-parameters, for checkpoint manifests. */
  getConfig(): JsonObject;
  /** The state as named tensors (copies, owned by the caller): `iterations` and `<key>/<slot>`. */
  getState(): Record<string, tf.Tensor>;
  /** Restores a state from {@link Optimizer.getState} (copied; the caller keeps ownership). */
  setState(state: Readonly<Record<string, tf.Tensor>>): void;
  /** Frees the state tensors. */
  dispose(): void;
};
