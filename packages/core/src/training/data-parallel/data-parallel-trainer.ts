import { NonFiniteLossError } from '../training-errors';
import { splitBatch, transferablesOf } from './batch-shards';
import type { DataParallelStepResult, DataParallelTrainerOptions } from './data-parallel-options';
import { DataParallelPool } from './data-parallel-pool';
import type { ReplicaStepResult } from './data-parallel-replica';
import type { ReplicaState } from './replica-state';

/** A running data-parallel training: N replicas kept in sync by all-reduced gradients. */
export type DataParallelTrainer = {
  /** Number of workers. */
  readonly workers: number;
  /** Trainable values of the objective. */
  readonly parameterCount: number;
  /** The replicas' common weights checksum before the first step. */
  readonly initialChecksum: number;
  /** The next step to train (0-based; the number of steps done). */
  readonly nextStep: number;
  /**
   * Trains one step: splits the batch evenly across the workers (in order), and returns the loss
   * of the whole batch. The batch is not disposed. Throws a `NonFiniteLossError` (no update
   * applied, the step is not counted) when the loss or the gradient norm is not finite.
   */
  trainStep(batch: unknown): Promise<DataParallelStepResult>;
  /** Every replica's weights checksum (every weight, moving statistics too), by rank; all equal while the replicas are in sync. */
  checksums(): Promise<number[]>;
  /** Rank 0's weights (all of them), optimizer state and objective state: what a checkpoint saves. */
  readState(): Promise<ReplicaState>;
  /**
   * Overwrites every replica's weights, optimizer state and objective state, and sets the next
   * step (a resumed run); then checks that the replicas agree.
   */
  writeState(state: ReplicaState, nextStep: number): Promise<void>;
  /** Rank 0's trainable weights, flattened in parameter order. */
  readWeights(): Promise<Float32Array>;
  /** Stops the workers (frees their replicas). */
  close(): Promise<void>;
};

/**
 * Starts data-parallel training across `worker_threads`: each worker runs its own wasm instance,
 * builds the same objective from a module export, trains on its shard of every batch, and
 * all-reduces its gradients through a `SharedArrayBuffer`; every replica then applies the same
 * `pretrain()` update (optimizer, schedule, clip), so N workers compute what one worker computes
 * on the whole batch, up to float rounding of the gradient sum.
 *
 * Why data parallelism: tfjs-wasm in Node is single-threaded. The threaded XNNPACK build (started
 * through a shim; tfjs issue 3830) took matMul from 27 to 47–50 GFLOP/s but the GPT step only from
 * 263 to 213 ms on 2 cores, because the elementwise kernels stay single-threaded and the spinning
 * thread pool slows them; one replica per core parallelises the whole step instead.
 *
 * Assumptions: the loss is a mean over the examples of the batch (then the mean of equal shards'
 * losses and gradients is the whole batch's; the batch size must be a multiple of `workers`); the
 * objective's randomness depends only on `(seed, step)` (dropout masks are per shard, so with
 * dropout the run equals a single-worker run in distribution, not bit for bit); batch-coupled
 * objectives (BatchNorm statistics, contrastive negatives) must use `allReduceSum`/`allGather`
 * through the group the workload export receives. `workers: 1` is the single-worker fallback
 * (same code path, no peer).
 *
 * `pretrain({ workers, workload })` is the public entry built on it: it starts the replicas from
 * the caller's objective (`initialState`), and copies their state back (`readState`) at
 * checkpoints and at the end.
 *
 * @param options workers, workload, training options, backend, worker entry, initial state.
 * @returns a started trainer; call `close()` when done.
 * @throws Error when the replicas' initial weights differ (the workload is not deterministic)
 * and no `initialState` is given, or when `initialState` does not fit the workload's model.
 * @example
 * const trainer = await createDataParallelTrainer({
 *   workers: 2,
 *   workload: { module: new URL('./gpt-workload.js', import.meta.url).href, exportName: 'createGpt', options: { vocabularySize: 65 } },
 *   training: { steps: 100, learningRate: 1e-3, weightDecay: 0.1, beta2: 0.99, clipNorm: 1 },
 * });
 * for (const batch of batches) console.log((await trainer.trainStep(batch)).loss);
 * await trainer.close();
 */
