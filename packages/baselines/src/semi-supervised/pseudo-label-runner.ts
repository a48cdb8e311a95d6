import type { AugmentFunction, LabelEfficiencyRunner } from '@selfsup/core';
import { deriveSeed } from '@selfsup/core';
import * as tf from '@tensorflow/tfjs';
import { selectPseudoLabels } from './pseudo-labels';
import { checkPositive, linearRamp, type SemiSupervisedRunnerOptions } from './runner-options';
import { trainSemiSupervised } from './semi-supervised-training';
import { oneHotTargets, softCrossEntropy } from './soft-cross-entropy';

/** Options of {@link createPseudoLabelRunner}. */
export type PseudoLabelRunnerOptions = SemiSupervisedRunnerOptions & {
  /** Confidence a prediction needs to become a target. @default 0.95 (FixMatch's τ; Lee 2013 used no threshold, i.e. 0) */
  readonly threshold?: number;
  /** Final weight α_f of the unlabeled loss. @default 3 (Lee 2013) */
  readonly lambdaU?: number;
  /**
   * The weight ramps linearly from 0 to `lambdaU` between these fractions of the run (Lee 2013:
   * α = 0 until epoch T₁ = 100, α_f at T₂ = 600): the model first learns from labels alone.
   * @default [0.2, 0.6]
   */
  readonly rampUp?: readonly [number, number];
  /** Unlabeled examples per labeled one in a step. @default 2 */
  readonly unlabeledRatio?: number;
  /** Optional augmentation of labeled and unlabeled inputs; none by default, so token ids work as they are. */
  readonly augment?: AugmentFunction;
  /** Steps per run. @default 400 */
  readonly steps?: number;
};

/**
 * Pseudo-labelling with a confidence threshold (Lee 2013, "Pseudo-Label: The Simple and Efficient
 * Semi-Supervised Learning Method for Deep Neural Networks"), as a `labelEfficiency` runner for
 * any modality (images or token ids): the same architecture as the scratch baseline, trained on a
 * labeled batch and an unlabeled batch from the pool at every step; the class the current model
 * predicts (outside the gradient, BatchNorm in training mode) for an unlabeled example becomes its target
 * when its probability reaches `threshold`. Loss: `CE(labeled) + α(t) · mean_u[mask · CE(u, ŷ)]`,
 * `α(t)` ramped from 0 to `lambdaU` over `rampUp` (Lee's schedule, in steps instead of epochs).
 *
 * Defaults and their source: α_f = 3 (Lee 2013), threshold 0.95 (the confidence-masked variant of
 * Oliver et al. 2018 and FixMatch, which keeps wrong early guesses out), 2 unlabeled per labeled
 * example and 400 steps of 32 labeled examples (a CPU budget: ~1–2 min on MNIST with a small
 * ConvNet on 2 cores), AdamW 3e-3. No augmentation by default, so the method also works on text.
 *
 * @param options encoder factory, threshold, weight and ramp, batch sizes, budget.
 * @returns the runner (mode 'full'); metrics: accuracy, macroF1, steps, unlabeledUsed.
 * @example
 * const pseudoLabel = createPseudoLabelRunner({ createEncoder: (seed) => createConvNetEncoder({ seed }) });
 * await labelEfficiency({ train, test, runners: [pseudoLabel, scratch], budgets: [100] });
 */
export function createPseudoLabelRunner(options: PseudoLabelRunnerOptions): LabelEfficiencyRunner {
  const {
    createEncoder,
    name = 'pseudo-label',
    threshold = 0.95,
    lambdaU = 3,
    rampUp = [0.2, 0.6],
    unlabeledRatio = 2,
    augment,
  } = options;
  if (!(threshold >= 0 && threshold <= 1)) {
    throw new RangeError(`threshold is a probability in [0, 1], got ${threshold}.`);
  }
  checkPositive(lambdaU, 'lambdaU', true);
  checkPositive(unlabeledRatio, 'unlabeledRatio');
  if (!(rampUp[0] >= 0 && rampUp[0] <= rampUp[1] && rampUp[1] <= 1)) {
    throw new RangeError(
      `rampUp is [start, end] fractions with 0 ≤ start ≤ end ≤ 1, got [${rampUp}].`,
    );
  }
  return {
    name,
    modes: ['full'],
    run(context) {
      const batchSize = options.batchSize ?? 32;
      return trainSemiSupervised({
        context,
        createEncoder,
        training: options,
        defaultSteps: 400,
        unlabeledBatchSize: Math.max(1, Math.round(unlabeledRatio * batchSize)),
        stepLoss: ({
          labeledInputs,
          labels,
          unlabeledInputs,
          step,
          steps,
          seed,
          numClasses,
          forward,
        }) => {
          const labeledBatch = augment
            ? augment(labeledInputs, deriveSeed(seed, 1))
            : labeledInputs;
          const unlabeledBatch = augment
            ? augment(unlabeledInputs, deriveSeed(seed, 2))
            : unlabeledInputs;
          const weight = lambdaU * linearRamp(step, rampUp[0] * steps, rampUp[1] * steps);
          const labeledTargets = oneHotTargets(labels, numClasses);
          if (weight === 0) {
            // Before the ramp (Lee's t < T₁) the unlabeled batch is not used: no guess is computed.
            return {
              unlabeledUsed: tf.scalar(0),
              loss: () =>
                tf.mean(softCrossEntropy(labeledTargets, forward(labeledBatch, true))) as tf.Scalar,
            };
          }
          const selection = selectPseudoLabels(
            tf.softmax(forward(unlabeledBatch, true)) as tf.Tensor2D,
            threshold,
          );
          const pseudoTargets = oneHotTargets(selection.labels, numClasses);
          const labeledCount = labeledBatch.shape[0]!;
          return {
            unlabeledUsed: tf.mean(selection.mask) as tf.Scalar,
            loss: () => {
              // One forward pass over both batches: BatchNorm normalises them together.
              const logits = forward(tf.concat([labeledBatch, unlabeledBatch]), true);
              const labeledLoss = tf.mean(
                softCrossEntropy(labeledTargets, logits.slice(0, labeledCount)),
              );
              const unlabeledLoss = tf.mean(
                tf.mul(selection.mask, softCrossEntropy(pseudoTargets, logits.slice(labeledCount))),
              );
              return tf.add(labeledLoss, tf.mul(weight, unlabeledLoss)) as tf.Scalar;
            },
          };
        },
      });
    },
  };
}
