import {
  clipByGlobalNorm,
  collectTrainableParameters,
  createAdamW,
  type ObjectiveV1,
  type StepContextV1,
} from '@selfsup/core';
import * as tf from '@tensorflow/tfjs';
import type { TrainingStep } from './workload';

/** The optimizer of {@link createObjectiveStep}: core's AdamW with global-norm clipping. */
export type ObjectiveStepOptimizer = {
  /** AdamW learning rate. */
  readonly learningRate: number;
  /** AdamW decoupled weight decay (matrices only, core's default grouping). */
  readonly weightDecay: number;
  /** AdamW β₁, β₂. */
  readonly betas: readonly [number, number];
  /** Global-norm gradient clip. */
  readonly clipNorm: number;
};

/**
 * Wraps a method package's `ObjectiveV1` and one fixed batch as a bench {@link TrainingStep}: the
 * same work as one `pretrain()` step (`doLoss` under `tf.variableGrads` over the encoder and
 * heads, global-norm clip, core's AdamW update, `doAfterStep`), without its bookkeeping.
 *
 * The step context keeps one seed, so a masking objective (BERT, MAE) hides the same positions
 * every step: the batch is fixed, so the loss must fall, which the bench checks.
 *
 * @param objective the objective (the step owns it: `dispose()` frees it).
 * @param batch the fixed batch (owned too).
 * @param optimizer the AdamW settings and clip.
 * @param seed the step context's seed (masks, crops).
 * @returns the step; `step()` returns the loss, read back.
 * @example const step = createObjectiveStep(bert, ids, { learningRate: 1e-3, weightDecay: 0.01, betas: [0.9, 0.999], clipNorm: 1 }, 0);
 */
export function createObjectiveStep<Batch extends tf.TensorContainer>(
  objective: ObjectiveV1<Batch>,
  batch: Batch,
  optimizer: ObjectiveStepOptimizer,
  seed: number,
): TrainingStep {
  const parameters = collectTrainableParameters(objective as unknown as ObjectiveV1<never>);
  const keyOfVariable = new Map(
    parameters.map((parameter) => [parameter.variable.name, parameter.key]),
  );
  const variables = parameters.map((parameter) => parameter.variable);
  const adamW = createAdamW({
    weightDecay: optimizer.weightDecay,
    beta1: optimizer.betas[0],
    beta2: optimizer.betas[1],
  });
  const context: StepContextV1 = { step: 0, seed, training: true };
  return {
    parameterCount: variables.reduce((sum, variable) => sum + variable.size, 0),
    step(): number {
      const loss = tf.tidy(() => {
        const { value, grads } = tf.variableGrads(
          () => objective.doLoss(batch, context).loss,
          variables,
        );
        const keyed: Record<string, tf.Tensor> = {};
        for (const [name, gradient] of Object.entries(grads))
          keyed[keyOfVariable.get(name) ?? name] = gradient;
        const { gradients } = clipByGlobalNorm(keyed, optimizer.clipNorm);
        adamW.applyGradients(parameters, gradients, optimizer.learningRate);
        return value;
      });
      objective.doAfterStep?.(context);
      const value = loss.dataSync()[0]!;
      loss.dispose();
      return value;
    },
    dispose(): void {
      adamW.dispose();
      objective.dispose();
      tf.dispose(batch);
    },
  };
}