export async function createDataParallelTrainer(
  options: DataParallelTrainerOptions,
): Promise<DataParallelTrainer> {
  const { workers, workload, training } = options;
  const pool = await DataParallelPool.start({
    workers,
    ...(options.backend === undefined ? {} : { backend: options.backend }),
    ...(options.workerEntry === undefined ? {} : { workerEntry: options.workerEntry }),
    ...(options.barrierTimeoutMilliseconds === undefined
      ? {}
      : { barrierTimeoutMilliseconds: options.barrierTimeoutMilliseconds }),
  });
  try {
    const setups = await pool.request<{
      parameterCount: number;
      exchangeSize: number;
      checksum: number;
    }>(() => ({ type: 'setup', workload, training }));
    const first = setups[0] as (typeof setups)[number];
    const differing = setups.findIndex((setup) => setup.checksum !== first.checksum);
    if (differing !== -1 && options.initialState === undefined) {
      throw new Error(
        `The replicas start from different weights (worker 0 checksum ${first.checksum}, worker ${differing} ${setups[differing]?.checksum}): ` +
          `the workload export '${workload.exportName}' must build identical weights from identical options (seed every initializer, e.g. with deriveSeed).`,
      );
    }
    await pool.ensureCapacity(first.exchangeSize + 64);
    let nextStep = 0;
    let initialChecksum = first.checksum;
    const verifyEvery = options.verifyEverySteps ?? 100;
    const verify = async (checksums?: number[]): Promise<number> => {
      const sums = checksums ?? (await pool.request<number>(() => ({ type: 'checksum' })));
      const differing = sums.findIndex((checksum) => checksum !== sums[0]);
      if (differing !== -1) {
        throw new Error(
          `After step ${nextStep}, worker ${differing}'s weights differ from worker 0's (checksums ${sums.join(', ')}): ` +
            'the objective is not deterministic across replicas (randomness that is not derived from the step seed, or a batch-coupled operation without allReduceSum/allGather).',
        );
      }
      return sums[0] as number;
    };
    const writeState = async (state: ReplicaState, step: number): Promise<void> => {
      if (!Number.isInteger(step) || step < 0)
        throw new RangeError(`The next step must be an integer ≥ 0, got ${step}.`);
      const checksums = await pool.request<number>(() => ({ type: 'write-state', state }));
      nextStep = step;
      initialChecksum = await verify(checksums);
    };
    if (options.initialState !== undefined)
      await writeState(options.initialState.state, options.initialState.step);
    return {
      workers,
      parameterCount: first.parameterCount,
      get initialChecksum() {
        return initialChecksum;
      },
      get nextStep() {
        return nextStep;
      },
      async trainStep(batch: unknown): Promise<DataParallelStepResult> {
        const shards = splitBatch(batch, workers);
        const step = nextStep;
        const results = await pool.request<ReplicaStepResult>(
          (rank) => ({ type: 'step', step, shard: shards[rank] as (typeof shards)[number] }),
          (rank) => transferablesOf(shards[rank] as (typeof shards)[number]),
        );
        const lead = results[0] as ReplicaStepResult;
        if (!lead.updated) {
          const what = Number.isFinite(lead.loss)
            ? `gradient norm (${lead.gradientNorm})`
            : `loss (${lead.loss})`;
          throw new NonFiniteLossError(step, what, undefined, lead.learningRate);
        }
        nextStep++;
        if (verifyEvery > 0 && nextStep % verifyEvery === 0) await verify();
        const slowest = (pick: (result: ReplicaStepResult) => number): number =>
          Math.max(...results.map(pick));
        return {
          step,
          loss: lead.loss,
          gradientNorm: lead.gradientNorm,
          metrics: lead.metrics,
          learningRate: lead.learningRate,
          computeMilliseconds: slowest((result) => result.computeMilliseconds),
          exchangeMilliseconds: slowest((result) => result.exchangeMilliseconds),
          updateMilliseconds: slowest((result) => result.updateMilliseconds),
        };
      },
      checksums: () => pool.request<number>(() => ({ type: 'checksum' })),
      async readState(): Promise<ReplicaState> {
        const [state] = await pool.request<ReplicaState | null>(() => ({ type: 'read-state' }));
        return state as ReplicaState;
      },
      writeState,
      async readWeights(): Promise<Float32Array> {
        const [weights] = await pool.request<Float32Array>(() => ({ type: 'read-weights' }));
        return weights as Float32Array;
      },
      close: () => pool.close(),
    };
  } catch (error) {
    await pool.close();
    throw error;
  }
}
