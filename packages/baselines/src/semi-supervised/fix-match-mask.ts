import * as tf from '@tensorflow/tfjs';
import { selectPseudoLabels } from './pseudo-labels';

/**
 * The FixMatch loss mask (Sohn et al. 2020, "FixMatch: Simplifying Semi-Supervised Learning with
 * Consistency and Confidence", Eq. 4): `1(max_c q_c ≥ τ)` for the class distribution `q` predicted
 * on the weakly augmented view; only those unlabeled examples contribute to the unlabeled loss,
 * with the arg-max of `q` as the target of the strongly augmented view.
 *
 * @param probabilities `[B, C]` class probabilities of the weak views (not disposed).
 * @param threshold τ in [0, 1]. @default 0.95 (the paper's value for every dataset)
 * @returns `[B]` float32 of 0 and 1 (the caller disposes it).
 * @example
 * const mask = fixMatchMask(tf.tensor2d([[0.96, 0.04], [0.5, 0.5]]), 0.95); // [1, 0]
 */
export function fixMatchMask(probabilities: tf.Tensor2D, threshold = 0.95): tf.Tensor1D {
  const { labels, mask, confidence } = selectPseudoLabels(probabilities, threshold);
  tf.dispose([labels, confidence]);
  return mask;
}
