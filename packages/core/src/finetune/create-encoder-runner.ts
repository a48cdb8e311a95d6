import type { EncoderV1 } from '../spec/encoder-v1';
import { evaluate } from './evaluate';
import { finetune } from './finetune';
import type { FinetuneMode } from './finetune-options';
import type { FinetunedModel } from './finetuned-model';
import type {
  FinetuneRecipe,
  LabelEfficiencyContext,
  LabelEfficiencyRunner,
  LabelEfficiencyRunResult,
} from './label-efficiency-runner';

/** Options of {@link createEncoderRunner}. */
export type EncoderRunnerOptions = {
  /** The runner's name in result rows. */
  readonly name: string;
  /**
   * Builds a fresh encoder for one run (called once per run, disposed after it): load the pretrained
   * checkpoint, or initialise the architecture from `seed` for a scratch baseline.
   */
  readonly createEncoder: (seed: number) => EncoderV1 | Promise<EncoderV1>;
  /** The finetune modes to run. @default ['linear-probe', 'full'] */
  readonly modes?: readonly FinetuneMode[];
  /**
   * Options that override the shared recipe for this runner only: use it for learning rates
   * (`learningRate`, `encoderLearningRateMultiplier`), never for epochs or augmentation, which the
   * protocol keeps equal.
   */
  readonly overrides?: Pick<
    FinetuneRecipe,
    'learningRate' | 'encoderLearningRateMultiplier' | 'weightDecay'
  >;
};

const finetuneModes: readonly string[] = ['linear-probe', 'full', 'knn'];

/**
 * A {@link LabelEfficiencyRunner} that finetunes a fresh encoder from a factory with
 * {@link finetune} and scores it with {@link evaluate} on the test split.
 *
 * Every run builds its encoder with `createEncoder(context.encoderSeed)` (so 'full' runs never
 * share trained weights), finetunes it on the context's training part with the shared recipe, the
 * run's seed and its validation part (early stopping), or, in 'knn' mode, on the whole labeled
 * subset; then disposes the model and the encoder. Metrics: accuracy and macro-F1.
 *
 * @param options name, encoder factory, modes, learning-rate overrides.
 * @returns the runner.
 * @example
 * const runner = createEncoderRunner({ name: 'pretrained', createEncoder: () => loadEncoder('ckpt/'), modes: ['linear-probe', 'knn'] });
 */
export function createEncoderRunner(options: EncoderRunnerOptions): LabelEfficiencyRunner {
  const { name, createEncoder, modes = ['linear-probe', 'full'], overrides = {} } = options;
  if (modes.length === 0) throw new Error(`Runner '${name}' needs at least one mode.`);
  for (const mode of modes) {
    if (!finetuneModes.includes(mode)) {
      throw new Error(
        `Runner '${name}' has mode '${mode}': use ${finetuneModes.map((known) => `'${known}'`).join(', ')}.`,
      );
    }
  }
  return {
    name,
    modes,
    async run(context: LabelEfficiencyContext): Promise<LabelEfficiencyRunResult> {
      const mode = context.mode as FinetuneMode;
      const encoder = await createEncoder(context.encoderSeed);
      let model: FinetunedModel | undefined;
      try {
        const knn = mode === 'knn';
        model = await finetune(encoder, knn ? context.labeled : context.train, {
          ...context.recipe,
          ...overrides,
          mode,
          task: 'classification',
          numClasses: context.numClasses,
          seed: context.finetuneSeed,
          ...(context.validation === undefined || knn ? {} : { validation: context.validation }),
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

/** Options of {@link createPretrainedRunner} and {@link createScratchRunner}. */
export type EncoderBaselineOptions = Omit<EncoderRunnerOptions, 'createEncoder' | 'name'> & {
  /** The runner's name. @default 'pretrained' or 'scratch' */
  readonly name?: string;
};

/**
 * The runner of a pretrained encoder: by default a linear probe and full finetuning of a fresh
 * copy per run (the factory should load the same pretrained weights each time).
 *
 * @param createEncoder loads the pretrained encoder (the seed may be ignored).
 * @param options name (default `'pretrained'`), modes (default `['linear-probe', 'full']`), overrides.
 * @returns the runner.
 * @example const pretrained = createPretrainedRunner(() => loadEncoder('ckpt/'), { modes: ['linear-probe', 'full', 'knn'] });
 */
export function createPretrainedRunner(
  createEncoder: EncoderRunnerOptions['createEncoder'],
  options: EncoderBaselineOptions = {},
): LabelEfficiencyRunner {
  return createEncoderRunner({ ...options, name: options.name ?? 'pretrained', createEncoder });
}

/**
 * The scratch baseline: the same architecture from random initialisation (seeded per run), trained
 * whole (mode 'full') with the same epochs, augmentation and early stopping as every other runner.
 * Give it its own tuned `overrides.learningRate` to keep it a strong baseline (a randomly
 * initialised encoder often wants a larger rate than a pretrained one).
 *
 * @param createEncoder builds the architecture with random weights from `seed`.
 * @param options name (default `'scratch'`), modes (default `['full']`), overrides.
 * @returns the runner.
 * @example const scratch = createScratchRunner((seed) => createConvNet({ seed }), { overrides: { learningRate: 3e-3 } });
 */
export function createScratchRunner(
  createEncoder: EncoderRunnerOptions['createEncoder'],
  options: EncoderBaselineOptions = {},
): LabelEfficiencyRunner {
  return createEncoderRunner({
    modes: ['full'],
    ...options,
    name: options.name ?? 'scratch',
    createEncoder,
  });
}
