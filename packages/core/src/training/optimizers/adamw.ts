import { AdamOptimizer, type AdamOptions } from './adam';

/** Options of {@link createAdamW}: Adam's, with decoupled weight decay (default 0.01). */
export type AdamWOptions = AdamOptions;

/**
 * Creates an AdamW optimizer: Adam with decoupled weight decay (Loshchilov & Hutter 2019,
 * "Decoupled Weight Decay Regularization"), `w ← w·(1 − ηλ) − η·m̂/(√v̂ + ε)`, as PyTorch's AdamW.
 *
 * By default biases and normalisation gains (every weight of rank ≤ 1) are not decayed; pass
 * `excludeFromWeightDecay: 'none'` to decay everything or a RegExp on weight names.
 *
 * @param options β1 (0.9), β2 (0.999), ε (1e-8), weightDecay (0.01), excludeFromWeightDecay ('rank-at-most-one').
 * @returns an optimizer named `'adamw'`.
 * @example const optimizer = createAdamW({ weightDecay: 0.05 });
 */
export function createAdamW(options: AdamWOptions = {}): AdamOptimizer {
  return new AdamOptimizer(options, true);
}
