import * as tf from '@tensorflow/tfjs';
import { copyTensorValues } from '../../backend/copy-tensor-values';
import { deriveSeed } from '../../random/seeded-random';
import type { ObjectiveV1, StepContextV1 } from '../../spec/objective-v1';
import { clipByGlobalNorm, globalNorm } from '../clip-by-global-norm';
import { createLearningRateSchedule } from '../learning-rate-schedule';
import { objectiveGradients } from '../objective-gradients';
import { optimizerFromSettings } from '../optimizer-from-settings';
import type { Optimizer, TrainableParameter } from '../optimizers/optimizer';
import { type PretrainSettings, parsePretrainOptions } from '../pretrain-options';
import { collectTrainableParameters } from '../trainable-parameters';
import type { DataParallelTrainingOptions } from './data-parallel-options';
import { type ReplicaState, readReplicaState, writeReplicaState } from './replica-state';
import type { SharedMemoryGroup } from './shared-memory-group';
import { objectiveVariables, weightsChecksum } from './weights-checksum';

/** What {@link DataParallelReplica.step} measures and returns (identical on every rank except the times). */
export type ReplicaStepResult = {
  /** False when the loss or the gradient norm was not finite: no update was applied (as `pretrain()`). */
  readonly updated: boolean;
  readonly loss: number;
  readonly gradientNorm: number;
  readonly metrics: Record<string, number>;
  readonly learningRate: number;
  readonly computeMilliseconds: number;
  readonly exchangeMilliseconds: number;
  readonly updateMilliseconds: number;
};

/**
 * One worker's replica of a data-parallel run: the objective, its optimizer and schedule, and the
 * step that all-reduces gradients through the group.
 *
 * The step mirrors `pretrain()`'s (accumulation 1): `tf.variableGrads` of `doLoss` on the worker's
 * shard with the step context `{ step, seed: deriveSeed(seed, step) }`; then one all-reduce of
 * `[gradients…, presence flags, loss, metrics]` straight from the tensors' memory
 * (`allReduceShared`: each worker reduces its share), which averages the gradients over workers
 * (the mean of equal shards' mean gradients is the whole batch's gradient); the global norm, the clip, the
 * non-finite check (a non-finite loss or norm skips the update and returns `updated: false`), the
 * optimizer update with the scheduled rate, and `doAfterStep`. Every rank
 * computes the same sums in the same order, so replicas stay bit-identical without broadcasting
 * weights ({@link DataParallelReplica.checksum} verifies it).
 */
export class DataParallelReplica {
  readonly objective: ObjectiveV1<unknown>;
  readonly parameters: readonly TrainableParameter[];
  readonly settings: PretrainSettings;
  private readonly group: SharedMemoryGroup;
  private readonly optimizer: Optimizer;
  private readonly schedule: (step: number) => number;
  private readonly offsets: number[];
  private readonly gradientSize: number;

  /**
   * @param objective the replica's objective (owned: disposed with the replica).
   * @param training optimizer, schedule, clip and seed (parsed like `pretrain()`'s options).
   * @param group the worker's group.
   */
  constructor(
    objective: ObjectiveV1<unknown>,
    training: DataParallelTrainingOptions,
    group: SharedMemoryGroup,
  ) {
    const settings = parsePretrainOptions(training);
    if (settings.accumulationSteps !== 1) {
      throw new RangeError(
        'Data-parallel training does not accumulate micro-batches yet: set accumulationSteps to 1 and use a larger global batch.',
      );
    }
    this.objective = objective;
    this.settings = settings;
    this.group = group;
    this.parameters = collectTrainableParameters(objective as ObjectiveV1<never>);
    if (this.parameters.length === 0)
      throw new Error(`The '${objective.method}' objective has no trainable weights.`);
    this.offsets = [];
    let offset = 0;
    for (const parameter of this.parameters) {
      this.offsets.push(offset);
      offset += parameter.variable.size;
    }
    this.gradientSize = offset;
    this.schedule = createLearningRateSchedule({
      learningRate: settings.learningRate,
      warmupSteps: settings.warmupSteps,
      totalSteps: settings.steps as number,
      schedule: settings.schedule,
      minimumLearningRate: settings.minimumLearningRate,
    });
    this.optimizer = optimizerFromSettings(settings);
  }

  /** Float32 values of one gradient exchange: the gradients plus flags, loss and metrics. */
  exchangeSize(metricCount = 8): number {
    return this.gradientSize + this.parameters.length + 1 + metricCount;
  }

  /** Number of trainable values. */
  get parameterCount(): number {
    return this.gradientSize;
  }

