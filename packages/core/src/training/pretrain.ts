import * as tf from '@tensorflow/tfjs';
import { deriveSeed, SeededRandom } from '../random/seeded-random';
import type { BatchSourceV1 } from '../spec/batch-source-v1';
import type { ObjectiveV1, StepContextV1 } from '../spec/objective-v1';
import { globalNorm } from './clip-by-global-norm';
import { createLearningRateSchedule } from './learning-rate-schedule';
import { createOptimizer } from './optimizers/create-optimizer';
import type { Optimizer } from './optimizers/optimizer';
import { prefetch } from './prefetch';
import {
  type PretrainOptions,
  type PretrainSettings,
  parsePretrainOptions,
} from './pretrain-options';
import type { PretrainResult } from './pretrain-result';
import { collectTrainableParameters } from './trainable-parameters';
import { NonFiniteLossError, TrainingAbortedError } from './training-errors';

/** What `pretrain()` trains on: a resumable {@link BatchSourceV1}, or any (async) iterable of batches (not resumable). */
export type PretrainData<Batch> = BatchSourceV1<Batch> | Iterable<Batch> | AsyncIterable<Batch>;

function isBatchSource<Batch>(data: PretrainData<Batch>): data is BatchSourceV1<Batch> {
  return (
    typeof data === 'object' &&
    data !== null &&
    (data as { specificationVersion?: unknown }).specificationVersion === 'v1' &&
    typeof (data as { batches?: unknown }).batches === 'function'
  );
}

function batchesPerEpoch<Batch>(data: PretrainData<Batch>): number | undefined {
  if (Array.isArray(data)) return data.length;
  const size = (data as { batchesPerEpoch?: unknown }).batchesPerEpoch;
  return typeof size === 'number' && Number.isInteger(size) && size > 0 ? size : undefined;
}

function resolveTotalSteps<Batch>(settings: PretrainSettings, data: PretrainData<Batch>): number {
  if (settings.steps !== undefined) return settings.steps;
  if (settings.epochs !== undefined) {
    const size = batchesPerEpoch(data);
    if (size === undefined) {
      throw new TypeError(
        'pretrain(): `epochs` needs data that says its size (an array, or a source with a positive integer `batchesPerEpoch`); give `steps` instead.',
      );
    }
    return Math.max(1, Math.ceil((settings.epochs * size) / settings.accumulationSteps));
  }
  throw new TypeError(
    'pretrain(): give the run length as `steps` (or `epochs` for data that says its size).',
  );
}

function firstTensor(batch: unknown): tf.Tensor | undefined {
  if (batch instanceof tf.Tensor) return batch;
  if (typeof batch !== 'object' || batch === null) return undefined;
  for (const value of Object.values(batch)) {
    const found = firstTensor(value);
    if (found !== undefined) return found;
  }
  return undefined;
}

function firstTokens(batch: unknown): tf.Tensor | undefined {
  if (batch instanceof tf.Tensor) return batch.dtype === 'int32' ? batch : undefined;
  if (typeof batch !== 'object' || batch === null) return undefined;
  for (const value of Object.values(batch)) {
    const found = firstTokens(value);
    if (found !== undefined) return found;
  }
  return undefined;
}

function toIterator<Batch>(
  data: Iterable<Batch> | AsyncIterable<Batch>,
): Iterator<Batch> | AsyncIterator<Batch> {
  if (Symbol.asyncIterator in data) return (data as AsyncIterable<Batch>)[Symbol.asyncIterator]();
  return (data as Iterable<Batch>)[Symbol.iterator]();
}

function checkScalar(method: string, what: string, tensor: tf.Tensor): void {
  if (!(tensor instanceof tf.Tensor) || tensor.rank !== 0) {
    const shape = tensor instanceof tf.Tensor ? JSON.stringify(tensor.shape) : typeof tensor;
    throw new TypeError(
      `The '${method}' objective's doLoss returned a ${what} of shape ${shape}; it must be a scalar tensor (reduce it with .mean()).`,
    );
  }
}

function mean(parts: readonly tf.Scalar[]): tf.Scalar {
  return (
    parts.length === 1 ? (parts[0] as tf.Scalar) : tf.addN(parts as tf.Scalar[]).div(parts.length)
  ) as tf.Scalar;
}

