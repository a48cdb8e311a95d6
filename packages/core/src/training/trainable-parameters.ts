import type * as tf from '@tensorflow/tfjs';
import type { ObjectiveV1 } from '../spec/objective-v1';
import type { TrainableParameter } from './optimizers/optimizer';

/**
 * The trainable weights of an objective, encoder first then heads in name order, each with a
 * stable key (`encoder/<i>`, `heads/<name>/<i>`: the index among the model's trainable weights)
 * under which optimizer state is stored. A weight shared by several models is listed once.
 *
 * @param objective the objective.
 * @returns the parameters, in a deterministic order.
 * @example const parameters = collectTrainableParameters(objective);
 */
export function collectTrainableParameters(objective: ObjectiveV1<never>): TrainableParameter[] {
  const parameters: TrainableParameter[] = [];
  const seen = new Set<string>();
  const add = (prefix: string, model: tf.LayersModel): void => {
    model.trainableWeights.forEach((weight, index) => {
      const variable = weight.read() as tf.Variable;
      if (seen.has(variable.name)) return;
      seen.add(variable.name);
      parameters.push({ key: `${prefix}/${index}`, name: weight.originalName, variable });
    });
  };
  add('encoder', objective.encoder.model);
  for (const name of Object.keys(objective.heads).sort()) {
    const head = objective.heads[name];
    if (head !== undefined) add(`heads/${name}`, head);
  }
  return parameters;
}
