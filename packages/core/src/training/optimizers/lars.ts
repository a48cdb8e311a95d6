import * as tf from '@tensorflow/tfjs';
import type { JsonObject } from '../../spec/json';
import { checkRate } from './check-rate';
import type { TrainableParameter } from './optimizer';
import { SlotOptimizer, type SlotReader } from './slot-optimizer';
import { isExcludedFromWeightDecay, type WeightDecayExclusion } from './weight-decay-exclusion';

/** Options of {@link createLars}. */
export type LarsOptions = {
  /** Momentum μ. @default 0.9 */
  readonly momentum?: number;
  /** Weight decay λ, added to the gradient of adapted weights. @default 1e-6 */
  readonly weightDecay?: number;
  /** Trust coefficient η of the layer-wise rate `η‖w‖/‖g + λw‖`. @default 0.001 */
  readonly trustCoefficient?: number;
  /** Nesterov momentum. @default false */
  readonly nesterov?: boolean;
  /** Weights that get neither decay nor adaptation (biases, BatchNorm). @default 'rank-at-most-one' */
  readonly excludeFromAdaptation?: WeightDecayExclusion;
};

type LarsConstants = {
  readonly learningRate: tf.Scalar;
  readonly momentum: tf.Scalar;
  readonly decay: tf.Scalar;
  readonly trustCoefficient: tf.Scalar;
  readonly zero: tf.Scalar;
  readonly one: tf.Scalar;
};

/** LARS; see {@link createLars}. */
export class LarsOptimizer extends SlotOptimizer<LarsConstants> {
  readonly name = 'lars' as const;
  private readonly momentum: number;
  private readonly weightDecay: number;
  private readonly trustCoefficient: number;
  private readonly nesterov: boolean;
  private readonly exclusion: WeightDecayExclusion;

  /** @param options see {@link LarsOptions}. */
  constructor(options: LarsOptions = {}) {
    super();
    this.momentum = checkRate('lars', 'momentum', options.momentum ?? 0.9, { below1: true });
    this.weightDecay = checkRate('lars', 'weightDecay', options.weightDecay ?? 1e-6);
    this.trustCoefficient = checkRate(
      'lars',
      'trustCoefficient',
      options.trustCoefficient ?? 0.001,
    );
    this.nesterov = options.nesterov ?? false;
    this.exclusion = options.excludeFromAdaptation ?? 'rank-at-most-one';
  }

  getConfig(): JsonObject {
    return {
      name: this.name,
      momentum: this.momentum,
      weightDecay: this.weightDecay,
      trustCoefficient: this.trustCoefficient,
      nesterov: this.nesterov,
      excludeFromAdaptation:
        typeof this.exclusion === 'function' ? 'custom' : String(this.exclusion),
    };
  }

  protected prepare(learningRate: number): LarsConstants {
    return {
      learningRate: tf.scalar(learningRate),
      momentum: tf.scalar(this.momentum),
      decay: tf.scalar(this.weightDecay),
      trustCoefficient: tf.scalar(this.trustCoefficient),
      zero: tf.scalar(0),
      one: tf.scalar(1),
    };
  }

  protected update(
    parameter: TrainableParameter,
    gradient: tf.Tensor,
    slot: SlotReader,
    constants: LarsConstants,
  ): void {
    const weight = parameter.variable;
    let effectiveGradient = gradient;
    let scaledRate: tf.Tensor = constants.learningRate;
    if (!isExcludedFromWeightDecay(parameter, this.exclusion)) {
      if (this.weightDecay > 0) effectiveGradient = gradient.add(weight.mul(constants.decay));
      // trust = η‖w‖/‖g + λw‖, or 1 when either norm is 0 (computed on the device, no sync).
      const weightNorm = weight.square().sum().sqrt();
      const gradientNorm = effectiveGradient.square().sum().sqrt();
      const bothPositive = tf.logicalAnd(
        weightNorm.greater(constants.zero),
        gradientNorm.greater(constants.zero),
      );
      const safeGradientNorm = tf.where(bothPositive, gradientNorm, constants.one);
      const trust = tf.where(
        bothPositive,
        weightNorm.mul(constants.trustCoefficient).div(safeGradientNorm),
        constants.one,
      );
      scaledRate = trust.mul(constants.learningRate);
    }
    const scaledGradient = effectiveGradient.mul(scaledRate);
    const velocity = slot('momentum');
    const nextVelocity = velocity.mul(constants.momentum).add(scaledGradient);
    velocity.assign(nextVelocity);
    const step = this.nesterov
      ? nextVelocity.mul(constants.momentum).add(scaledGradient)
      : nextVelocity;
    weight.assign(weight.sub(step));
  }
}

/**
 * Creates LARS, layer-wise adaptive rate scaling (You, Gitman & Ginsburg 2017, "Large Batch
 * Training of Convolutional Networks"), in the form used by SimCLR and BYOL:
 * `g' = g + λw`, `r = η‖w‖/‖g'‖`, `v ← μv + ηₜ·r·g'`, `w ← w − v`.
 *
 * Biases and normalisation weights (rank ≤ 1 by default) get neither decay nor adaptation
 * (`r = 1`, `g' = g`).
 *
 * @param options momentum (0.9), weightDecay (1e-6), trustCoefficient (0.001), nesterov (false), excludeFromAdaptation ('rank-at-most-one').
 * @returns an optimizer named `'lars'`.
 * @example const optimizer = createLars({ weightDecay: 1e-6 }); // with learningRate 0.3·batch/256
 */
export function createLars(options: LarsOptions = {}): LarsOptimizer {
  return new LarsOptimizer(options);
}
