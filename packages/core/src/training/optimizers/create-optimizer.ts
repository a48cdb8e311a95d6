import { createAdam } from './adam';
import { createAdamW } from './adamw';
import { createLars } from './lars';
import type { Optimizer, OptimizerName } from './optimizer';
import { createSgd } from './sgd';
import type { WeightDecayExclusion } from './weight-decay-exclusion';

/** Hyper-parameters of every optimizer; each takes the ones it knows and ignores the rest. */
export type OptimizerOptions = {
  /** Adam/AdamW β1. @default 0.9 */
  readonly beta1?: number;
  /** Adam/AdamW β2. @default 0.999 */
  readonly beta2?: number;
  /** Adam/AdamW ε. @default 1e-8 */
  readonly epsilon?: number;
  /** SGD/LARS momentum. @default 0.9 */
  readonly momentum?: number;
  /** SGD/LARS Nesterov momentum. @default false */
  readonly nesterov?: boolean;
  /** LARS trust coefficient η. @default 0.001 */
  readonly trustCoefficient?: number;
  /** Weight decay; undefined takes each optimizer's default (adamw 0.01, lars 1e-6, adam and sgd 0). */
  readonly weightDecay?: number;
  /** Weights without decay (LARS: without decay and adaptation). @default 'rank-at-most-one' */
  readonly excludeFromWeightDecay?: WeightDecayExclusion;
};

/**
 * Creates an optimizer by name, as `pretrain({ optimizer })` does.
 *
 * @param name `'adamw'`, `'adam'`, `'sgd'` or `'lars'`.
 * @param options the hyper-parameters (see {@link OptimizerOptions}).
 * @returns a fresh optimizer with empty state.
 * @example const optimizer = createOptimizer('lars', { weightDecay: 1e-6 });
 */
export function createOptimizer(name: OptimizerName, options: OptimizerOptions = {}): Optimizer {
  const { excludeFromWeightDecay, weightDecay } = options;
  switch (name) {
    case 'adam':
      return createAdam({ ...options });
    case 'adamw':
      return createAdamW({ ...options });
    case 'sgd':
      return createSgd({ ...options });
    case 'lars':
      return createLars({
        ...options,
        ...(weightDecay === undefined ? {} : { weightDecay }),
        ...(excludeFromWeightDecay === undefined
          ? {}
          : { excludeFromAdaptation: excludeFromWeightDecay }),
      });
    default:
      throw new Error(`Unknown optimizer '${String(name)}': use 'adamw', 'adam', 'sgd' or 'lars'.`);
  }
}
