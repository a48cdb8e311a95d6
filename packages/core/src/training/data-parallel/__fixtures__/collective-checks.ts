import * as tf from '@tensorflow/tfjs';
import { allGather, allReduceSum } from '../collective-ops';
import { DataParallelReplica } from '../data-parallel-replica';
import type { SharedMemoryGroup } from '../shared-memory-group';
import { createTinyGpt, tinyTokenBatches } from './tiny-gpt-workload';

/** Deterministic `[rows, columns]` values of a rank (for `x_r`, or `salt` 1 for the weights `W_r`). */
export function rankValues(rank: number, rows: number, columns: number, salt = 0): Float32Array {
  return Float32Array.from({ length: rows * columns }, (_, index) =>
    Math.sin(1.3 * index + 2.1 * rank + 0.7 * salt + 0.4),
  );
}

/**
 * A loss coupled across workers like NT-Xent: the log-sum-exp of the similarities of the local
 * rows to every gathered row, plus a rank-specific linear term on the gathered rows.
 */
export function coupledGatherLoss(
  local: tf.Tensor2D,
  gathered: tf.Tensor2D,
  weights: tf.Tensor2D,
): tf.Scalar {
  const similarities = tf.matMul(local, gathered, false, true);
  return tf
    .mean(tf.logSumExp(similarities, 1))
    .add(
      tf.sum(tf.mul(gathered, tf.tile(weights, [gathered.shape[0] / weights.shape[0], 1]))),
    ) as tf.Scalar;
}

/** A nonlinear loss of the all-reduced sum, different on every rank. */
export function reducedSumLoss(summed: tf.Tensor2D, weights: tf.Tensor2D): tf.Scalar {
  return tf
    .sum(tf.mul(weights, tf.tanh(summed)))
    .add(tf.sum(tf.square(summed)).mul(0.1)) as tf.Scalar;
}

type CheckOptions = { readonly rows: number; readonly columns: number };
type CheckResult = { loss: number; gradient: number[]; leaked: number };

/** Worker side: the loss and gradient of `x_r` through {@link allGather}. */
export function gatherGradientCheck(options: CheckOptions, group: SharedMemoryGroup): CheckResult {
  const { rows, columns } = options;
  const before = tf.memory().numTensors;
  const x = tf.tensor2d(rankValues(group.rank, rows, columns), [rows, columns]);
  const weights = tf.tensor2d(rankValues(group.rank, rows, columns, 1), [rows, columns]);
  const { value, grad } = tf.valueAndGrad((input: tf.Tensor) =>
    coupledGatherLoss(input as tf.Tensor2D, allGather(input as tf.Tensor2D, group), weights),
  )(x);
  const result = { loss: value.dataSync()[0] as number, gradient: Array.from(grad.dataSync()) };
  tf.dispose([x, weights, value, grad]);
  return { ...result, leaked: tf.memory().numTensors - before };
}

/** Worker side: the loss and gradient of `x_r` through {@link allReduceSum}. */
export function reduceGradientCheck(options: CheckOptions, group: SharedMemoryGroup): CheckResult {
  const { rows, columns } = options;
  const before = tf.memory().numTensors;
  const x = tf.tensor2d(rankValues(group.rank, rows, columns), [rows, columns]);
  const weights = tf.tensor2d(rankValues(group.rank, rows, columns, 1), [rows, columns]);
  const { value, grad } = tf.valueAndGrad((input: tf.Tensor) =>
    reducedSumLoss(allReduceSum(input as tf.Tensor2D, group), weights),
  )(x);
  const result = { loss: value.dataSync()[0] as number, gradient: Array.from(grad.dataSync()) };
  tf.dispose([x, weights, value, grad]);
  return { ...result, leaked: tf.memory().numTensors - before };
}

/** Worker side: rank 1 fails before a collective that the others enter (they must not hang). */
export function failOnRankOne(_options: unknown, group: SharedMemoryGroup): number[] {
  if (group.rank === 1) throw new Error('rank one failed on purpose');
  return Array.from(group.allReduceSum(new Float32Array([group.rank])));
}

/** Worker side: rank 1's thread exits (a crash) while the others wait in a collective. */
export function exitOnRankOne(_options: unknown, group: SharedMemoryGroup): number[] {
  if (group.rank === 1) process.exit(3);
  return Array.from(group.allReduceSum(new Float32Array([group.rank])));
}

/** Worker side: tensors alive before and after a replica step (after one warm-up step). */
export function replicaStepLeakCheck(
  _options: unknown,
  group: SharedMemoryGroup,
): { before: number; after: number } {
  const replica = new DataParallelReplica(
    createTinyGpt({ blockSize: 4 }),
    { steps: 2, clipNorm: 1 },
    group,
  );
  const batches = tinyTokenBatches(2, { blockSize: 4, batchSize: 2 * group.size });
  const shard = (batch: tf.Tensor2D): tf.Tensor2D =>
    tf.slice(batch, [group.rank * 2, 0], [2, batch.shape[1]]);
  const first = shard(batches[0] as tf.Tensor2D);
  replica.step(first, 0);
  const second = shard(batches[1] as tf.Tensor2D);
  const before = tf.memory().numTensors;
  replica.step(second, 1);
  const after = tf.memory().numTensors;
  tf.dispose([first, second, ...batches]);
  replica.dispose();
  return { before, after };
}

type SharedReduceOptions = { readonly length: number; readonly meanLength: number };

/**
 * Worker side: {@link SharedMemoryGroup.allReduceShared} of rank-specific values (with a wide
 * range of magnitudes, so that float32 rounding shows) next to {@link SharedMemoryGroup.allReduceSum}
 * of the same values followed by the division, three times in a row (the result region is reused).
 */
export function sharedReduceCheck(
  options: SharedReduceOptions,
  group: SharedMemoryGroup,
): { shared: number[][]; reference: number[][] } {
  const shared: number[][] = [];
  const reference: number[][] = [];
  for (let round = 0; round < 3; round++) {
    const values = Float32Array.from(
      { length: options.length },
      (_, index) => Math.sin(0.37 * index + 1.9 * group.rank + round) * 10 ** ((index % 7) - 3),
    );
    const summed = group.allReduceSum(values);
    for (let index = 0; index < options.meanLength; index++)
      summed[index] = (summed[index] as number) / group.size;
    reference.push(Array.from(summed));
    const view = group.allReduceShared(
      options.length,
      (slot) => slot.set(values),
      options.meanLength,
    );
    shared.push(Array.from(view));
  }
  return { shared, reference };
}
