import type { TrainableParameter } from './optimizer';

/**
 * Which parameters skip weight decay (and, for LARS, trust-ratio adaptation):
 * - `'rank-at-most-one'` (the default everywhere): every weight of rank ≤ 1, i.e. biases and
 *   normalisation gains/offsets, as in BERT, SimCLR (LARS) and most AdamW recipes;
 * - `'none'`: decay everything;
 * - a `RegExp` tested against the weight name (e.g. `/bias|gamma|beta/`);
 * - a predicate on the parameter.
 */
export type WeightDecayExclusion =
  | 'rank-at-most-one'
  | 'none'
  | RegExp
  | ((parameter: TrainableParameter) => boolean);

/**
 * Whether `parameter` is excluded from weight decay under `exclusion`.
 *
 * @param parameter the weight.
 * @param exclusion the rule. @default 'rank-at-most-one'
 * @returns true when the weight must not be decayed.
 * @example isExcludedFromWeightDecay(bias, 'rank-at-most-one') // true
 */
export function isExcludedFromWeightDecay(
  parameter: TrainableParameter,
  exclusion: WeightDecayExclusion = 'rank-at-most-one',
): boolean {
  if (exclusion === 'none') return false;
  if (exclusion === 'rank-at-most-one') return parameter.variable.rank <= 1;
  if (exclusion instanceof RegExp) {
    exclusion.lastIndex = 0;
    return exclusion.test(parameter.name);
  }
  return exclusion(parameter);
}
