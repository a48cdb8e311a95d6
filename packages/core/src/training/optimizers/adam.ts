import * as tf from '@tensorflow/tfjs';
import {
  type AdamUpdateAttributes,
  adamUpdateKernelName,
} from '../../backend/wasm-kernels/adam-update';
import type { JsonObject } from '../../spec/json';
import { checkRate } from './check-rate';
import type { OptimizerName, TrainableParameter } from './optimizer';
import { SlotOptimizer, type SlotReader } from './slot-optimizer';
import { isExcludedFromWeightDecay, type WeightDecayExclusion } from './weight-decay-exclusion';

/** Options of {@link createAdam}. */
export type AdamOptions = {
  /** Decay of the first moment. @default 0.9 */
  readonly beta1?: number;
  /** Decay of the second moment. @default 0.999 */
  readonly beta2?: number;
  /** Added to √v̂ in the denominator. @default 1e-8 */
  readonly epsilon?: number;
  /** L2 penalty added to the gradient (`g + λw`, coupled, as in PyTorch's Adam). @default 0 */
  readonly weightDecay?: number;
  /** Weights that skip the penalty. @default 'rank-at-most-one' */
  readonly excludeFromWeightDecay?: WeightDecayExclusion;
};

type AdamScalars = {
  readonly beta1: tf.Scalar;
  readonly oneMinusBeta1: tf.Scalar;
  readonly beta2: tf.Scalar;
  readonly oneMinusBeta2: tf.Scalar;
  readonly secondMomentCorrection: tf.Scalar;
  readonly epsilon: tf.Scalar;
  readonly stepSize: tf.Scalar;
  readonly decay: tf.Scalar;
  readonly decayFactor: tf.Scalar;
};

type AdamConstants = {
  readonly learningRate: number;
  readonly iteration: number;
  /** The constants as scalars, made on first use (the tensor-op path only). */
  scalars(): AdamScalars;
};

/**
 * Adam and AdamW in a few fused tensor ops per weight (Kingma & Ba 2015; Loshchilov & Hutter 2019).
 * On the wasm backend each weight's update is one selfsup kernel (`SelfsupAdamUpdate`: the
 * same arithmetic without the engine's bookkeeping around ~12 ops). Use {@link createAdam} or
 * `createAdamW`.
 */
export class AdamOptimizer extends SlotOptimizer<AdamConstants> {
  readonly name: OptimizerName;
  private readonly beta1: number;
  private readonly beta2: number;
  private readonly epsilon: number;
  private readonly weightDecay: number;
  private readonly decoupled: boolean;
  private readonly exclusion: WeightDecayExclusion;

  /**
   * @param options hyper-parameters (see {@link AdamOptions}).
   * @param decoupled AdamW's decoupled decay (`w ← w − ηλw`) instead of an L2 term in the gradient.
   */
  constructor(options: AdamOptions, decoupled: boolean) {
    super();
    this.name = decoupled ? 'adamw' : 'adam';
    this.beta1 = checkRate(this.name, 'beta1', options.beta1 ?? 0.9, { below1: true });
    this.beta2 = checkRate(this.name, 'beta2', options.beta2 ?? 0.999, { below1: true });
    this.epsilon = checkRate(this.name, 'epsilon', options.epsilon ?? 1e-8);
    this.weightDecay = checkRate(
      this.name,
      'weightDecay',
      options.weightDecay ?? (decoupled ? 0.01 : 0),
    );
    this.decoupled = decoupled;
    this.exclusion = options.excludeFromWeightDecay ?? 'rank-at-most-one';
  }

  getConfig(): JsonObject {
    return {
      name: this.name,
      beta1: this.beta1,
      beta2: this.beta2,
      epsilon: this.epsilon,
      weightDecay: this.weightDecay,
      excludeFromWeightDecay:
        typeof this.exclusion === 'function' ? 'custom' : String(this.exclusion),
    };
  }

  protected prepare(learningRate: number, iteration: number): AdamConstants {
    let scalars: AdamScalars | undefined;
    return {
      learningRate,
      iteration,
      scalars: () => {
        scalars ??= this.makeScalars(learningRate, iteration);
        return scalars;
      },
    };
  }

