import * as tf from '@tensorflow/tfjs';
import { deriveSeed, SeededRandom } from '../random/seeded-random';
import type { BatchSourceV1 } from '../spec/batch-source-v1';
import type { ObjectiveV1, StepContextV1 } from '../spec/objective-v1';
import { clipByGlobalNorm, globalNorm } from './clip-by-global-norm';
import { checkDataParallelSupport } from './data-parallel/check-data-parallel-support';
import {
  createDataParallelTrainer,
  type DataParallelTrainer,
} from './data-parallel/data-parallel-trainer';
import { readReplicaState, writeReplicaState } from './data-parallel/replica-state';
import { createLearningRateSchedule } from './learning-rate-schedule';
import { objectiveGradients } from './objective-gradients';
import { optimizerFromSettings } from './optimizer-from-settings';
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

/** What one optimizer step reports. */
type StepOutcome = {
  readonly loss: number;
  readonly gradientNorm: number;
  readonly metrics: Record<string, number>;
};

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
 * Data-parallel (`workers` > 1, Node only): each worker thread runs its own wasm instance and
 * builds its copy of the objective from `workload` (a module URL, an export and JSON options:
 * an objective holds tensors and closures that cannot be sent to a thread, so each thread must
 * rebuild it). Every replica starts from the weights, optimizer state and `doGetState()` of the
 * `objective` you pass (restored first when resuming), so the workload only has to build the same
 * architecture. Each batch is read here, split evenly across the workers (the batch size must be a
 * multiple of `workers`), and the workers all-reduce their gradients and apply the same update:
 * N workers compute what one worker computes on the whole batch, up to float rounding (batch-coupled
 * objectives must use `SyncBatchNormalization` / `allGather`). The replicas' state is copied back
 * into `objective` at every checkpoint, on abort, on a non-finite loss and at the end, so it holds
 * the trained weights when `pretrain()` returns (between those points it lags behind the workers).
 * Progress events, the result, abort and checkpoints are those of the single-threaded loop;
 * checkpoints record `training.workers`, and `resume` without `workers` continues with the
 * recorded count. An explicit different count is allowed (re-sharding): the average of equal
 * shards' mean gradients is the whole batch's gradient whatever the count, so the continued run
 * is the same computation up to float rounding (objectives that draw per-example randomness, e.g.
 * dropout, draw it per shard, so they match in distribution only). `accumulationSteps` must be 1.
 * Why a reference and not a separate function: the caller keeps one entry point and one objective
 * (built, evaluated and saved as with one worker); only the reference is new.
 *
 * @param objective the objective to train (its weights are updated in place).
 * @param data a {@link BatchSourceV1} or an (async) iterable of batches; each batch is disposed after its step.
 * @param options length, optimizer, schedule, checkpoints, progress and abort (see {@link PretrainOptions}).
 * @returns the final loss and metrics, the per-step loss history, the steps done and the time.
 * @throws TrainingAbortedError when `signal` aborts (after saving); NonFiniteLossError on NaN/Inf;
 * a TypeError for invalid options (e.g. `workers` > 1 without `workload`); a RangeError when a
 * batch does not split evenly across the workers; an Error when this environment has no
 * `worker_threads`/`SharedArrayBuffer` (browsers: use `workers: 1`).
 * @example
 * const result = await pretrain(objective, source, {
 *   steps: 1000, learningRate: 1e-3, warmupSteps: 50,
 *   checkpoint: { directory: './runs/simclr', everySteps: 100 },
 *   onProgress: (event) => console.log(event.step, event.loss),
 * });
 * @example
 * // Two worker threads; gpt-workload.js exports createGpt(options, group) returning the objective.
 * const options = { vocabularySize: 65, blockSize: 64 };
 * const gpt = createGpt(options);
 * const result = await pretrain(gpt, source, {
 *   steps: 1000, workers: 2,
 *   workload: { module: new URL('./gpt-workload.js', import.meta.url).href, exportName: 'createGpt', options },
 *   checkpoint: { directory: './runs/gpt', everySteps: 100 },
 * });
 * // gpt now holds the trained weights; result.workers === 2, and so does the checkpoint.
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
  const optimizer: Optimizer = optimizerFromSettings(settings);
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
  // Explicit counts are checked before anything starts; a resumed run may set it from its checkpoint.
  let workers = settings.workers ?? 1;
  if (workers > 1) checkDataParallelSupport(workers);
  let trainer: DataParallelTrainer | undefined;
  let pulledStep = -1;

  /** Copies the replicas' weights, optimizer and objective state into the caller's objective. */
  const pullState = async (): Promise<void> => {
    if (trainer === undefined || pulledStep === step) return;
    const state = await trainer.readState();
    writeReplicaState(
      objective as ObjectiveV1<never>,
      optimizer,
      state,
      `pretrain(): the '${objective.method}' objective passed to pretrain()`,
    );
    pulledStep = step;
  };

  const elapsedSeconds = (): number => (performance.now() - started) / 1000;
  const result = (): PretrainResult => ({
    step,
    stepsRun: history.length,
    loss: lastLoss,
    metrics: lastMetrics,
    history,
    elapsedSeconds: elapsedSeconds(),
    stoppedBy,
    workers,
    ...(lastCheckpoint === undefined ? {} : { checkpoint: lastCheckpoint }),
    ...(resumedFrom === undefined ? {} : { resumedFrom }),
  });

  const save = async (): Promise<void> => {
    const root = settings.checkpoint?.directory;
    if (root === undefined || savedStep === step) return;
    await pullState();
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
          training: { ...training, workers },
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
      pulledStep = step;
      dataPosition = restored.dataPosition;
      // Resuming without an explicit count continues with the recorded one.
      workers = settings.workers ?? restored.workers ?? 1;
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

    if (workers > 1) {
      const workload = settings.workload;
      if (workload === undefined) {
        throw new TypeError(
          `pretrain(): the run resumed from ${resumedFrom} was trained with ${workers} workers, which need workload: { module, exportName, options } ` +
            'to build their objectives. Pass workload to continue with the recorded count, or workers: 1 to continue on this thread (the same computation).',
        );
      }
      checkDataParallelSupport(workers);
      trainer = await createDataParallelTrainer({
        workers,
        workload,
        training: {
          steps: totalSteps,
          optimizer: settings.optimizer,
          learningRate: settings.learningRate,
          minimumLearningRate: settings.minimumLearningRate,
          warmupSteps: settings.warmupSteps,
          schedule: settings.schedule,
          excludeFromWeightDecay: settings.excludeFromWeightDecay,
          beta1: settings.beta1,
          beta2: settings.beta2,
          epsilon: settings.epsilon,
          momentum: settings.momentum,
          nesterov: settings.nesterov,
          trustCoefficient: settings.trustCoefficient,
          seed: settings.seed,
          ...(settings.weightDecay === undefined ? {} : { weightDecay: settings.weightDecay }),
          ...(settings.clipNorm === undefined ? {} : { clipNorm: settings.clipNorm }),
        },
        backend: tf.getBackend() === 'cpu' ? 'cpu' : 'wasm',
        ...(settings.workerEntry === undefined ? {} : { workerEntry: settings.workerEntry }),
        // The caller's objective (restored when resuming) is the starting point of every replica.
        initialState: {
          state: readReplicaState(objective as ObjectiveV1<never>, optimizer),
          step,
        },
      });
    }

    const source = resumable
      ? data.batches({ position: dataPosition, seed: settings.seed })
      : toIterator(data);
    const batches = prefetch<Batch>(source, settings.prefetch, (batch) =>
      tf.dispose(batch as tf.TensorContainer),
    );

    const countExamples = (batch: Batch): void => {
      examples += firstTensor(batch)?.shape[0] ?? 0;
      if (tokenInput) tokens += firstTokens(batch)?.size ?? 0;
    };

    /** One step on this thread: accumulate, average, clip, check, update. */
    const singleStep = async (
      learningRate: number,
      baseContext: StepContextV1,
    ): Promise<StepOutcome | undefined> => {
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
          countExamples(batch);
          let kept: Record<string, tf.Scalar> = {};
          try {
            const computed = objectiveGradients(objective, batch, context, variables);
            kept = computed.metrics;
            const { loss: value, gradients: grads } = computed;
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
          return undefined;
        }
        const gradientsToAverage: Record<string, tf.Tensor> = summed;
        const metricNames = [...metricParts.keys()].sort();
        const { gradients, summary } = tf.tidy(() => {
          const averaged: Record<string, tf.Tensor> = {};
          for (const [key, gradient] of Object.entries(gradientsToAverage)) {
            averaged[key] = accumulation > 1 ? gradient.mul(1 / accumulation) : gradient;
          }
          // One fused kernel on wasm (the norm and the scaled gradients), tensor ops elsewhere.
          const { gradients: clipped, norm } =
            settings.clipNorm === undefined
              ? { gradients: averaged, norm: globalNorm(averaged) }
              : clipByGlobalNorm(averaged, settings.clipNorm);
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
        return { loss, gradientNorm, metrics };
      } finally {
        tf.dispose(summed);
        tf.dispose(losses);
        for (const parts of metricParts.values()) tf.dispose(parts);
      }
    };

    /** One step on the workers: the batch is split, each replica computes and applies the same update. */
    const parallelStep = async (
      parallel: DataParallelTrainer,
    ): Promise<StepOutcome | undefined> => {
      const next = await batches.next();
      if (next.done === true) {
        stoppedBy = 'data-exhausted';
        return undefined;
      }
      const batch = next.value;
      dataPosition++;
      countExamples(batch);
      try {
        const { loss, gradientNorm, metrics } = await parallel.trainStep(batch);
        return { loss, gradientNorm, metrics };
      } catch (error) {
        if (!(error instanceof NonFiniteLossError)) throw error;
        // As on one thread: the caller's objective holds the last good weights.
        await pullState();
        throw new NonFiniteLossError(error.step, error.what, lastCheckpoint, error.learningRate);
      } finally {
        tf.dispose(batch as tf.TensorContainer);
      }
    };

    try {
      while (step < totalSteps && settings.signal?.aborted !== true) {
        const learningRate = schedule(step);
        const baseContext: StepContextV1 = {
          step,
          seed: deriveSeed(settings.seed, step),
          training: true,
        };
        const outcome =
          trainer === undefined
            ? await singleStep(learningRate, baseContext)
            : await parallelStep(trainer);
        if (outcome === undefined) break;
        const { loss, gradientNorm, metrics } = outcome;
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
      }
    } finally {
      await batches.return();
    }
    if (settings.signal?.aborted === true && step < totalSteps) {
      await save();
      await pullState();
      throw new TrainingAbortedError(result());
    }
    await save();
    await pullState();
    return result();
  } finally {
    await trainer?.close();
    optimizer.dispose();
  }
}