/**
 * Pretrains an objective: the one training loop of every selfsup method.
 *
 * Each step draws `accumulationSteps` batches, computes the gradients of `objective.doLoss` over
 * the trainable weights of the encoder and heads (`tf.variableGrads`), averages them, clips them
 * to `clipNorm`, reads the loss, gradient norm and metrics back in one transfer, stops on a
 * non-finite value (before updating), applies the optimizer with the scheduled learning rate, and
 * calls `objective.doAfterStep`. The number of live tensors is the same after every step.
 *
 * Checkpoints (`checkpoint.directory`) are written atomically every `everySteps`, at the end and on
 * abort; `resume` continues a run exactly (same weights, optimizer state, step, RNG state and data
 * position: the result equals an uninterrupted run on the same backend and seed). Resuming needs
 * a {@link BatchSourceV1}; plain iterables train but cannot resume.
 *
 * @param objective the objective to train (its weights are updated in place).
 * @param data a {@link BatchSourceV1} or an (async) iterable of batches; each batch is disposed after its step.
 * @param options length, optimizer, schedule, checkpoints, progress and abort (see {@link PretrainOptions}).
 * @returns the final loss and metrics, the per-step loss history, the steps done and the time.
 * @throws TrainingAbortedError when `signal` aborts (after saving); NonFiniteLossError on NaN/Inf.
 * @example
 * const result = await pretrain(objective, source, {
 *   steps: 1000, learningRate: 1e-3, warmupSteps: 50,
 *   checkpoint: { directory: './runs/simclr', everySteps: 100 },
 *   onProgress: (event) => console.log(event.step, event.loss),
 * });
 */
