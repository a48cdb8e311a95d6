/** The workloads `pnpm bench` knows. */
export type WorkloadName = 'gpt' | 'simclr';

/** A live training step of a workload: model, optimizer and fixed data on the current backend. */
export type TrainingStep = {
  /** Trainable parameters of the model. */
  readonly parameterCount: number;
  /** Runs one full training step (forward, backward, update) and returns the loss (synced). */
  step(): number;
  /** Frees the model, optimizer state and data. */
  dispose(): void;
};

/** A benchmark workload: what it trains, how its throughput and FLOPs are counted. */
export type Workload = {
  /** Short name used by `--workloads`. */
  readonly name: WorkloadName;
  /** One line describing the configuration. */
  readonly description: string;
  /** Throughput unit: what one step processes. */
  readonly unit: 'tokens' | 'images';
  /** Units processed by one step (tokens or images). */
  readonly unitsPerStep: number;
  /** Counted FLOPs of one step (see `src/flops/`). */
  readonly flopsPerStep: number;
  /** The repo's PyTorch reference script of the same step, in `bench/reference/`. */
  readonly referenceScript: string;
  /** Builds the model, optimizer and data on the current tfjs backend, seeded. */
  createStep(seed: number): TrainingStep;
};
