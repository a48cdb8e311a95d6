import {
  type AugmentFunction,
  type EncoderV1,
  evaluate,
  type FinetunedModel,
  type FinetuneRecipe,
  finetune,
  type LabelEfficiencyRunner,
} from '@selfsup/core';
import { createWeakImageAugment } from './image-augmentations';

/** Options of {@link createSupervisedRunner}. */
export type SupervisedRunnerOptions = {
  /** Builds the architecture with fresh random weights from `seed` (the scratch baseline's factory). */
  readonly createEncoder: (seed: number) => EncoderV1 | Promise<EncoderV1>;
  /**
   * Augmentation of every training batch. `false` turns it off.
   * @default the recipe's `augment` when it has one, else {@link createWeakImageAugment}() for
   * image inputs (`[N, H, W, C]` float32) and none for other inputs (token ids)
   */
  readonly augment?: AugmentFunction | false;
  /** The runner's name in result rows. @default 'supervised' */
  readonly name?: string;
  /** Options that override the shared recipe for this runner (a scratch network often wants a larger rate). @default { learningRate: 3e-3 } */
  readonly overrides?: Pick<FinetuneRecipe, 'learningRate' | 'weightDecay' | 'batchSize'>;
};

/**
 * The strong supervised baseline: the same encoder architecture trained from scratch on the
 * labeled subset only, with standard augmentation and early stopping, so that semi- and
 * self-supervised methods are compared with a baseline that is not a strawman (Oliver et al.
 * 2018, "Realistic Evaluation of Deep Semi-Supervised Learning Algorithms": a well-tuned
 * supervised baseline closes much of the reported gap).
 *
 * A thin wrapper over core's `finetune` in mode 'full' with the study's recipe (epochs,
 * `minimumSteps`, batch size) plus an augmentation: each batch is shifted by up to 12.5% of the
 * side (FixMatch's weak augmentation without the flip) unless the caller gives another one; early
 * stopping on the run's validation part (patience 5 on the loss, best weights restored: core's
 * defaults), then core's `evaluate` on the test split.
 *
 * @param options encoder factory, augmentation, name, learning-rate overrides.
 * @returns the runner (mode 'full'); metrics: accuracy, macroF1.
 * @example
 * const supervised = createSupervisedRunner({ createEncoder: (seed) => createConvNetEncoder({ seed }) });
 * await labelEfficiency({ train, test, runners: [supervised, pretrained], budgets: [100, 1000] });
 */
export function createSupervisedRunner(options: SupervisedRunnerOptions): LabelEfficiencyRunner {
  const { createEncoder, name = 'supervised', overrides = { learningRate: 3e-3 } } = options;
  const defaultImageAugment = createWeakImageAugment();
  return {
    name,
    modes: ['full'],
    async run(context) {
      const images = context.train.inputs.rank === 4 && context.train.inputs.dtype === 'float32';
      const augment =
        options.augment === false
          ? undefined
          : (options.augment ??
            context.recipe.augment ??
            (images ? defaultImageAugment : undefined));
      const encoder = await createEncoder(context.encoderSeed);
      let model: FinetunedModel | undefined;
      try {
        model = await finetune(encoder, context.train, {
          ...context.recipe,
          ...overrides,
          ...(augment === undefined ? {} : { augment }),
          mode: 'full',
          task: 'classification',
          numClasses: context.numClasses,
          seed: context.finetuneSeed,
          ...(context.validation === undefined ? {} : { validation: context.validation }),
        });
        const report = await evaluate(model, context.test);
        if (report.task !== 'classification')
          throw new Error('A label-efficiency runner expects a classification report.');
        return {
          metrics: { accuracy: report.accuracy, macroF1: report.macroF1 },
          epochsTrained: model.history.epochs.length,
          bestEpoch: model.history.bestEpoch,
        };
      } finally {
        model?.dispose();
        encoder.dispose();
      }
    },
  };
}
