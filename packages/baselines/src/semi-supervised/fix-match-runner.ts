import { type AugmentFunction, deriveSeed, type LabelEfficiencyRunner } from '@selfsup/core';
import * as tf from '@tensorflow/tfjs';
import { createStrongImageAugment, createWeakImageAugment } from './image-augmentations';
import { selectPseudoLabels } from './pseudo-labels';
import { checkPositive, type SemiSupervisedRunnerOptions } from './runner-options';
import { trainSemiSupervised } from './semi-supervised-training';
import { oneHotTargets, softCrossEntropy } from './soft-cross-entropy';

/** Options of {@link createFixMatchRunner}. */
export type FixMatchRunnerOptions = SemiSupervisedRunnerOptions & {
  /** Weak augmentation α (labeled batch and the view that makes the pseudo-label). @default {@link createWeakImageAugment}() */
  readonly weakAugment?: AugmentFunction;
  /** Strong augmentation 𝒜 (the view trained to match the pseudo-label). @default {@link createStrongImageAugment}() */
  readonly strongAugment?: AugmentFunction;
  /** Confidence threshold τ. @default 0.95 (the paper, every dataset) */
  readonly threshold?: number;
  /**
   * μ: unlabeled examples per labeled one in a step. The paper uses 7 (with B = 64 on GPUs);
   * a step costs about B + 2μB forward passes, so μ = 7 makes CPU steps ~2.4× costlier than
   * μ = 2; at a fixed few-minute budget more steps help more (the paper's μ ablation, Fig. 3a,
   * is at 2²⁰ steps). @default 2
   */
  readonly unlabeledRatio?: number;
  /** λ_u, weight of the unlabeled loss. @default 1 (the paper) */
  readonly lambdaU?: number;
  /** Steps per run. @default 300 */
  readonly steps?: number;
};

/**
 * FixMatch (Sohn et al. 2020, "FixMatch: Simplifying Semi-Supervised Learning with Consistency
 * and Confidence") as a `labelEfficiency` runner: consistency regularisation with confident
 * pseudo-labels. Each step takes B labeled examples (weakly augmented, cross-entropy ℓ_s) and μB
 * unlabeled ones from the pool: the prediction on a weak view `q = p(y | α(u))` (outside the
 * gradient, in training mode: BatchNorm batch statistics, as in the official code) gives the hard label `argmax q`, kept where `max q ≥ τ`
 * ({@link fixMatchMask}), and the strong view 𝒜(u) is trained to predict it:
 * `ℓ_u = (1/μB) Σ 1(max q ≥ τ) · CE(argmax q, p(y | 𝒜(u)))`, loss `ℓ_s + λ_u ℓ_u`. Labeled and
 * strong unlabeled views go through the network in one batch (shared BatchNorm statistics).
 *
 * Defaults: τ = 0.95, λ_u = 1 (the paper); μ = 2 and 300 steps of B = 32, AdamW 3e-3 instead of
 * μ = 7, B = 64, SGD with Nesterov at 0.03 and cosine decay over 2²⁰ steps (a CPU budget of a few
 * minutes; see `unlabeledRatio`). Augmentations default to the digit versions of the paper's
 * weak (shift) and strong (RandAugment + Cutout) ones; pass both for other images.
 *
 * @param options encoder factory, augmentations, τ, μ, λ_u, budget.
 * @returns the runner (mode 'full'); metrics: accuracy, macroF1, steps, unlabeledUsed (mask rate).
 * @example
 * const fixMatch = createFixMatchRunner({ createEncoder: (seed) => createConvNetEncoder({ seed }), steps: 500 });
 */
export function createFixMatchRunner(options: FixMatchRunnerOptions): LabelEfficiencyRunner {
  const {
    createEncoder,
    name = 'fixmatch',
    weakAugment = createWeakImageAugment(),
    strongAugment = createStrongImageAugment(),
    threshold = 0.95,
    unlabeledRatio = 2,
    lambdaU = 1,
  } = options;
  if (!(threshold >= 0 && threshold <= 1)) {
    throw new RangeError(`threshold τ is a probability in [0, 1], got ${threshold}.`);
  }
  checkPositive(unlabeledRatio, 'unlabeledRatio (μ)');
  checkPositive(lambdaU, 'lambdaU', true);
  return {
    name,
    modes: ['full'],
    run(context) {
      const batchSize = options.batchSize ?? 32;
      return trainSemiSupervised({
        context,
        createEncoder,
        training: options,
        defaultSteps: 300,
        unlabeledBatchSize: Math.max(1, Math.round(unlabeledRatio * batchSize)),
        stepLoss: ({ labeledInputs, labels, unlabeledInputs, seed, numClasses, forward }) => {
          const labeledWeak = weakAugment(labeledInputs, deriveSeed(seed, 1));
          const unlabeledWeak = weakAugment(unlabeledInputs, deriveSeed(seed, 2));
          const unlabeledStrong = strongAugment(unlabeledInputs, deriveSeed(seed, 3));
          const guess = tf.softmax(forward(unlabeledWeak, true)) as tf.Tensor2D;
          const { labels: pseudoLabels, mask } = selectPseudoLabels(guess, threshold);
          const labeledTargets = oneHotTargets(labels, numClasses);
          const pseudoTargets = oneHotTargets(pseudoLabels, numClasses);
          const labeledCount = labeledWeak.shape[0]!;
          return {
            unlabeledUsed: tf.mean(mask) as tf.Scalar,
            loss: () => {
              const logits = forward(tf.concat([labeledWeak, unlabeledStrong]), true);
              const supervised = tf.mean(
                softCrossEntropy(labeledTargets, logits.slice(0, labeledCount)),
              );
              // Mean over all μB examples, masked ones counting as 0 (the paper's 1/μB).
              const unlabeled = tf.mean(
                tf.mul(mask, softCrossEntropy(pseudoTargets, logits.slice(labeledCount))),
              );
              return tf.add(supervised, tf.mul(lambdaU, unlabeled)) as tf.Scalar;
            },
          };
        },
      });
    },
  };
}
