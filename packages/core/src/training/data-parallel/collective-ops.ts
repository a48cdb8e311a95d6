import * as tf from '@tensorflow/tfjs';
import type { SharedMemoryGroup } from './shared-memory-group';

/** The part of a {@link SharedMemoryGroup} that the collective ops use. */
export type CollectiveGroup = Pick<
  SharedMemoryGroup,
  'rank' | 'size' | 'allReduceSum' | 'allGather'
>;

function float32Values(x: tf.Tensor, operation: string): Float32Array {
  if (x.dtype !== 'float32') {
    throw new TypeError(
      `${operation} takes float32 tensors, got ${x.dtype}; cast it first: x.cast('float32').`,
    );
  }
  return x.dataSync() as Float32Array;
}

/**
 * Sums a tensor over the workers of a data-parallel group, as a differentiable op.
 *
 * Forward: every worker gets `Σ_r x_r` (bit-identical on all ranks). Backward: the gradient of
 * `x_r` is the all-reduced sum of the upstream gradients, `Σ_r' dy_r'`, i.e. the gradient of the
 * sum of all workers' losses (the convention of `torch.distributed.nn.all_reduce`). Data-parallel
 * training averages gradients over workers, so the objective trained is the mean of the workers'
 * losses. SyncBatchNorm uses it for the batch statistics (Ioffe & Szegedy 2015 statistics over the
 * global batch, as in SimCLR, Chen et al. 2020, §B.9 "global BN").
 *
 * Every worker must call it at the same point of the same program, with the same shape.
 *
 * @param x float32 tensor of any shape.
 * @param group the worker's group.
 * @returns `Σ_r x_r`, the shape of `x`.
 * @example const total = allReduceSum(tf.sum(features, 0), group); // per-feature sum over the global batch
 */
export function allReduceSum<T extends tf.Tensor>(x: T, group: CollectiveGroup): T {
  const operation = tf.customGrad((...inputs: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const input = inputs[0] as tf.Tensor;
    const summed = group.allReduceSum(float32Values(input, 'allReduceSum'));
    return {
      value: tf.tensor(summed, input.shape, 'float32'),
      gradFunc: (dy: tf.Tensor) => allReduceSum(dy, group),
    };
  });
  return operation(x) as T;
}

/**
 * Concatenates a tensor of every worker along axis 0 (rank order), as a differentiable op.
 *
 * Forward: `[x_0; x_1; …; x_{N−1}]` on every worker. Backward (reduce-scatter): worker r gets the
 * sum over workers of the upstream gradient rows that came from it, `Σ_r' dy_r'[r·n : (r+1)·n]`,
 * i.e. the gradient of the sum of all workers' losses w.r.t. its own `x_r`. This is what makes
 * contrastive negatives exact across workers (SimCLR, Chen et al. 2020, gathers the embeddings of
 * all cores; NT-Xent over the gathered batch equals the single-worker loss).
 *
 * Every worker must pass the same shape (split the batch evenly).
 *
 * @param x float32 `[n, …]`.
 * @param group the worker's group.
 * @returns `[N·n, …]`.
 * @example const everyone = allGather(embeddings, group); // negatives from every worker
 */
export function allGather<T extends tf.Tensor>(x: T, group: CollectiveGroup): T {
  if (x.rank < 1)
    throw new TypeError('allGather takes tensors of rank ≥ 1 (it concatenates axis 0).');
  const operation = tf.customGrad((...inputs: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const input = inputs[0] as tf.Tensor;
    const gathered = group.allGather(float32Values(input, 'allGather'));
    const [rows, ...rest] = input.shape as [number, ...number[]];
    return {
      value: tf.tensor(gathered, [rows * group.size, ...rest], 'float32'),
      gradFunc: (dy: tf.Tensor) => {
        const summed = group.allReduceSum(float32Values(dy, 'allGather (gradient)'));
        const size = input.size;
        return tf.tensor(
          summed.subarray(group.rank * size, (group.rank + 1) * size),
          input.shape,
          'float32',
        );
      },
    };
  });
  return operation(x) as T;
}
