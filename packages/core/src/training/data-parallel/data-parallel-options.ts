import type { JsonObject } from '../../spec/json';
import type { PretrainOptions } from '../pretrain-options';
import type { ReplicaState } from './replica-state';

/**
 * Where a worker finds the objective to train: a module it imports and the export it calls with
 * `(options, group)`. Every worker builds its own replica from it; identical options (and seeds)
 * must give identical initial weights, which the trainer verifies with a checksum.
 */
export type WorkloadReference = {
  /** The module's URL (`file:` URL or absolute path); it must be plain JavaScript at run time. */
  readonly module: string;
  /** The export to call: `(options, group) => ObjectiveV1 | Promise<ObjectiveV1>`. */
  readonly exportName: string;
  /** Options passed to the export (structured-cloneable, e.g. JSON). @default {} */
  readonly options?: JsonObject;
};

/**
 * The optimizer, schedule and clipping of a data-parallel run: `pretrain()`'s options, with the
 * same names, defaults and meaning (parsed by `parsePretrainOptions` in every worker). `steps`
 * is required (it sets the schedule); `accumulationSteps` must be 1 for now.
 */
export type DataParallelTrainingOptions = Omit<
  PretrainOptions,
  | 'steps'
  | 'epochs'
  | 'onProgress'
  | 'signal'
  | 'checkpoint'
  | 'resume'
  | 'prefetch'
  | 'dataset'
  | 'tokenizer'
  | 'workers'
  | 'workload'
  | 'workerEntry'
> & {
  /** Optimizer steps of the whole run (drives the learning-rate schedule). */
  readonly steps: number;
};

/** Options of `createDataParallelTrainer`. */
export type DataParallelTrainerOptions = {
  /** Worker threads, each with its own wasm instance; the batch is split evenly across them. */
  readonly workers: number;
  /** The objective each worker builds. */
  readonly workload: WorkloadReference;
  /** Optimizer, schedule, clipping and seed, as in `pretrain()`. */
  readonly training: DataParallelTrainingOptions;
  /** Backend of every worker. @default 'wasm' */
  readonly backend?: 'wasm' | 'cpu';
  /**
   * The worker's entry module (plain JavaScript that runs `runDataParallelWorker()` on import).
   * @default `data-parallel-worker.js` beside the built `@selfsup/core` bundle
   */
  readonly workerEntry?: string | URL;
  /**
   * Start every replica from this state at this step instead of from the workload's own initial
   * weights (`pretrain()` passes the main-thread objective's, restored from a checkpoint when it
   * resumes); the replicas then need not build identical initial weights.
   * @default the workload's weights, checked to be identical on every replica, at step 0
   */
  readonly initialState?: { readonly state: ReplicaState; readonly step: number };
  /** How long a worker waits at a barrier for the others before failing. @default 600000 ms */
  readonly barrierTimeoutMilliseconds?: number;
  /**
   * Compare the replicas' weight checksums every this many steps (0: never); a difference throws.
   * @default 100
   */
  readonly verifyEverySteps?: number;
};

/** What one data-parallel step returns (the same numbers `pretrain()` reports). */
export type DataParallelStepResult = {
  /** The step that was computed (0-based). */
  readonly step: number;
  /** Mean of the shards' losses = the loss of the whole batch (equal shards, mean-reduced losses). */
  readonly loss: number;
  /** Global L2 norm of the averaged gradient, before clipping. */
  readonly gradientNorm: number;
  /** Metrics, each the mean over workers. */
  readonly metrics: Record<string, number>;
  /** The scheduled learning rate applied. */
  readonly learningRate: number;
  /** Slowest worker's time in forward + backward, in ms. */
  readonly computeMilliseconds: number;
  /** Slowest worker's time in the gradient all-reduce (copying its gradients into shared memory, waiting for the others, reducing), in ms. */
  readonly exchangeMilliseconds: number;
  /** Slowest worker's time in clipping + optimizer update, in ms. */
  readonly updateMilliseconds: number;
};
