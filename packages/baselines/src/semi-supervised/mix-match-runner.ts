import {
  type AugmentFunction,
  deriveSeed,
  type LabelEfficiencyRunner,
  SeededRandom,
} from '@selfsup/core';
import * as tf from '@tensorflow/tfjs';
import { createWeakImageAugment } from './image-augmentations';
import { mixup } from './mixup';
import { checkPositive, linearRamp, type SemiSupervisedRunnerOptions } from './runner-options';
import { sampleBeta } from './sample-beta';
import { trainSemiSupervised } from './semi-supervised-training';
import { sharpen } from './sharpen';
import { oneHotTargets, softCrossEntropy } from './soft-cross-entropy';

/** Options of {@link createMixMatchRunner}. */
export type MixMatchRunnerOptions = SemiSupervisedRunnerOptions & {
  /** The stochastic augmentation of labeled and unlabeled inputs. @default {@link createWeakImageAugment}() */
  readonly augment?: AugmentFunction;
  /** K, augmentations of each unlabeled example whose predictions are averaged. @default 2 (the paper) */
  readonly augmentations?: number;
  /** Sharpening temperature T. @default 0.5 (the paper) */
  readonly temperature?: number;
  /** Beta(α, α) parameter of mixup. @default 0.75 (the paper) */
  readonly alpha?: number;
  /**
   * λ_U, weight of the unlabeled L2 loss (averaged over examples and classes, as in the paper).
   * The paper uses 100 on CIFAR-10 (75 on CIFAR-100, 250 on SVHN) with a ramp over 16,000 of ~10⁶
   * steps; MNIST is not in the paper. In a few hundred CPU steps 100 collapses the model onto its
   * own early guesses (measured with 20 MNIST labels, 200 steps: 25% test accuracy with 100, 64%
   * with 25), hence 25. @default 25
   */
  readonly lambdaU?: number;
  /**
   * Fraction of the run over which λ_U ramps linearly from 0. The paper ramps over the first
   * 16,000 of ~10⁶ steps; in runs of a few hundred steps the young model's guesses are poor for
   * longer, so the default ramps over the first 40%. @default 0.4
   */
  readonly rampUp?: number;
  /** Unlabeled examples per step, as a multiple of the labeled batch. @default 1 (the paper: equal batches) */
  readonly unlabeledRatio?: number;
  /** Steps per run. @default 300 */
  readonly steps?: number;
};

/**
 * MixMatch (Berthelot, Carlini, Goodfellow, Papernot, Oliver & Raffel 2019, "MixMatch: A Holistic
 * Approach to Semi-Supervised Learning", Algorithm 1) as a `labelEfficiency` runner. Each step:
 * augment the labeled batch once (targets one-hot) and each unlabeled example K times; guess its
 * label as the mean prediction over the K views (outside the gradient, in training mode as the official code does),
 * sharpened with T ({@link sharpen}); shuffle all of them into W and mix each labeled example
 * with the first |X̂| of W and each unlabeled view with the rest, λ ~ Beta(α, α) per example,
 * λ' = max(λ, 1 − λ) ({@link mixup}, {@link sampleBeta}). Loss: cross-entropy on the mixed
 * labeled part plus `λ_U(t) ·` the mean squared error between predicted and mixed guessed
 * distributions (averaged over examples and classes, the paper's `1/(L|U'|)`), `λ_U` ramped
 * linearly. All mixed examples go through the network as one batch.
 *
 * Defaults: K = 2, T = 0.5, α = 0.75 (the paper's values); λ_U = 25 instead of the paper's 100 on
 * CIFAR-10 (see `lambdaU`: 100 collapses in short runs); 300 steps of 32 labeled + 32 unlabeled,
 * AdamW 3e-3 (the paper: Adam 0.002, 2²⁰ steps, weight EMA; no EMA here).
 *
 * @param options encoder factory, augmentation, K, T, α, λ_U and ramp, budget.
 * @returns the runner (mode 'full'); metrics: accuracy, macroF1, steps.
 * @example
 * const mixMatch = createMixMatchRunner({ createEncoder: (seed) => createConvNetEncoder({ seed }), steps: 500 });
 */
export function createMixMatchRunner(options: MixMatchRunnerOptions): LabelEfficiencyRunner {
  const {
    createEncoder,
    name = 'mixmatch',
    augment = createWeakImageAugment(),
    augmentations = 2,
    temperature = 0.5,
    alpha = 0.75,
    lambdaU = 25,
    rampUp = 0.4,
    unlabeledRatio = 1,
  } = options;
  if (!Number.isInteger(augmentations) || augmentations < 1) {
    throw new RangeError(`augmentations (K) must be an integer ≥ 1, got ${augmentations}.`);
  }
  checkPositive(temperature, 'temperature (T)');
  checkPositive(alpha, 'alpha');
  checkPositive(lambdaU, 'lambdaU', true);
  checkPositive(unlabeledRatio, 'unlabeledRatio');
  if (!(rampUp >= 0 && rampUp <= 1))
    throw new RangeError(`rampUp is a fraction in [0, 1], got ${rampUp}.`);
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
          const labeledView = augment(labeledInputs, deriveSeed(seed, 1));
          const labeledTargets = oneHotTargets(labels, numClasses);
          const unlabeledViews = Array.from({ length: augmentations }, (_, k) =>
            augment(unlabeledInputs, deriveSeed(seed, 2, k)),
          );
          const guess = sharpen(
            tf.mean(
              tf.stack(unlabeledViews.map((view) => tf.softmax(forward(view, true)))),
              0,
            ) as tf.Tensor2D,
            temperature,
          );
          const unlabeledAll = tf.concat(unlabeledViews);
          const guessAll = tf.concat(Array<tf.Tensor2D>(augmentations).fill(guess)) as tf.Tensor2D;
          const labeledCount = labeledView.shape[0]!;
          const total = labeledCount + unlabeledAll.shape[0]!;
          const order = tf.tensor1d(
            new SeededRandom(deriveSeed(seed, 3)).permutation(total),
            'int32',
          );
          const shuffledInputs = tf.gather(tf.concat([labeledView, unlabeledAll]), order);
          const shuffledTargets = tf.gather(
            tf.concat([labeledTargets, guessAll]),
            order,
          ) as tf.Tensor2D;
          const lambdas = sampleBeta(alpha, alpha, total, deriveSeed(seed, 4));
          const mixed = mixup(
            tf.concat([labeledView, unlabeledAll]),
            tf.concat([labeledTargets, guessAll]) as tf.Tensor2D,
            shuffledInputs,
            shuffledTargets,
            lambdas,
          );
          const weight = lambdaU * linearRamp(step, 0, rampUp * steps);
          return {
            loss: () => {
              const logits = forward(mixed.inputs, true);
              const labeledLoss = tf.mean(
                softCrossEntropy(
                  mixed.targets.slice(0, labeledCount),
                  logits.slice(0, labeledCount),
                ),
              );
              if (weight === 0) return labeledLoss as tf.Scalar;
              const unlabeledLoss = tf.mean(
                tf.square(
                  tf.sub(mixed.targets.slice(labeledCount), tf.softmax(logits.slice(labeledCount))),
                ),
              );
              return tf.add(labeledLoss, tf.mul(weight, unlabeledLoss)) as tf.Scalar;
            },
          };
        },
      });
    },
  };
}