  /**
   * Trains one step on this worker's shard (all workers must call it with the same step).
   *
   * @param batch this worker's shard (disposed by the caller).
   * @param step the 0-based step.
   * @returns the global loss, gradient norm and metrics (the same on every rank) and this worker's times.
   */
  step(batch: unknown, step: number): ReplicaStepResult {
    const { objective, parameters, group } = this;
    const started = performance.now();
    const context: StepContextV1 = {
      step,
      seed: deriveSeed(this.settings.seed, step),
      training: true,
    };
    const variables = parameters.map((parameter) => parameter.variable);
    const {
      loss: value,
      gradients: grads,
      metrics: kept,
    } = objectiveGradients(objective, batch, context, variables);
    const metricNames = Object.keys(kept).sort();
    const exchangeLength = this.gradientSize + parameters.length + 1 + metricNames.length;
    const computed = performance.now();
    let summed: Float32Array;
    try {
      // Each gradient goes from the tensor's memory straight into this worker's shared slot.
      summed = group.allReduceShared(
        exchangeLength,
        (slot) => {
          parameters.forEach((parameter, index) => {
            const gradient = grads[parameter.variable.name];
            const offset = this.offsets[index] as number;
            if (gradient === undefined) {
              slot.fill(0, offset, offset + parameter.variable.size);
              slot[this.gradientSize + index] = 0;
              return;
            }
            copyTensorValues(gradient, slot, offset);
            slot[this.gradientSize + index] = 1;
          });
          slot[this.gradientSize + parameters.length] = value.dataSync()[0] as number;
          metricNames.forEach((name, index) => {
            slot[this.gradientSize + parameters.length + 1 + index] = (
              kept[name] as tf.Scalar
            ).dataSync()[0] as number;
          });
        },
        this.gradientSize,
      );
    } finally {
      tf.dispose(grads);
      tf.dispose(value);
      tf.dispose(kept);
    }
    const exchanged = performance.now();
    const workers = group.size;
    // The gradients arrive averaged; the flags, loss and metrics summed.
    const loss = (summed[this.gradientSize + parameters.length] as number) / workers;
    const metrics: Record<string, number> = {};
    metricNames.forEach((name, index) => {
      metrics[name] =
        (summed[this.gradientSize + parameters.length + 1 + index] as number) / workers;
    });
    const learningRate = this.schedule(step);
    const { gradients, norm } = tf.tidy(() => {
      const averaged: Record<string, tf.Tensor> = {};
      parameters.forEach((parameter, index) => {
        if (summed[this.gradientSize + index] === 0) return; // no worker had a gradient: left alone, as pretrain()
        const offset = this.offsets[index] as number;
        const values = summed.subarray(offset, offset + parameter.variable.size);
        averaged[parameter.key] = tf.tensor(values, parameter.variable.shape, 'float32');
      });
      // pretrain()'s clip: one fused kernel on wasm, tensor ops elsewhere.
      return this.settings.clipNorm === undefined
        ? { gradients: averaged, norm: globalNorm(averaged) }
        : clipByGlobalNorm(averaged, this.settings.clipNorm);
    });
    let gradientNorm: number;
    let updated = false;
    try {
      gradientNorm = norm.dataSync()[0] as number;
      // Every rank sees the same sums, so every rank skips a non-finite step alike.
      if (Number.isFinite(loss) && Number.isFinite(gradientNorm)) {
        this.optimizer.applyGradients(parameters, gradients, learningRate);
        updated = true;
      }
    } finally {
      tf.dispose(gradients);
      norm.dispose();
    }
    if (updated) objective.doAfterStep?.(context);
    const finished = performance.now();
    return {
      updated,
      loss,
      gradientNorm,
      metrics,
      learningRate,
      computeMilliseconds: computed - started,
      exchangeMilliseconds: exchanged - computed,
      updateMilliseconds: finished - exchanged,
    };
  }

  /** {@link weightsChecksum} of every weight of this replica (moving statistics included). */
  checksum(): number {
    return weightsChecksum(objectiveVariables(this.objective as ObjectiveV1<never>));
  }

  /** Every trainable weight, flattened and concatenated in parameter order. */
  readWeights(): Float32Array {
    const values = new Float32Array(this.gradientSize);
    this.parameters.forEach((parameter, index) => {
      values.set(parameter.variable.dataSync() as Float32Array, this.offsets[index] as number);
    });
    return values;
  }

  /** The replica's weights, optimizer state and objective state (see {@link readReplicaState}). */
  readState(): ReplicaState {
    return readReplicaState(this.objective as ObjectiveV1<never>, this.optimizer);
  }

  /**
   * Overwrites the replica's weights, optimizer state and objective state.
   *
   * @param state a state read on the main thread or from another replica.
   */
  writeState(state: ReplicaState): void {
    writeReplicaState(
      this.objective as ObjectiveV1<never>,
      this.optimizer,
      state,
      `Data-parallel worker ${this.group.rank}'s objective`,
    );
  }

  /** Frees the optimizer state and the objective. */
  dispose(): void {
    this.optimizer.dispose();
    this.objective.dispose();
  }
}
