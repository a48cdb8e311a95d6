import * as tf from '@tensorflow/tfjs';
import type { InputSpecV1 } from '../spec/input-spec-v1';

/** Labels of a labeled set: integer class ids (classification) or float targets (regression). */
export type Labels = Int32Array | readonly number[] | Float32Array;

/** The kind of supervised problem a head solves. */
export type FinetuneTask = 'classification' | 'regression';

/**
 * A labeled set: `N` examples in the encoder's input format and their labels.
 *
 * - classification: `labels` holds `N` integer class ids in `[0, numClasses)` (`Int32Array` or `number[]`);
 * - regression: `labels` holds `N × T` float targets, row-major (`Float32Array`), `T ≥ 1` outputs per example.
 *
 * The caller owns `inputs` (selfsup never disposes it).
 */
export type LabeledData = {
  /** `[N, ...inputSpec.shape]`, the encoder's input format. */
  readonly inputs: tf.Tensor;
  /** One class id per example, or `T` targets per example. */
  readonly labels: Labels;
};

/**
 * The number of examples of a labeled set (`inputs.shape[0]`).
 *
 * @param data the labeled set.
 * @returns `N`.
 * @example countExamples({ inputs: tf.zeros([5, 2]), labels: [0, 1, 0, 1, 0] }); // 5
 */
export function countExamples(data: LabeledData): number {
  const count = data.inputs.shape[0];
  if (count === undefined || data.inputs.rank < 1) {
    throw new Error('Labeled inputs need a batch axis: pass a tensor of shape [N, ...].');
  }
  return count;
}

/**
 * Checks a labeled set against a task and returns its labels as a typed array:
 * class ids (`Int32Array`, each in `[0, numClasses)`) or targets (`Float32Array`, `N × T`).
 *
 * @param data the labeled set.
 * @param task classification or regression.
 * @param name how error messages call the set (e.g. `'validation'`).
 * @param numClasses the class count to check ids against (classification only).
 * @returns the labels, converted.
 * @example const classIds = checkLabels({ inputs, labels: [0, 1] }, 'classification', 'train') as Int32Array;
 */
export function checkLabels(
  data: LabeledData,
  task: FinetuneTask,
  name: string,
  numClasses?: number,
): Int32Array | Float32Array {
  const count = countExamples(data);
  if (count === 0) throw new Error(`The ${name} set is empty: pass at least one labeled example.`);
  const labels = data.labels;
  if (task === 'classification') {
    if (labels instanceof Float32Array) {
      throw new Error(
        `The ${name} labels are a Float32Array (regression targets) but the task is 'classification': ` +
          `pass class ids as an Int32Array or number[], or set task: 'regression'.`,
      );
    }
    if (labels.length !== count) {
      throw new Error(
        `The ${name} set has ${count} inputs but ${labels.length} labels: pass exactly one class id per example.`,
      );
    }
    const classIds = Int32Array.from(labels);
    for (let i = 0; i < labels.length; i++) {
      const label = labels[i]!;
      if (
        !Number.isInteger(label) ||
        label < 0 ||
        (numClasses !== undefined && label >= numClasses)
      ) {
        const range =
          numClasses === undefined ? 'a non-negative integer' : `an integer in [0, ${numClasses})`;
        throw new Error(
          `The ${name} label at index ${i} is ${label}, but class ids must be ${range}: ` +
            `map your classes to 0..numClasses-1${numClasses === undefined ? '' : ' or raise numClasses'}.`,
        );
      }
    }
    return classIds;
  }
  if (labels.length === 0 || labels.length % count !== 0) {
    throw new Error(
      `The ${name} set has ${count} inputs but ${labels.length} regression targets: ` +
        `pass N × T targets (T per example, row-major).`,
    );
  }
  const targets = Float32Array.from(labels);
  const bad = targets.findIndex((value) => !Number.isFinite(value));
  if (bad >= 0) {
    throw new Error(
      `The ${name} regression target at index ${bad} is ${targets[bad]}: targets must be finite numbers.`,
    );
  }
  return targets;
}

/**
 * Checks that inputs match an encoder's input spec (rank, fixed axes, dtype), with a message that
 * says what to change.
 *
 * @param inputs `[N, ...]` inputs.
 * @param inputSpec the encoder's input spec.
 * @param name how error messages call the set.
 * @example checkInputs(data.inputs, encoder.inputSpec, 'train');
 */
export function checkInputs(inputs: tf.Tensor, inputSpec: InputSpecV1, name: string): void {
  const expected = `[N, ${inputSpec.shape.map((size) => (size === null ? '*' : String(size))).join(', ')}]`;
  const fits =
    inputs.rank === inputSpec.shape.length + 1 &&
    inputSpec.shape.every((size, axis) => size === null || inputs.shape[axis + 1] === size);
  if (!fits) {
    throw new Error(
      `The ${name} inputs have shape ${JSON.stringify(inputs.shape)} but the encoder takes ${expected} ` +
        `(${inputSpec.modality}): reshape or preprocess the inputs to the encoder's input spec.`,
    );
  }
  if (inputs.dtype !== inputSpec.dtype) {
    throw new Error(
      `The ${name} inputs are ${inputs.dtype} but the encoder takes ${inputSpec.dtype}: cast them with .cast('${inputSpec.dtype}').`,
    );
  }
}

/**
 * The labeled examples at `indices`, as a new set (new `inputs` tensor the caller disposes).
 *
 * @param data the labeled set.
 * @param indices example indices.
 * @param targetSize values per example in `data.labels` (1 for class ids).
 * @returns the selected examples.
 * @example const subset = selectExamples(train, Int32Array.from([0, 5, 9])); subset.inputs.dispose();
 */
export function selectExamples(
  data: LabeledData,
  indices: Int32Array,
  targetSize = 1,
): LabeledData {
  const inputs = tf.tidy(() => tf.gather(data.inputs, tf.tensor1d(indices, 'int32')));
  const source = data.labels;
  if (source instanceof Float32Array || targetSize > 1) {
    const labels = new Float32Array(indices.length * targetSize);
    indices.forEach((index, row) => {
      for (let j = 0; j < targetSize; j++)
        labels[row * targetSize + j] = source[index * targetSize + j]!;
    });
    return { inputs, labels };
  }
  return { inputs, labels: Int32Array.from(indices, (index) => source[index]!) };
}
