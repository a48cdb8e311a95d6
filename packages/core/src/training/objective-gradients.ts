import * as tf from '@tensorflow/tfjs';
import type { ObjectiveV1, StepContextV1 } from '../spec/objective-v1';

/** What {@link objectiveGradients} returns; the caller disposes every tensor. */
export type ObjectiveGradients = {
  /** The loss (a scalar). */
  readonly loss: tf.Scalar;
  /** Gradients by variable name; variables the loss does not reach are absent. */
  readonly gradients: tf.NamedTensorMap;
  /** The objective's metrics (scalars), kept out of the gradient tape. */
  readonly metrics: Record<string, tf.Scalar>;
};

function checkScalar(method: string, what: string, tensor: tf.Tensor): void {
  if (!(tensor instanceof tf.Tensor) || tensor.rank !== 0) {
    const shape = tensor instanceof tf.Tensor ? JSON.stringify(tensor.shape) : typeof tensor;
    throw new TypeError(
      `The '${method}' objective's doLoss returned a ${what} of shape ${shape}; it must be a scalar tensor (reduce it with .mean()).`,
    );
  }
}

/**
 * The loss, metrics and gradients of one `doLoss` call: the computation of a training step before
 * any averaging, clipping or update, shared by `pretrain()` and each data-parallel replica so the
 * two cannot drift apart.
 *
 * @param objective the objective whose `doLoss` is differentiated.
 * @param batch the batch (not disposed here).
 * @param context the step context passed to `doLoss`.
 * @param variables the trainable variables to differentiate against.
 * @returns the loss, the gradients and the metrics; the caller owns (and disposes) all of them.
 * @throws TypeError when `doLoss` returns a loss or metric that is not a scalar tensor.
 * @example
 * const { loss, gradients, metrics } = objectiveGradients(objective, batch, { step: 0, seed: 1, training: true }, variables);
 * tf.dispose([loss, gradients, metrics]);
 */
export function objectiveGradients<Batch>(
  objective: ObjectiveV1<Batch>,
  batch: Batch,
  context: StepContextV1,
  variables: tf.Variable[],
): ObjectiveGradients {
  let kept: Record<string, tf.Scalar> = {};
  try {
    const { value, grads } = tf.variableGrads(() => {
      const output = objective.doLoss(batch, context);
      checkScalar(objective.method, 'loss', output.loss);
      kept = {};
      for (const [name, metric] of Object.entries(output.metrics ?? {})) {
        checkScalar(objective.method, `metric '${name}'`, metric);
        kept[name] = tf.keep(metric);
      }
      return output.loss;
    }, variables);
    return { loss: value, gradients: grads, metrics: kept };
  } catch (error) {
    tf.dispose(kept);
    throw error;
  }
}