  private makeScalars(learningRate: number, iteration: number): AdamScalars {
    const firstMomentCorrection = 1 - this.beta1 ** iteration;
    return {
      beta1: tf.scalar(this.beta1),
      oneMinusBeta1: tf.scalar(1 - this.beta1),
      beta2: tf.scalar(this.beta2),
      oneMinusBeta2: tf.scalar(1 - this.beta2),
      secondMomentCorrection: tf.scalar(1 / (1 - this.beta2 ** iteration)),
      epsilon: tf.scalar(this.epsilon),
      stepSize: tf.scalar(learningRate / firstMomentCorrection),
      decay: tf.scalar(this.weightDecay),
      decayFactor: tf.scalar(1 - learningRate * this.weightDecay),
    };
  }

  protected update(
    parameter: TrainableParameter,
    gradient: tf.Tensor,
    slot: SlotReader,
    constants: AdamConstants,
  ): void {
    const weight = parameter.variable;
    const decays = this.weightDecay > 0 && !isExcludedFromWeightDecay(parameter, this.exclusion);
    const firstMoment = slot('m');
    const secondMoment = slot('v');
    if (
      weight.dtype === 'float32' &&
      gradient.dtype === 'float32' &&
      tf.getKernel(adamUpdateKernelName, tf.getBackend()) !== undefined
    ) {
      // selfsup's wasm kernel: the same ops in the same order, one engine dispatch.
      const { learningRate, iteration } = constants;
      const attributes: AdamUpdateAttributes = {
        beta1: this.beta1,
        beta2: this.beta2,
        secondMomentCorrection: 1 / (1 - this.beta2 ** iteration),
        epsilon: this.epsilon,
        stepSize: learningRate / (1 - this.beta1 ** iteration),
        l2: decays && !this.decoupled ? this.weightDecay : 0,
        weightFactor: decays && this.decoupled ? 1 - learningRate * this.weightDecay : 1,
      };
      const [nextWeight, nextFirst, nextSecond] = tf
        .engine()
        .runKernel(
          adamUpdateKernelName,
          { weight, firstMoment, secondMoment, gradient },
          attributes as unknown as tf.NamedAttrMap,
        ) as tf.Tensor[];
      firstMoment.assign(nextFirst as tf.Tensor);
      secondMoment.assign(nextSecond as tf.Tensor);
      weight.assign(nextWeight as tf.Tensor);
      return;
    }
    const scalars = constants.scalars();
    const effectiveGradient =
      decays && !this.decoupled ? gradient.add(weight.mul(scalars.decay)) : gradient;
    const nextFirst = firstMoment
      .mul(scalars.beta1)
      .add(effectiveGradient.mul(scalars.oneMinusBeta1));
    const nextSecond = secondMoment
      .mul(scalars.beta2)
      .add(effectiveGradient.square().mul(scalars.oneMinusBeta2));
    firstMoment.assign(nextFirst);
    secondMoment.assign(nextSecond);
    // w ← w·(1 − ηλ) − η/(1 − β1ᵗ) · m / (√(v/(1 − β2ᵗ)) + ε)
    const step = nextFirst
      .mul(scalars.stepSize)
      .div(nextSecond.mul(scalars.secondMomentCorrection).sqrt().add(scalars.epsilon));
    const decayed = decays && this.decoupled ? weight.mul(scalars.decayFactor) : weight;
    weight.assign(decayed.sub(step));
  }
}

/**
 * Creates an Adam optimizer (Kingma & Ba 2015, "Adam: A Method for Stochastic Optimization"),
 * with PyTorch's conventions: bias-corrected moments, ε added to √v̂, optional coupled L2 decay.
 *
 * @param options β1, β2, ε and the optional L2 penalty.
 * @returns an {@link AdamOptimizer} named `'adam'`.
 * @example const optimizer = createAdam({ beta2: 0.95 });
 */
export function createAdam(options: AdamOptions = {}): AdamOptimizer {
  return new AdamOptimizer(options, false);
}
