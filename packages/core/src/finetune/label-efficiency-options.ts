import { z } from 'zod';
import type { FinetuneRecipe, LabelEfficiencyRunner } from './label-efficiency-runner';
import type { LabeledData } from './labeled-data';
import type { LabelEfficiencyRow } from './summarize-runs';

/** What {@link labelEfficiency} reports after each run. */
export type LabelEfficiencyProgress = {
  /** Runs finished (by this call, when `selectRuns` shares the study). */
  readonly completed: number;
  /** Runs in the study (all of them, also those `selectRuns` leaves to others). */
  readonly total: number;
  /** The row of the run that just finished. */
  readonly row: LabelEfficiencyRow;
  /** Wall-clock seconds of that run. */
  readonly seconds: number;
};

const isLabeledData = (value: unknown): boolean =>
  typeof value === 'object' && value !== null && 'inputs' in value && 'labels' in value;

/** Options of {@link labelEfficiency}, as a zod schema (the single source of the defaults). */
export const labelEfficiencyOptionsSchema = z.object({
  /** The labeled training pool that budgets are drawn from. */
  train: z.custom<LabeledData>(isLabeledData, {
    message: 'train must be { inputs: tf.Tensor, labels }',
  }),
  /** The test split; every run is evaluated on all of it. */
  test: z.custom<LabeledData>(isLabeledData, {
    message: 'test must be { inputs: tf.Tensor, labels }',
  }),
  /** The contenders, e.g. `[createPretrainedRunner(...), createScratchRunner(...)]`. */
  runners: z
    .array(
      z.custom<LabelEfficiencyRunner>(
        (value) =>
          typeof value === 'object' &&
          value !== null &&
          'name' in value &&
          'run' in value &&
          'modes' in value,
        { message: 'each runner must be { name, modes, run(context) }' },
      ),
    )
    .min(1),
  /** Label budgets: numbers of labels, or `'all'`. @default [10, 100, 1000, 'all'] */
  budgets: z
    .array(z.union([z.number().int().positive(), z.literal('all')]))
    .min(1)
    .default([10, 100, 1000, 'all']),
  /** Seeds; the protocol asks for at least 3. @default [0, 1, 2] */
  seeds: z
    .array(z.number().int())
    .min(3, 'the protocol needs at least 3 seeds (mean ± std)')
    .default([0, 1, 2]),
  /** Number of classes; inferred as the largest pool label + 1 when absent. */
  numClasses: z.number().int().min(2).optional(),
  /** The finetuning recipe shared by every runner (epochs, batch size, augmentation, early stopping…). @default {} */
  recipe: z
    .custom<FinetuneRecipe>((value) => typeof value === 'object' && value !== null)
    .default({}),
  /**
   * Every run trains at least this many optimizer steps (epochs are raised on small subsets), so
   * that tiny budgets are not also tiny trainings; the recipe's own `minimumSteps` wins. @default 200
   */
  minimumSteps: z.number().int().min(0).default(200),
  /** Fraction of each class of the labeled subset held out for early stopping. @default 0.2 */
  validationFraction: z.number().gt(0).lt(1).default(0.2),
  /** Below this many labels in some class, no validation part is carved and runs train a fixed number of epochs. @default 5 */
  minLabelsPerClassForValidation: z.number().int().min(2).default(5),
  /** Epochs of runs without a validation part (tiny budgets). @default the recipe's epochs */
  epochsWithoutValidation: z.number().int().min(1).optional(),
  /** Metrics summarised over seeds. @default ['accuracy', 'macroF1'] */
  summaryMetrics: z.array(z.string()).min(1).default(['accuracy', 'macroF1']),
  /**
   * Which runs this call trains, by their index in the study's order (budget, then seed, then
   * runner, then mode): the others make no row. For sharing one study among worker threads or
   * machines, each with the same options (e.g. `(run) => run % 2 === rank`, or
   * {@link claimRunsFrom} for first-come, first-served); {@link mergeLabelEfficiencyResults}
   * joins their results. @default every run
   */
  selectRuns: z
    .custom<(run: number) => boolean>((value) => typeof value === 'function', {
      message: 'selectRuns must be a function (run: number) => boolean',
    })
    .optional(),
  /** Called after each run. */
  onProgress: z
    .custom<(progress: LabelEfficiencyProgress) => void>((value) => typeof value === 'function', {
      message: 'onProgress must be a function',
    })
    .optional(),
});

/** Options of {@link labelEfficiency} as a caller writes them. */
export type LabelEfficiencyOptions = z.input<typeof labelEfficiencyOptionsSchema>;