export async function pretrain<Batch>(
  objective: ObjectiveV1<Batch>,
  data: PretrainData<Batch>,
  options: PretrainOptions,
): Promise<PretrainResult> {
  const settings = parsePretrainOptions(options);
  const resumable = isBatchSource(data);
  const totalSteps = resolveTotalSteps(settings, data);
  const accumulation = settings.accumulationSteps;
  const parameters = collectTrainableParameters(objective as ObjectiveV1<never>);
  if (parameters.length === 0)
    throw new Error(`pretrain(): the '${objective.method}' objective has no trainable weights.`);
  const variables = parameters.map((parameter) => parameter.variable);
  const keyOfVariable = new Map(
    parameters.map((parameter) => [parameter.variable.name, parameter.key]),
  );
  const schedule = createLearningRateSchedule({
    learningRate: settings.learningRate,
    warmupSteps: settings.warmupSteps,
    totalSteps,
    schedule: settings.schedule,
    minimumLearningRate: settings.minimumLearningRate,
  });
  const training = {
    totalSteps,
    optimizer: settings.optimizer,
    learningRate: settings.learningRate,
    minimumLearningRate: settings.minimumLearningRate,
    warmupSteps: settings.warmupSteps,
    schedule: settings.schedule,
    accumulationSteps: accumulation,
    clipNorm: settings.clipNorm ?? null,
  };
  const random = new SeededRandom(settings.seed);
  const optimizer: Optimizer = createOptimizer(settings.optimizer, {
    beta1: settings.beta1,
    beta2: settings.beta2,
    epsilon: settings.epsilon,
    momentum: settings.momentum,
    nesterov: settings.nesterov,
    trustCoefficient: settings.trustCoefficient,
    excludeFromWeightDecay: settings.excludeFromWeightDecay,
    ...(settings.weightDecay === undefined ? {} : { weightDecay: settings.weightDecay }),
  });
  const started = performance.now();
  const history: number[] = [];
  let step = 0;
  let dataPosition = 0;
  let lastCheckpoint: string | undefined;
  let resumedFrom: string | undefined;
  let lastLoss: number | undefined;
  let lastMetrics: Record<string, number> = {};
  let savedStep = -1;
  let examples = 0;
  let tokens = 0;
  let stoppedBy: PretrainResult['stoppedBy'] = 'steps';
  const tokenInput = objective.encoder.inputSpec.modality === 'tokens';

  const elapsedSeconds = (): number => (performance.now() - started) / 1000;
  const result = (): PretrainResult => ({
    step,
    stepsRun: history.length,
    loss: lastLoss,
    metrics: lastMetrics,
    history,
    elapsedSeconds: elapsedSeconds(),
    stoppedBy,
    ...(lastCheckpoint === undefined ? {} : { checkpoint: lastCheckpoint }),
    ...(resumedFrom === undefined ? {} : { resumedFrom }),
  });

  const save = async (): Promise<void> => {
    const root = settings.checkpoint?.directory;
    if (root === undefined || savedStep === step) return;
    const { saveRunCheckpoint } = await import('./run-checkpoints');
    try {
      lastCheckpoint = await saveRunCheckpoint(
        root,
        settings.checkpoint?.keepLast ?? 2,
        objective as ObjectiveV1<never>,
        {
          step,
          metrics: lastLoss === undefined ? lastMetrics : { loss: lastLoss, ...lastMetrics },
          seed: settings.seed,
          randomState: random.getState(),
          dataPosition,
          resumable,
          optimizer,
          training,
          ...(settings.dataset === undefined ? {} : { dataset: settings.dataset }),
          ...(settings.tokenizer === undefined ? {} : { tokenizer: settings.tokenizer }),
        },
      );
      savedStep = step;
    } catch (error) {
      if (error instanceof Error && /NaN or Inf/.test(error.message)) {
        throw new NonFiniteLossError(
          step - 1,
          `weights after the update (${error.message})`,
          lastCheckpoint,
          schedule(Math.max(0, step - 1)),
        );
      }
      throw error;
    }
  };

  try {
    if (settings.resume !== false) {
      if (!resumable) {
        throw new TypeError(
          'pretrain(): resume needs data that is a BatchSourceV1 (it restarts reading at the saved position); ' +
            'a plain iterable cannot be rewound. Wrap your data in a BatchSourceV1, or train without resume.',
        );
      }
      const directory =
        settings.resume === true ? (settings.checkpoint?.directory as string) : settings.resume;
      const { restoreRunCheckpoint } = await import('./run-checkpoints');
      const restored = await restoreRunCheckpoint(
        directory,
        objective as ObjectiveV1<never>,
        optimizer,
        {
          seed: settings.seed,
          accumulationSteps: accumulation,
        },
      );
      step = restored.step;
      dataPosition = restored.dataPosition;
      if (restored.randomState !== null) random.setState(restored.randomState);
      lastCheckpoint = restored.directory;
      resumedFrom = restored.directory;
      savedStep = step;
    }

    if (settings.checkpoint !== undefined) {
      const { checkRunDirectory } = await import('./run-checkpoints');
      await checkRunDirectory(
        settings.checkpoint.directory,
        resumedFrom === undefined ? undefined : step,
      );
    }

    const source = resumable
      ? data.batches({ position: dataPosition, seed: settings.seed })
      : toIterator(data);
    const batches = prefetch<Batch>(source, settings.prefetch, (batch) =>
      tf.dispose(batch as tf.TensorContainer),
    );
    try {
      while (step < totalSteps && settings.signal?.aborted !== true) {
        const learningRate = schedule(step);
        const baseContext: StepContextV1 = {
          step,
          seed: deriveSeed(settings.seed, step),
          training: true,
        };
        let summed: Record<string, tf.Tensor> | undefined;
        const losses: tf.Scalar[] = [];
        const metricParts = new Map<string, tf.Scalar[]>();
        let exhausted = false;
        try {
          for (let micro = 0; micro < accumulation; micro++) {
            const next = await batches.next();
            if (next.done === true) {
              exhausted = true;
              break;
            }
            const batch = next.value;
            dataPosition++;
            const context: StepContextV1 =
              micro === 0
                ? baseContext
                : { ...baseContext, seed: deriveSeed(settings.seed, step, micro) };
            const leading = firstTensor(batch);
            examples += leading?.shape[0] ?? 0;
            if (tokenInput) tokens += firstTokens(batch)?.size ?? 0;
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
              losses.push(value);
              for (const [name, metric] of Object.entries(kept)) {
                const list = metricParts.get(name) ?? [];
                list.push(metric);
                metricParts.set(name, list);
              }
              const gradients: Record<string, tf.Tensor> = {};
              for (const [name, gradient] of Object.entries(grads))
                gradients[keyOfVariable.get(name) ?? name] = gradient;
              if (summed === undefined) {
                summed = gradients;
              } else {
                const previous: Record<string, tf.Tensor> = summed;
                summed = tf.tidy(() => {
                  const total: Record<string, tf.Tensor> = {};
                  for (const [key, gradient] of Object.entries(previous)) {
                    const addition = gradients[key];
                    total[key] = addition === undefined ? gradient.clone() : gradient.add(addition);
                  }
                  for (const [key, gradient] of Object.entries(gradients))
                    if (previous[key] === undefined) total[key] = gradient.clone();
                  return total;
                });
                tf.dispose(previous);
                tf.dispose(gradients);
              }
            } catch (error) {
              tf.dispose(kept);
              throw error;
            } finally {
              tf.dispose(batch as tf.TensorContainer);
            }
          }
          if (losses.length < accumulation || summed === undefined) {
            // The data ran out: an incomplete accumulation is dropped, not applied.
            if (exhausted) stoppedBy = 'data-exhausted';
            break;
          }
          const gradientsToAverage: Record<string, tf.Tensor> = summed;
          const metricNames = [...metricParts.keys()].sort();
          const { gradients, summary } = tf.tidy(() => {
            const averaged: Record<string, tf.Tensor> = {};
            for (const [key, gradient] of Object.entries(gradientsToAverage)) {
              averaged[key] = accumulation > 1 ? gradient.mul(1 / accumulation) : gradient;
            }
            const norm = globalNorm(averaged);
            let clipped = averaged;
            if (settings.clipNorm !== undefined) {
              const scale = tf.minimum(
                tf.scalar(1),
                tf.scalar(settings.clipNorm).div(norm.add(1e-6)),
              );
              clipped = {};
              for (const [key, gradient] of Object.entries(averaged))
                clipped[key] = gradient.mul(scale);
            }
            const scalars = [
              mean(losses),
              norm,
              ...metricNames.map((name) => mean(metricParts.get(name) ?? [])),
            ];
            return { gradients: clipped, summary: tf.stack(scalars) };
          });
          let values: Float32Array | Int32Array | Uint8Array;
          try {
            values = await summary.data();
          } finally {
            summary.dispose();
          }
          const loss = values[0] ?? Number.NaN;
          const gradientNorm = values[1] ?? Number.NaN;
          try {
            if (!Number.isFinite(loss))
              throw new NonFiniteLossError(step, `loss (${loss})`, lastCheckpoint, learningRate);
            if (!Number.isFinite(gradientNorm)) {
              throw new NonFiniteLossError(
                step,
                `gradient norm (${gradientNorm})`,
                lastCheckpoint,
                learningRate,
              );
            }
            optimizer.applyGradients(parameters, gradients, learningRate);
          } finally {
            tf.dispose(gradients);
          }
          objective.doAfterStep?.(baseContext);
          const metrics: Record<string, number> = {};
          metricNames.forEach((name, index) => {
            metrics[name] = values[index + 2] ?? Number.NaN;
          });
          step++;
          history.push(loss);
          lastLoss = loss;
          lastMetrics = metrics;
          const elapsed = elapsedSeconds();
          if (settings.onProgress !== undefined) {
            await settings.onProgress({
              step: step - 1,
              totalSteps,
              loss,
              metrics,
              gradientNorm,
              learningRate,
              ...(examples > 0 ? { examplesPerSecond: examples / elapsed } : {}),
              ...(tokens > 0 ? { tokensPerSecond: tokens / elapsed } : {}),
              elapsedSeconds: elapsed,
              etaSeconds: (elapsed / history.length) * (totalSteps - step),
            });
          }
          const every = settings.checkpoint?.everySteps;
          if (every !== undefined && step % every === 0 && step < totalSteps) await save();
        } finally {
          tf.dispose(summed);
          tf.dispose(losses);
          for (const parts of metricParts.values()) tf.dispose(parts);
        }
      }
    } finally {
      await batches.return();
    }
    if (settings.signal?.aborted === true && step < totalSteps) {
      await save();
      throw new TrainingAbortedError(result());
    }
    await save();
    return result();
  } finally {
    optimizer.dispose();
  }
}
