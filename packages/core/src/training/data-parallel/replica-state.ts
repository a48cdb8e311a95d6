import * as tf from '@tensorflow/tfjs';
import type { ObjectiveV1 } from '../../spec/objective-v1';
import type { Optimizer } from '../optimizers/optimizer';
import type { TensorData } from './batch-shards';
import { objectiveVariables } from './weights-checksum';

/**
 * Everything a replica's training depends on, as plain data that `postMessage` can carry: every
 * weight of the objective (trainable or not, in {@link objectiveVariables} order), the optimizer
 * state (`Optimizer.getState()`: `iterations` and `<parameter key>/<slot>`) and the objective's
 * `doGetState()` tensors. Moving it between the main thread and the workers is how `pretrain()`
 * starts, checkpoints and resumes a data-parallel run.
 */
export type ReplicaState = {
  /** Every weight, in {@link objectiveVariables} order, with its variable name (for errors). */
  readonly weights: readonly (TensorData & { readonly name: string })[];
  /** The optimizer state. */
  readonly optimizer: Readonly<Record<string, TensorData>>;
  /** The objective's `doGetState()` tensors; null when it has none. */
  readonly objectiveState: Readonly<Record<string, TensorData>> | null;
};

/**
 * Copies a tensor's values out as {@link TensorData}.
 *
 * @param tensor a float32, int32 or bool tensor (not disposed).
 * @returns its values, shape and dtype.
 * @example tensorToData(tf.scalar(1)) // { kind: 'tensor', values: Float32Array [1], shape: [], dtype: 'float32' }
 */
export function tensorToData(tensor: tf.Tensor): TensorData {
  if (tensor.dtype !== 'float32' && tensor.dtype !== 'int32' && tensor.dtype !== 'bool') {
    throw new TypeError(
      `Replica state holds float32, int32 or bool tensors, got ${tensor.dtype}: cast it in the objective's doGetState().`,
    );
  }
  const values = tensor.dataSync() as Float32Array | Int32Array | Uint8Array;
  return { kind: 'tensor', values: values.slice(), shape: [...tensor.shape], dtype: tensor.dtype };
}

function namedToData(tensors: Record<string, tf.Tensor>): Record<string, TensorData> {
  try {
    return Object.fromEntries(
      Object.entries(tensors).map(([name, tensor]) => [name, tensorToData(tensor)]),
    );
  } finally {
    tf.dispose(tensors);
  }
}

function dataToTensor(data: TensorData): tf.Tensor {
  return tf.tensor(data.values, [...data.shape], data.dtype);
}

/**
 * Reads an objective's weights, its optimizer's state and its `doGetState()` as {@link ReplicaState}.
 *
 * @param objective the objective (nothing is changed).
 * @param optimizer its optimizer.
 * @returns copies of the values (no tensors are left alive).
 * @example const state = readReplicaState(objective, optimizer);
 */
export function readReplicaState(
  objective: ObjectiveV1<never>,
  optimizer: Optimizer,
): ReplicaState {
  return {
    weights: objectiveVariables(objective).map((variable) => ({
      ...tensorToData(variable),
      name: variable.name,
    })),
    optimizer: namedToData(optimizer.getState()),
    objectiveState: objective.doGetState === undefined ? null : namedToData(objective.doGetState()),
  };
}

/**
 * Writes a {@link ReplicaState} into an objective and its optimizer, after checking that every
 * weight's shape matches (nothing is written when one does not).
 *
 * @param objective the objective to overwrite (same architecture as the state's).
 * @param optimizer its optimizer, whose state is replaced.
 * @param state what {@link readReplicaState} returned, here or in another thread.
 * @param where how to name the two sides in an error, e.g. `'the workload's objective'`.
 * @example writeReplicaState(objective, optimizer, state, 'the main-thread objective');
 */
export function writeReplicaState(
  objective: ObjectiveV1<never>,
  optimizer: Optimizer,
  state: ReplicaState,
  where: string,
): void {
  const variables = objectiveVariables(objective);
  if (variables.length !== state.weights.length) {
    throw new Error(
      `${where} has ${variables.length} weights but the state to load has ${state.weights.length}: ` +
        'the main-thread objective and the workload build different models. Build both from the same configuration.',
    );
  }
  variables.forEach((variable, index) => {
    const weight = state.weights[index] as ReplicaState['weights'][number];
    if (
      !tf.util.arraysEqual(variable.shape, [...weight.shape]) ||
      variable.dtype !== weight.dtype
    ) {
      throw new Error(
        `${where}: weight ${index} ('${variable.name}') is ${variable.dtype} ${JSON.stringify(variable.shape)} but the state to load ` +
          `has '${weight.name}' ${weight.dtype} ${JSON.stringify(weight.shape)}: the main-thread objective and the workload build ` +
          'different models. Build both from the same configuration.',
      );
    }
  });
  if ((state.objectiveState === null) !== (objective.doGetState === undefined)) {
    throw new Error(
      `${where} ${objective.doGetState === undefined ? 'has no' : 'has a'} doGetState() but the state to load ${state.objectiveState === null ? 'has none' : 'has one'}: ` +
        'the main-thread objective and the workload are different objectives. Build both from the same configuration.',
    );
  }
  variables.forEach((variable, index) => {
    const values = dataToTensor(state.weights[index] as TensorData);
    variable.assign(values);
    values.dispose();
  });
  const optimizerState = Object.fromEntries(
    Object.entries(state.optimizer).map(([name, data]) => [name, dataToTensor(data)]),
  );
  try {
    optimizer.setState(optimizerState);
  } finally {
    tf.dispose(optimizerState);
  }
  if (state.objectiveState !== null) {
    const objectiveState = Object.fromEntries(
      Object.entries(state.objectiveState).map(([name, data]) => [name, dataToTensor(data)]),
    );
    try {
      objective.doSetState?.(objectiveState);
    } finally {
      tf.dispose(objectiveState);
    }
  }
}
