import type * as tf from '@tensorflow/tfjs';
import { createAdamW } from '../training/optimizers/adamw';
import type { TrainableParameter } from '../training/optimizers/optimizer';

/** An optimizer over a fixed list of variables, as {@link finetune} uses it. */
export type FinetuneOptimizer = {
  /** Applies one update from gradients keyed by variable name (missing or null gradients are skipped). */
  step(gradients: Readonly<Record<string, tf.Tensor | null>>): void;
  /** Frees the optimizer state. */
  dispose(): void;
};

/** Options of {@link createFinetuneOptimizer}. */
export type FinetuneOptimizerOptions = {
  /** The variables to update. */
  readonly variables: readonly tf.Variable[];
  /** Learning rate. */
  readonly learningRate: number;
  /** Decoupled weight decay on variables of rank ≥ 2 (weight matrices, kernels). @default 0 */
  readonly weightDecay?: number;
};

/**
 * The optimizer of {@link finetune}: AdamW (Adam, Kingma & Ba 2015, with decoupled weight decay,
 * Loshchilov & Hutter 2019) from selfsup's `training/optimizers`, decaying weight matrices and
 * kernels only (not biases or normalisation parameters).
 *
 * It is the one place finetuning builds an optimizer, so the algorithm can change without
 * touching the training loop.
 *
 * @param options variables, learning rate, weight decay.
 * @returns an optimizer to `step` with gradients and `dispose` at the end.
 * @example
 * const optimizer = createFinetuneOptimizer({ variables, learningRate: 1e-3, weightDecay: 1e-4 });
 * optimizer.step(tf.variableGrads(loss, variables).grads);
 */
export function createFinetuneOptimizer(options: FinetuneOptimizerOptions): FinetuneOptimizer {
  const { variables, learningRate, weightDecay = 0 } = options;
  const optimizer = createAdamW({ weightDecay, excludeFromWeightDecay: 'rank-at-most-one' });
  const parameters: TrainableParameter[] = variables.map((variable) => ({
    key: variable.name,
    name: variable.name,
    variable,
  }));
  return {
    step(gradients) {
      const own: Record<string, tf.Tensor> = {};
      for (const { key } of parameters) {
        const gradient = gradients[key];
        if (gradient !== undefined && gradient !== null) own[key] = gradient;
      }
      optimizer.applyGradients(parameters, own, learningRate);
    },
    dispose() {
      optimizer.dispose();
    },
  };
}
