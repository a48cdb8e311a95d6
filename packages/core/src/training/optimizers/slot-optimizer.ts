import * as tf from '@tensorflow/tfjs';
import type { JsonObject } from '../../spec/json';
import type { Optimizer, OptimizerName, TrainableParameter } from './optimizer';

/** Gives the state variable `slotName` of the parameter being updated (zeros at first). */
export type SlotReader = (slotName: string) => tf.Variable;

/**
 * Base of selfsup's optimizers: keeps per-parameter state variables ("slots", e.g. Adam's
 * moments) under `<parameter key>/<slot>`, the update count, and their export/import as named
 * tensors. Subclasses write {@link SlotOptimizer.prepare} (per-step scalars) and
 * {@link SlotOptimizer.update} (a few fused ops per parameter); both run inside one `tf.tidy`.
 */
export abstract class SlotOptimizer<StepConstants> implements Optimizer {
  abstract readonly name: OptimizerName;
  private iterationCount = 0;
  private readonly slots = new Map<string, tf.Variable>();

  /** Updates applied so far. */
  get iterations(): number {
    return this.iterationCount;
  }

  /** Builds the scalars every parameter's update shares (called inside the step's tidy). */
  protected abstract prepare(learningRate: number, iteration: number): StepConstants;

  /** Updates one parameter in place (called inside the step's tidy). */
  protected abstract update(
    parameter: TrainableParameter,
    gradient: tf.Tensor,
    slot: SlotReader,
    constants: StepConstants,
  ): void;

  abstract getConfig(): JsonObject;

  applyGradients(
    parameters: readonly TrainableParameter[],
    gradients: Readonly<Record<string, tf.Tensor>>,
    learningRate: number,
  ): void {
    if (!Number.isFinite(learningRate) || learningRate < 0) {
      throw new RangeError(
        `${this.name}: the learning rate must be a finite number ≥ 0, got ${learningRate}.`,
      );
    }
    this.iterationCount++;
    tf.tidy(() => {
      const constants = this.prepare(learningRate, this.iterationCount);
      for (const parameter of parameters) {
        const gradient = gradients[parameter.key];
        if (gradient === undefined) continue;
        if (!tf.util.arraysEqual(gradient.shape, parameter.variable.shape)) {
          throw new Error(
            `${this.name}: the gradient of '${parameter.name}' has shape ${JSON.stringify(gradient.shape)} ` +
              `but the weight has shape ${JSON.stringify(parameter.variable.shape)}.`,
          );
        }
        this.update(parameter, gradient, (slotName) => this.slot(parameter, slotName), constants);
      }
    });
  }

  getState(): Record<string, tf.Tensor> {
    const state: Record<string, tf.Tensor> = {
      iterations: tf.scalar(this.iterationCount, 'int32'),
    };
    for (const [name, variable] of this.slots) state[name] = variable.clone();
    return state;
  }

  setState(state: Readonly<Record<string, tf.Tensor>>): void {
    const iterations = state.iterations;
    if (iterations === undefined || iterations.size !== 1) {
      throw new Error(
        `${this.name}: the optimizer state has no scalar 'iterations'; it was not written by getState() ` +
          'of a selfsup optimizer. Resume from a checkpoint written by pretrain().',
      );
    }
    const count = iterations.dataSync()[0] ?? 0;
    this.disposeSlots();
    this.iterationCount = count;
    for (const [name, tensor] of Object.entries(state)) {
      if (name === 'iterations') continue;
      this.slots.set(
        name,
        tf.tidy(() => tf.variable(tensor.clone().asType('float32'), false)),
      );
    }
  }

  dispose(): void {
    this.disposeSlots();
  }

  private disposeSlots(): void {
    for (const variable of this.slots.values()) variable.dispose();
    this.slots.clear();
  }

  private slot(parameter: TrainableParameter, slotName: string): tf.Variable {
    const name = `${parameter.key}/${slotName}`;
    const existing = this.slots.get(name);
    if (existing !== undefined) {
      if (!tf.util.arraysEqual(existing.shape, parameter.variable.shape)) {
        throw new Error(
          `${this.name}: the optimizer state '${name}' has shape ${JSON.stringify(existing.shape)} but ` +
            `'${parameter.name}' has shape ${JSON.stringify(parameter.variable.shape)}: the state belongs to ` +
            'another model. Resume with the objective the checkpoint was written with.',
        );
      }
      return existing;
    }
    const created = tf.variable(tf.zerosLike(parameter.variable), false);
    this.slots.set(name, created);
    return created;
  }
}
