import * as tf from '@tensorflow/tfjs';
import type { JsonObject } from '../../spec/json';
import { checkRate } from './check-rate';
import type { TrainableParameter } from './optimizer';
import { SlotOptimizer, type SlotReader } from './slot-optimizer';
import { isExcludedFromWeightDecay, type WeightDecayExclusion } from './weight-decay-exclusion';

/** Options of {@link createSgd}. */
export type SgdOptions = {
  /** Momentum μ (0 turns it off). @default 0.9 */
  readonly momentum?: number;
  /** Nesterov momentum: the update is `g + μ·b` instead of `b`. @default false */
  readonly nesterov?: boolean;
  /** L2 penalty added to the gradient (`g + λw`). @default 0 */
  readonly weightDecay?: number;
  /** Weights that skip the penalty. @default 'rank-at-most-one' */
  readonly excludeFromWeightDecay?: WeightDecayExclusion;
};

type SgdConstants = {
  readonly learningRate: tf.Scalar;
  readonly momentum: tf.Scalar;
  readonly decay: tf.Scalar;
};

/** SGD with (Nesterov) momentum; see {@link createSgd}. */
export class SgdOptimizer extends SlotOptimizer<SgdConstants> {
  readonly name = 'sgd' as const;
  private readonly momentum: number;
  private readonly nesterov: boolean;
  private readonly weightDecay: number;
  private readonly exclusion: WeightDecayExclusion;

  /** @param options see {@link SgdOptions}. */
  constructor(options: SgdOptions = {}) {
    super();
    this.momentum = checkRate('sgd', 'momentum', options.momentum ?? 0.9, { below1: true });
    this.nesterov = options.nesterov ?? false;
    this.weightDecay = checkRate('sgd', 'weightDecay', options.weightDecay ?? 0);
    this.exclusion = options.excludeFromWeightDecay ?? 'rank-at-most-one';
    if (this.nesterov && this.momentum === 0)
      throw new RangeError('sgd: nesterov needs a momentum > 0.');
  }

  getConfig(): JsonObject {
    return {
      name: this.name,
      momentum: this.momentum,
      nesterov: this.nesterov,
      weightDecay: this.weightDecay,
      excludeFromWeightDecay:
        typeof this.exclusion === 'function' ? 'custom' : String(this.exclusion),
    };
  }

  protected prepare(learningRate: number): SgdConstants {
    return {
      learningRate: tf.scalar(learningRate),
      momentum: tf.scalar(this.momentum),
      decay: tf.scalar(this.weightDecay),
    };
  }

  protected update(
    parameter: TrainableParameter,
    gradient: tf.Tensor,
    slot: SlotReader,
    constants: SgdConstants,
  ): void {
    const weight = parameter.variable;
    const decays = this.weightDecay > 0 && !isExcludedFromWeightDecay(parameter, this.exclusion);
    const effectiveGradient = decays ? gradient.add(weight.mul(constants.decay)) : gradient;
    let direction = effectiveGradient;
    if (this.momentum > 0) {
      // b ← μ·b + g (PyTorch, no dampening); the first step gives b = g.
      const buffer = slot('momentum');
      const nextBuffer = buffer.mul(constants.momentum).add(effectiveGradient);
      buffer.assign(nextBuffer);
      direction = this.nesterov
        ? effectiveGradient.add(nextBuffer.mul(constants.momentum))
        : nextBuffer;
    }
    weight.assign(weight.sub(direction.mul(constants.learningRate)));
  }
}

/**
 * Creates SGD with momentum (Polyak 1964) or Nesterov momentum (Sutskever et al. 2013), with
 * PyTorch's conventions: `b ← μb + g`, `w ← w − η·b` (Nesterov: `w ← w − η(g + μb)`).
 *
 * @param options momentum (0.9), nesterov (false), weightDecay (0), excludeFromWeightDecay ('rank-at-most-one').
 * @returns an optimizer named `'sgd'`.
 * @example const optimizer = createSgd({ momentum: 0.9, nesterov: true });
 */
export function createSgd(options: SgdOptions = {}): SgdOptimizer {
  return new SgdOptimizer(options);
}
