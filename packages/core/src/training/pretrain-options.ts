import { z } from 'zod';
import type { JsonValue } from '../spec/json';
import { jsonObjectSchema, jsonValueSchema } from '../spec/json-schema';
import type { WorkloadReference } from './data-parallel/data-parallel-options';
import type { ScheduleName } from './learning-rate-schedule';
import type { OptimizerName } from './optimizers/optimizer';
import type { PretrainProgressEvent } from './pretrain-progress-event';

/** Periodic and final checkpoints of a run. */
export type PretrainCheckpointOptions = {
  /** The run directory: checkpoints go to `<directory>/step-NNNNNNNN/`. */
  readonly directory: string;
  /** Save every this many steps (and always at the end, and on abort). @default only at the end */
  readonly everySteps?: number;
  /** Keep this many newest checkpoints, delete older ones. @default 2 */
  readonly keepLast?: number;
};

/** Options of `pretrain()`. Every field is optional except a length (`steps` or `epochs`). */
export type PretrainOptions = {
  /** Optimizer steps of the whole run (a resumed run continues to this total). */
  readonly steps?: number;
  /** Passes over the data, for sources that say their size (`batchesPerEpoch`, or an array). */
  readonly epochs?: number;
  /** The optimizer. @default 'adamw' */
  readonly optimizer?: OptimizerName;
  /** Peak learning rate. @default 1e-3 */
  readonly learningRate?: number;
  /** Floor of the cosine schedule. @default 0 */
  readonly minimumLearningRate?: number;
  /** Steps of linear warmup. @default 0 */
  readonly warmupSteps?: number;
  /** After warmup: `'cosine'` decay to the floor or `'constant'`. @default 'cosine' */
  readonly schedule?: ScheduleName;
  /** Weight decay. @default the optimizer's: adamw 0.01, lars 1e-6, adam 0, sgd 0 */
  readonly weightDecay?: number;
  /** Weights without decay (LARS: without adaptation either): `'rank-at-most-one'` (biases, norms), `'none'`, or a RegExp on weight names. @default 'rank-at-most-one' */
  readonly excludeFromWeightDecay?: 'rank-at-most-one' | 'none' | RegExp;
  /** Adam/AdamW β1. @default 0.9 */
  readonly beta1?: number;
  /** Adam/AdamW β2. @default 0.999 */
  readonly beta2?: number;
  /** Adam/AdamW ε. @default 1e-8 */
  readonly epsilon?: number;
  /** SGD/LARS momentum. @default 0.9 */
  readonly momentum?: number;
  /** SGD/LARS Nesterov momentum. @default false */
  readonly nesterov?: boolean;
  /** LARS trust coefficient η. @default 0.001 */
  readonly trustCoefficient?: number;
  /** Clip gradients to this global L2 norm. @default no clipping */
  readonly clipNorm?: number;
  /** Micro-batches per optimizer step; gradients are summed then averaged. @default 1 */
  readonly accumulationSteps?: number;
  /** The run seed: data order (`BatchSourceV1`) and per-step seeds `deriveSeed(seed, step)`. @default 0 */
  readonly seed?: number;
  /** Batches prepared ahead of the step. @default 2 */
  readonly prefetch?: number;
  /** Called after every step with loss, metrics, learning rate, throughput and ETA. */
  readonly onProgress?: (event: PretrainProgressEvent) => void | Promise<void>;
  /** Stops after the current step, saves a checkpoint (when a directory is set) and throws a `TrainingAbortedError`. */
  readonly signal?: AbortSignal;
  /** Where and how often to save checkpoints. @default no checkpoints */
  readonly checkpoint?: PretrainCheckpointOptions;
  /** Continue a run: `true` for the latest checkpoint of `checkpoint.directory`, or a checkpoint/run directory. @default false */
  readonly resume?: boolean | string;
  /** A reference to the dataset (name, version, hash), recorded in checkpoints. */
  readonly dataset?: JsonValue;
  /** A reference to the tokenizer, recorded in checkpoints. */
  readonly tokenizer?: JsonValue;
  /**
   * Worker threads that train data-parallel (Node only): each builds the objective from
   * `workload`, trains on `batch / workers` examples of every batch and all-reduces its
   * gradients, so the run computes what one worker computes on the whole batch. `1` is the
   * single-threaded loop. Recorded in checkpoints; a resumed run uses the recorded count unless
   * this is set (any count resumes any run: see `pretrain()`).
   * @default 1, or the count recorded in the checkpoint that `resume` continues
   */
  readonly workers?: number;
  /** How each worker builds the objective (module URL, export, JSON options); required when `workers` > 1. */
  readonly workload?: WorkloadReference;
  /** The workers' entry module, for bundlers. @default `data-parallel-worker.js` beside the built `@selfsup/core` */
  readonly workerEntry?: string | URL;
};

