import type { DatasetBenchReport } from '../datasets/run-dataset-benchmarks';
import type { MatMulCeiling } from '../measure/matmul-ceiling';
import type { WorkloadKind, WorkloadName } from '../workloads/workload';
import type { MachineInfo } from './machine-info';

/** The PyTorch reference's figures for one workload, from rounds interleaved with ours. */
export type TorchResult = {
  /** e.g. `pytorch 1.13.0`. */
  readonly framework: string;
  /** torch.set_num_threads. */
  readonly threads: number;
  /** Median milliseconds per step. */
  readonly msPerStep: number;
  /** Units (tokens or images) per second at the median step time. */
  readonly throughput: number;
  /** Every timed step, in order. */
  readonly stepTimesMs: readonly number[];
  /** Loss of the first and last timed step. */
  readonly lossFirst: number;
  readonly lossLast: number;
  /** Parameters of the reference model (should equal ours: same architecture). */
  readonly parameterCount?: number;
};

/** How the loss moved over the timed steps on the fixed batch. */
export type LossCheck = 'fell' | 'did not fall' | 'not finite';

/** One row of the results: one workload on one backend. */
export type WorkloadResult = {
  readonly workload: WorkloadName;
  /** Training step or inference (no loss). @default 'training' (reports written before it existed) */
  readonly kind?: WorkloadKind;
  readonly description: string;
  readonly backend: string;
  /** Threads the backend computes with. */
  readonly threads: number;
  /** Worker threads (one backend instance each) the step is split across. @default 1 */
  readonly workers?: number;
  /** Throughput over that of the one-thread workload it parallelizes, in the same run (data-parallel rows). */
  readonly speedupOverOneWorker?: number;
  /** The same ratio from each round's median step times, in round order (data-parallel rows). */
  readonly speedupByRound?: readonly number[];
  /** 'tokens', 'images', 'samples' or 'sequences'. */
  readonly unit: string;
  /** Counted FLOPs per step (see bench/README.md). */
  readonly flopsPerStep: number;
  /** Trainable parameters, when the model was built. */
  readonly parameterCount?: number;
  /** Median milliseconds per timed step, when it ran. */
  readonly msPerStep?: number;
  /** Units per second at the median step time. */
  readonly throughput?: number;
  /** flopsPerStep / median step time. */
  readonly gflops?: number;
  /** gflops / the backend's plain matMul GFLOP/s, as measured in the row's own process. */
  readonly fractionOfMatMulCeiling?: number;
  /**
   * The plain matMul GFLOP/s the row was measured against: the median of the ceilings measured
   * between its rounds, in its own process (reports written before it existed: the report's).
   */
  readonly matMulCeilingGflops?: number;
  /** Every timed step, in order. */
  readonly stepTimesMs: readonly number[];
  /** Loss (training) or check value (inference) of every step, warm-up included, in order. */
  readonly losses: readonly number[];
  /** Loss of the first and last timed step (training workloads). */
  readonly lossFirst?: number;
  readonly lossLast?: number;
  readonly lossCheck?: LossCheck;
  /** Why the workload could not run on this backend. */
  readonly error?: string;
  /** The interleaved PyTorch reference, when it ran. */
  readonly torch?: TorchResult;
  /** Why the PyTorch reference did not run or failed. */
  readonly torchError?: string;
  /** Our throughput / PyTorch's throughput. */
  readonly ratio?: number;
};

/** Everything `pnpm bench --json` writes. */
export type BenchReport = {
  readonly machine: MachineInfo;
  /** The run's settings. */
  readonly settings: {
    readonly workloads: readonly WorkloadName[];
    /** Whether the `datasets` group ran. */
    readonly datasets?: boolean;
    readonly backends: readonly string[];
    readonly steps: number;
    readonly warmup: number;
    readonly rounds: number;
    readonly seed: number;
    /**
     * 'groups': each group of workloads (a one-thread workload and those that parallelize it, or
     * one workload alone) ran in its own process; 'none': all in one process.
     * @default 'none' (reports written before it existed)
     */
    readonly isolation?: 'groups' | 'none';
  };
  /** Where each building block came from (core's building blocks, or the bench's own). */
  readonly adapters: Readonly<Record<string, string>>;
  /** PyTorch: its version, or why it did not run. */
  readonly torch: {
    readonly available: boolean;
    readonly python: string;
    readonly version?: string;
    readonly reason?: string;
  };
  /** Plain 2-D matMul ceiling per backend (with isolation: the median over the groups' processes). */
  readonly matMulCeilings: Readonly<Record<string, MatMulCeiling>>;
  /** Backends that were not run, and why. */
  readonly skippedBackends: readonly { readonly backend: string; readonly reason: string }[];
  readonly results: readonly WorkloadResult[];
  /** The `datasets` group: loads, batch-iterator throughput, MNIST's RSS (when it ran). */
  readonly datasets?: DatasetBenchReport;
};
