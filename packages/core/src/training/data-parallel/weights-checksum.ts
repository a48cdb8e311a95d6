import type * as tf from '@tensorflow/tfjs';
import type { ObjectiveV1 } from '../../spec/objective-v1';

/**
 * Every weight of an objective, trainable or not (BatchNorm moving statistics too): the encoder's,
 * then each head's in name order, each variable once.
 *
 * @param objective the objective.
 * @returns the variables, in a deterministic order.
 * @example const variables = objectiveVariables(objective);
 */
export function objectiveVariables(objective: ObjectiveV1<never>): tf.Variable[] {
  const variables: tf.Variable[] = [];
  const seen = new Set<string>();
  const add = (model: tf.LayersModel): void => {
    for (const weight of model.weights) {
      const variable = weight.read() as tf.Variable;
      if (seen.has(variable.name)) continue;
      seen.add(variable.name);
      variables.push(variable);
    }
  };
  add(objective.encoder.model);
  for (const name of Object.keys(objective.heads).sort()) {
    const head = objective.heads[name];
    if (head !== undefined) add(head);
  }
  return variables;
}

/**
 * A 32-bit FNV-1a hash of the bits of tensors, in order: replicas whose weights are bit-identical
 * have the same checksum.
 *
 * @param tensors float32 tensors (e.g. {@link objectiveVariables}).
 * @returns an unsigned 32-bit hash.
 * @example weightsChecksum(objectiveVariables(objective)) // e.g. 2841095170
 */
export function weightsChecksum(tensors: readonly tf.Tensor[]): number {
  let hash = 0x811c9dc5;
  for (const tensor of tensors) {
    const values = tensor.dataSync() as Float32Array;
    const words = new Uint32Array(values.buffer, values.byteOffset, values.length);
    for (let index = 0; index < words.length; index++) {
      hash = Math.imul(hash ^ (words[index] as number), 0x01000193);
    }
  }
  return hash >>> 0;
}
