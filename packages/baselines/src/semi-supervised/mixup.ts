import * as tf from '@tensorflow/tfjs';

/** A mixed batch: inputs and soft targets. */
export type MixedBatch = {
  /** `[B, ...]` mixed inputs. */
  readonly inputs: tf.Tensor;
  /** `[B, C]` mixed targets. */
  readonly targets: tf.Tensor2D;
};

/**
 * MixMatch's variant of mixup (Zhang et al. 2018, "mixup: Beyond Empirical Risk Minimization";
 * Berthelot et al. 2019, "MixMatch", Eqs. 8–11): `λ' = max(λ, 1 − λ)`, `x' = λ'x₁ + (1 − λ')x₂`,
 * `p' = λ'p₁ + (1 − λ')p₂`. Taking `λ' ≥ 0.5` keeps each mixed example closer to its first
 * operand, so mixed labeled examples stay mostly labeled and mixed unlabeled ones mostly unlabeled.
 *
 * `λ` is one number for the whole batch or one per example (`[B]`, as in the official MixMatch
 * code, which draws a Beta(α, α) value per example, see {@link sampleBeta}). Inputs are not
 * disposed; differentiable with respect to every operand.
 *
 * @param inputs1 `[B, ...]` first inputs.
 * @param targets1 `[B, C]` their targets (one-hot or soft).
 * @param inputs2 `[B, ...]` second inputs (same shape).
 * @param targets2 `[B, C]` their targets.
 * @param lambda λ in [0, 1], a number or a `[B]` tensor / array.
 * @returns the mixed inputs and targets (the caller disposes them).
 * @example
 * const { inputs, targets } = mixup(x, p, tf.gather(x, order), tf.gather(p, order), sampleBeta(0.75, 0.75, 32, seed));
 */
export function mixup(
  inputs1: tf.Tensor,
  targets1: tf.Tensor2D,
  inputs2: tf.Tensor,
  targets2: tf.Tensor2D,
  lambda: number | ArrayLike<number> | tf.Tensor1D,
): MixedBatch {
  if (!tf.util.arraysEqual(inputs1.shape, inputs2.shape)) {
    throw new Error(
      `mixup needs inputs of one shape, got ${JSON.stringify(inputs1.shape)} and ${JSON.stringify(inputs2.shape)}.`,
    );
  }
  if (
    !tf.util.arraysEqual(targets1.shape, targets2.shape) ||
    targets1.shape[0] !== inputs1.shape[0]
  ) {
    throw new Error(
      `mixup needs [B, C] targets for the B inputs, got ${JSON.stringify(targets1.shape)} and ${JSON.stringify(targets2.shape)} for B = ${inputs1.shape[0]}.`,
    );
  }
  const batchSize = inputs1.shape[0]!;
  if (typeof lambda === 'number') {
    if (!(lambda >= 0 && lambda <= 1))
      throw new RangeError(`mixup λ must be in [0, 1], got ${lambda}.`);
  } else if (!(lambda instanceof tf.Tensor)) {
    if (lambda.length !== batchSize) {
      throw new Error(
        `mixup needs one λ per example: ${batchSize} expected, got ${lambda.length}.`,
      );
    }
    for (let i = 0; i < lambda.length; i++) {
      const value = lambda[i]!;
      if (!(value >= 0 && value <= 1))
        throw new RangeError(`mixup λ must be in [0, 1], got ${value}.`);
    }
  } else if (lambda.rank !== 1 || lambda.shape[0] !== batchSize) {
    throw new Error(
      `mixup needs a [${batchSize}] λ tensor, got shape ${JSON.stringify(lambda.shape)}.`,
    );
  }
  return tf.tidy(() => {
    const raw =
      typeof lambda === 'number'
        ? tf.scalar(lambda)
        : lambda instanceof tf.Tensor
          ? lambda
          : tf.tensor1d(Float32Array.from(lambda));
    const kept = tf.maximum(raw, tf.sub(1, raw));
    // Per-example weights broadcast over the remaining axes.
    const along = (rank: number) =>
      kept.rank === 0 ? kept : kept.reshape([batchSize, ...Array<number>(rank - 1).fill(1)]);
    const mix = (first: tf.Tensor, second: tf.Tensor) => {
      const weight = along(first.rank);
      return tf.add(tf.mul(weight, first), tf.mul(tf.sub(1, weight), second));
    };
    return {
      inputs: mix(inputs1, inputs2),
      targets: mix(targets1, targets2) as tf.Tensor2D,
    };
  });
}
