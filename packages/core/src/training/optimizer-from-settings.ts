import { createOptimizer } from './optimizers/create-optimizer';
import type { Optimizer } from './optimizers/optimizer';
import type { PretrainSettings } from './pretrain-options';

/**
 * The optimizer a run's parsed options describe: one mapping shared by `pretrain()` and every
 * data-parallel replica, so that N workers apply exactly the update one worker applies.
 *
 * @param settings parsed `pretrain()` options (`parsePretrainOptions`).
 * @returns a fresh optimizer (no slots yet).
 * @example const optimizer = optimizerFromSettings(parsePretrainOptions({ steps: 10, optimizer: 'lars' }));
 */
export function optimizerFromSettings(settings: PretrainSettings): Optimizer {
  return createOptimizer(settings.optimizer, {
    beta1: settings.beta1,
    beta2: settings.beta2,
    epsilon: settings.epsilon,
    momentum: settings.momentum,
    nesterov: settings.nesterov,
    trustCoefficient: settings.trustCoefficient,
    excludeFromWeightDecay: settings.excludeFromWeightDecay,
    ...(settings.weightDecay === undefined ? {} : { weightDecay: settings.weightDecay }),
  });
}