const jsonValue = jsonValueSchema;
const unitInterval = z.number().min(0).lt(1);

/** The zod schema of {@link PretrainOptions}, with the defaults applied by `pretrain()`. */
export const pretrainOptionsSchema = z
  .strictObject({
    steps: z.number().int().positive().optional(),
    epochs: z.number().positive().optional(),
    optimizer: z.enum(['adamw', 'adam', 'sgd', 'lars']).default('adamw'),
    learningRate: z.number().positive().default(1e-3),
    minimumLearningRate: z.number().min(0).default(0),
    warmupSteps: z.number().int().min(0).default(0),
    schedule: z.enum(['cosine', 'constant']).default('cosine'),
    weightDecay: z.number().min(0).optional(),
    excludeFromWeightDecay: z
      .union([z.enum(['rank-at-most-one', 'none']), z.instanceof(RegExp)])
      .default('rank-at-most-one'),
    beta1: unitInterval.default(0.9),
    beta2: unitInterval.default(0.999),
    epsilon: z.number().min(0).default(1e-8),
    momentum: unitInterval.default(0.9),
    nesterov: z.boolean().default(false),
    trustCoefficient: z.number().positive().default(0.001),
    clipNorm: z.number().positive().optional(),
    accumulationSteps: z.number().int().positive().default(1),
    seed: z.number().int().default(0),
    prefetch: z.number().int().min(0).default(2),
    onProgress: z
      .custom<(event: PretrainProgressEvent) => void | Promise<void>>(
        (value) => typeof value === 'function',
        'must be a function',
      )
      .optional(),
    signal: z
      .custom<AbortSignal>((value) => value instanceof AbortSignal, 'must be an AbortSignal')
      .optional(),
    checkpoint: z
      .strictObject({
        directory: z.string().min(1),
        everySteps: z.number().int().positive().optional(),
        keepLast: z.number().int().positive().default(2),
      })
      .optional(),
    resume: z.union([z.boolean(), z.string().min(1)]).default(false),
    dataset: jsonValue.optional(),
    tokenizer: jsonValue.optional(),
    workers: z.number().int().positive().optional(),
    workload: z
      .strictObject({
        module: z.string().min(1),
        exportName: z.string().min(1),
        options: jsonObjectSchema.optional(),
      })
      .optional(),
    workerEntry: z.union([z.string().min(1), z.instanceof(URL)]).optional(),
  })
  .refine((options) => !(options.steps !== undefined && options.epochs !== undefined), {
    message: 'give steps or epochs, not both',
  })
  .refine((options) => options.minimumLearningRate <= options.learningRate, {
    message: 'minimumLearningRate must not exceed learningRate',
    path: ['minimumLearningRate'],
  })
  .refine((options) => (options.workers ?? 1) === 1 || options.workload !== undefined, {
    message:
      'more than one worker needs workload: { module, exportName, options }, from which every worker thread builds its copy of the objective (the objective object cannot be sent to a thread)',
    path: ['workload'],
  })
  .refine((options) => (options.workers ?? 1) === 1 || options.accumulationSteps === 1, {
    message:
      'data-parallel training does not accumulate micro-batches yet: set accumulationSteps to 1 and use a batch accumulationSteps times larger (the workers split it)',
    path: ['accumulationSteps'],
  })
  .refine((options) => options.resume !== true || options.checkpoint !== undefined, {
    message:
      'resume: true continues from checkpoint.directory, which is not set: set checkpoint.directory or pass the directory as resume',
    path: ['resume'],
  });

/** {@link PretrainOptions} with every default filled in. */
export type PretrainSettings = z.output<typeof pretrainOptionsSchema>;

// Compile-time check that the documented type and the schema agree.
type SchemaAccepts<T extends z.input<typeof pretrainOptionsSchema>> = T;
export type CheckedPretrainOptions = SchemaAccepts<PretrainOptions>;

/**
 * Validates `pretrain()` options and fills in the defaults.
 *
 * @param options what the user passed.
 * @returns the settings, every default applied.
 * @example parsePretrainOptions({ steps: 100 }).optimizer // 'adamw'
 */
export function parsePretrainOptions(options: PretrainOptions): PretrainSettings {
  const parsed = pretrainOptionsSchema.safeParse(options);
  if (!parsed.success) {
    const problems = parsed.error.issues
      .map((issue) => `${issue.path.join('.') || 'options'}: ${issue.message}`)
      .join('; ');
    throw new TypeError(`Invalid pretrain() options: ${problems}.`);
  }
  return parsed.data;
}
