/** The workloads `pnpm bench` knows. */
export type WorkloadName =
  | 'gpt'
  | 'gpt-batch-24'
  | 'simclr'
  | 'bert'
  | 'mae'
  | 'wavenet'
  | 'gpt-data-parallel'
  | 'gpt-data-parallel-per-worker-batch'
  | 'simclr-data-parallel'
  | 'generate'
  | 'generate-no-cache'
  | 'encode-convnet'
  | 'encode-transformer';

/** Every workload name, in the order they run. */
export const workloadNames: readonly WorkloadName[] = [
  'gpt',
  'gpt-batch-24',
  'simclr',
  'bert',
  'mae',
  'wavenet',
  'gpt-data-parallel',
  'gpt-data-parallel-per-worker-batch',
  'simclr-data-parallel',
  'generate',
  'generate-no-cache',
  'encode-convnet',
  'encode-transformer',
];

/**
 * What a step of a workload is: a training step (forward, backward, update; its loss must fall on
 * the fixed batch) or inference (generation, `encode`; no loss, a finite check value instead).
 */
export type WorkloadKind = 'training' | 'inference';

/** A live training step of a workload: model, optimizer and fixed data on the current backend. */
export type TrainingStep = {
  /** Trainable parameters of the model. */
  readonly parameterCount: number;
  /**
   * Runs one step and returns its value, read back (so the time is real): the loss of a training
   * step, a check value (e.g. a feature sum) of an inference step.
   */
  step(): number;
  /** Frees the model, optimizer state and data. */
  dispose(): void;
};

/** A live step the bench times: a {@link TrainingStep}, or one whose step is asynchronous (generation). */
export type WorkloadStep = Omit<TrainingStep, 'step' | 'dispose'> & {
  /** Runs one step; its value (loss, tokens generated, feature sum) is read back when it settles. */
  step(): number | Promise<number>;
  /** Frees the model, optimizer state and data (and stops worker threads). */
  dispose(): void | Promise<void>;
};

/** A benchmark workload: what it trains, how its throughput and FLOPs are counted. */
export type Workload = {
  /** Short name used by `--workloads`. */
  readonly name: WorkloadName;
  /** One line describing the configuration. */
  readonly description: string;
  /** Training step or inference. */
  readonly kind: WorkloadKind;
  /** Throughput unit: what one step processes. */
  readonly unit: 'tokens' | 'images' | 'samples' | 'sequences';
  /** Units processed by one step. */
  readonly unitsPerStep: number;
  /** Counted FLOPs of one step (see `src/flops/`). */
  readonly flopsPerStep: number;
  /** The repo's PyTorch reference script of the same step, in `bench/reference/` (when it has one). */
  readonly referenceScript?: string;
  /**
   * Worker threads the step runs on (data-parallel workloads: one wasm instance each).
   * @default 1 (the calling thread)
   */
  readonly workers?: number;
  /** The one-thread workload this one runs on several workers (its speed-up is reported against it). */
  readonly parallelizes?: WorkloadName;
  /** Builds the model, optimizer and data on the current tfjs backend, seeded. */
  createStep(seed: number): WorkloadStep | Promise<WorkloadStep>;
};
