import * as tf from '@tensorflow/tfjs';
import {
  BatchNormalization,
  type BatchNormalizationOptions,
  batchNormalizeOver,
} from '../../layers/batch-normalization';
import { allReduceSum, type CollectiveGroup } from './collective-ops';

/** What {@link syncBatchNormalize} returns (tensors owned by the caller, or by the enclosing tidy). */
export type SyncBatchNormalizeResult = {
  /** The normalized, scaled and shifted input, its shape. */
  readonly output: tf.Tensor;
  /** The global batch mean `[C]`. */
  readonly mean: tf.Tensor1D;
  /** The global batch (biased) variance `[C]`. */
  readonly variance: tf.Tensor1D;
};

/**
 * Batch normalization with statistics over the global batch of a data-parallel group (SyncBN):
 * `y = γ·(x − μ)/√(σ² + ε) + β` where `μ` and `σ²` are the mean and biased variance over every
 * axis but the last of all workers' inputs (Ioffe & Szegedy 2015; synchronised across devices as
 * SimCLR does, Chen et al. 2020 §B.9 "Global BN": per-device BN lets the contrastive task cheat).
 *
 * Forward: two all-reduces (the per-channel sums, then the sums of squared deviations). Backward,
 * by hand as core's `BatchNormalization`: one all-reduce of `[Σ dy, Σ dy·x̂]`, then
 * `dx = γ/σ · (dy − Σdy/M − x̂·Σ(dy·x̂)/M)` over the global count M, so the gradient of `x_r`
 * includes the other workers' losses through the shared statistics; the gradients of `γ` and `β`
 * are this worker's sums (the data-parallel all-reduce adds them up). Per-channel sums use the same
 * pooled reduction as core's layer (tfjs' `sum` over axis 0 transposes first: ~10× slower on
 * SimCLR's `[200704, 32]`). With a group of one worker it equals core's `batchNormalizeTraining`.
 * Every worker must pass the same shape.
 *
 * @param x input `[..., C]`, rank ≥ 2.
 * @param gamma scale `[C]`.
 * @param beta offset `[C]`.
 * @param epsilon added to the variance.
 * @param group the worker's group.
 * @returns the output and the global statistics.
 * @example const { output } = syncBatchNormalize(features, gamma, beta, 1e-3, group);
 */
export function syncBatchNormalize(
  x: tf.Tensor,
  gamma: tf.Tensor,
  beta: tf.Tensor,
  epsilon: number,
  group: CollectiveGroup,
): SyncBatchNormalizeResult {
  if (x.rank < 2) {
    throw new Error(
      `syncBatchNormalize: x must have rank ≥ 2 ([B, ..., C]), got shape ${JSON.stringify(x.shape)}.`,
    );
  }
  let statistics: tf.Tensor1D[] = [];
  const output = batchNormalizeOver(x, gamma, beta, epsilon, {
    sumAcrossBatch: (sums) => allReduceSum(sums, group),
    parts: group.size,
    // Kept past customGrad's own scope, then handed out as copies in the caller's scope.
    onStatistics: (mean, variance) => {
      statistics = [tf.keep(tf.clone(mean)), tf.keep(tf.clone(variance))];
    },
  });
  const [mean, variance] = statistics.map((kept) => tf.clone(kept)) as [tf.Tensor1D, tf.Tensor1D];
  tf.dispose(statistics);
  return { output, mean, variance };
}

/** Options of {@link SyncBatchNormalization}: core's BatchNormalization options and the group. */
export type SyncBatchNormalizationOptions = BatchNormalizationOptions & {
  /** The worker's data-parallel group (the `group` a workload export receives). */
  readonly group: CollectiveGroup;
};

/**
 * Core's {@link BatchNormalization} whose training statistics (and moving averages) come from the
 * global batch of a data-parallel group ({@link syncBatchNormalize}); inference uses the moving
 * statistics as before. It serializes as core's layer (`SelfsupBatchNormalization`, the same
 * weights and config), so a checkpoint loads without a group.
 *
 * @example
 * const norm = new SyncBatchNormalization({ group, momentum: 0.9 });
 * const y = norm.apply(features, { training: true }) as tf.Tensor;
 */
export class SyncBatchNormalization extends BatchNormalization {
  private readonly group: CollectiveGroup;

  /** @param options BatchNormalization options and the `group`. */
  constructor(options: SyncBatchNormalizationOptions) {
    const { group, ...rest } = options;
    super(rest);
    this.group = group;
  }

  override call(inputs: tf.Tensor | tf.Tensor[], kwargs: Record<string, unknown>): tf.Tensor {
    if (kwargs.training !== true) return super.call(inputs, kwargs);
    return tf.tidy(() => {
      const x = Array.isArray(inputs) ? inputs[0] : inputs;
      if (x === undefined)
        throw new Error('SyncBatchNormalization: called without an input tensor.');
      const weight = (name: string): tf.LayerVariable | undefined =>
        this.weights.find((variable) => variable.originalName.endsWith(`/${name}`));
      const movingMean = weight('moving_mean');
      const movingVariance = weight('moving_variance');
      if (movingMean === undefined || movingVariance === undefined) {
        throw new Error('SyncBatchNormalization: call() before build(); use layer.apply(x).');
      }
      const channels = x.shape[x.rank - 1] as number;
      const gamma = weight('gamma')?.read() ?? tf.ones([channels]);
      const beta = weight('beta')?.read() ?? tf.zeros([channels]);
      const { output, mean, variance } = syncBatchNormalize(
        x,
        gamma,
        beta,
        this.epsilon,
        this.group,
      );
      const momentum = this.momentum;
      tf.tidy(() => {
        movingMean.write(tf.add(tf.mul(movingMean.read(), momentum), tf.mul(mean, 1 - momentum)));
        movingVariance.write(
          tf.add(tf.mul(movingVariance.read(), momentum), tf.mul(variance, 1 - momentum)),
        );
      });
      return output;
    });
  }
}
