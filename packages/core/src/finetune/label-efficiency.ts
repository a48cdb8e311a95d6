import * as tf from '@tensorflow/tfjs';
import { z } from 'zod';
import { deriveSeed } from '../random/seeded-random';
import { parseFinetuneOptions } from './finetune-options';
import {
  type LabelEfficiencyOptions,
  labelEfficiencyOptionsSchema,
} from './label-efficiency-options';
import type { FinetuneRecipe } from './label-efficiency-runner';
import { checkLabels, type LabeledData, selectExamples } from './labeled-data';
import { type LabelBudget, stratifiedSample, stratifiedSplit } from './stratified-sample';
import {
  type LabelEfficiencyRow,
  type LabelEfficiencySummary,
  summarizeRuns,
} from './summarize-runs';

/** What {@link labelEfficiency} returns: plain JSON data a CLI or a web page can plot. */
export type LabelEfficiencyResult = {
  /** One row per (budget, seed, runner, mode) run. */
  readonly rows: LabelEfficiencyRow[];
  /** Mean ± sample std over seeds per (runner, mode, budget) and summary metric. */
  readonly summary: LabelEfficiencySummary[];
};

const FINETUNE_PURPOSE = 21;
const ENCODER_PURPOSE = 22;
const SPLIT_PURPOSE = 23;
const recipeOnlyKeys = [
  'mode',
  'task',
  'numClasses',
  'seed',
  'validation',
  'validationSplit',
  'onProgress',
];

/**
 * Measures how accuracy grows with the number of labels for each runner (pretrained encoder,
 * scratch encoder, other methods): THE protocol behind every "pretrained vs scratch" claim in selfsup.
 *
 * For every budget in `budgets` and every seed in `seeds` (at least 3):
 * 1. **Labels**: a subset of `budget` labels is drawn from the pool **stratified per class** with the
 *    seed ({@link stratifiedSample}: the budget split as evenly as possible over classes; an error
 *    when budget < numClasses; subsets of one seed are nested across budgets). `'all'` takes the pool.
 * 2. **Validation**: `validationFraction` (20%) of each class of the subset is held out for early
 *    stopping ({@link stratifiedSplit}: at least 1 per class). When some class has fewer than
 *    `minLabelsPerClassForValidation` (5) labels, nothing is held out and runs train for a fixed
 *    `epochsWithoutValidation` (default: the recipe's `epochs`) on every label.
 * 3. **Training**: every runner and mode gets the same subset, split, recipe (epochs, batch size,
 *    augmentation, early stopping), finetuning seed and encoder seed; only learning rates may differ
 *    per runner. Every run trains at least `minimumSteps` (200) optimizer steps, so a budget of 10
 *    labels is not also a 10-step training. The scratch baseline trains the whole encoder ('full').
 * 4. **Evaluation**: on the full test split.
 *
 * Output: one row per run (`{ runner, mode, budget, labelCount, seed, accuracy, metrics, … }`) and a
 * summary per (runner, mode, budget) with the mean, the sample standard deviation and n. The study
 * is deterministic for given seeds on one backend (encoder dropout aside, which tfjs does not seed).
 * Classification only.
 *
 * @param options pool, test split, runners, budgets, seeds, recipe and protocol settings
 *   (see {@link labelEfficiencyOptionsSchema}).
 * @returns rows and summary.
 * @example
 * const { summary } = await labelEfficiency({
 *   train, test, budgets: [10, 100, 'all'], seeds: [0, 1, 2],
 *   runners: [createPretrainedRunner(() => loadEncoder('ckpt/')), createScratchRunner((seed) => createConvNet({ seed }))],
 *   recipe: { epochs: 50, batchSize: 64 },
 * });
 */
export async function labelEfficiency(
  options: LabelEfficiencyOptions,
): Promise<LabelEfficiencyResult> {
  const parsed = labelEfficiencyOptionsSchema.safeParse(options);
  if (!parsed.success)
    throw new Error(`Invalid labelEfficiency options:\n${z.prettifyError(parsed.error)}`);
  const settings = parsed.data;
  const forbidden = recipeOnlyKeys.filter((key) => key in settings.recipe);
  if (forbidden.length > 0) {
    throw new Error(
      `The labelEfficiency recipe sets ${forbidden.join(', ')}, which the protocol decides per run: remove ` +
        `${forbidden.length > 1 ? 'them' : 'it'} (give modes to the runners, seeds to labelEfficiency).`,
    );
  }
  const recipe = parseFinetuneOptions(settings.recipe);
  const names = settings.runners.map((runner) => runner.name);
  const duplicate = names.find((name, index) => names.indexOf(name) !== index);
  if (duplicate !== undefined)
    throw new Error(`Two runners are named '${duplicate}': give each a unique name.`);
  if (new Set(settings.seeds).size !== settings.seeds.length)
    throw new Error('The seeds repeat: give distinct seeds.');
  if (new Set(settings.budgets).size !== settings.budgets.length)
    throw new Error('The budgets repeat: give distinct budgets.');

  const poolLabels = checkLabels(
    settings.train,
    'classification',
    'training pool',
    settings.numClasses,
  ) as Int32Array;
  const numClasses =
    settings.numClasses ??
    Math.max(2, poolLabels.reduce((largest, label) => Math.max(largest, label), 0) + 1);
  checkLabels(settings.test, 'classification', 'test', numClasses);
  // Check every budget before any training.
  for (const budget of settings.budgets)
    stratifiedSample(poolLabels, budget, { numClasses, seed: settings.seeds[0]! });
  const pool: LabeledData = { inputs: settings.train.inputs, labels: poolLabels };

  const total =
    settings.budgets.length *
    settings.seeds.length *
    settings.runners.reduce((sum, runner) => sum + runner.modes.length, 0);
  const baseRecipe: FinetuneRecipe = { minimumSteps: settings.minimumSteps, ...settings.recipe };
  /** The labeled subset of one (budget, seed), its split and recipe; made when a run needs it. */
  const prepareSubset = (budget: LabelBudget, seed: number) => {
    const labeledIndices = stratifiedSample(poolLabels, budget, { numClasses, seed });
    const split = stratifiedSplit(poolLabels, labeledIndices, {
      numClasses,
      fraction: settings.validationFraction,
      minPerClass: settings.minLabelsPerClassForValidation,
      seed: deriveSeed(seed, SPLIT_PURPOSE),
    });
    const labeled = selectExamples(pool, labeledIndices);
    const train = split.validation === null ? labeled : selectExamples(pool, split.train);
    const validation =
      split.validation === null ? undefined : selectExamples(pool, split.validation);
    const runRecipe: FinetuneRecipe =
      split.validation === null
        ? { ...baseRecipe, epochs: settings.epochsWithoutValidation ?? recipe.epochs }
        : baseRecipe;
    const dispose = () =>
      tf.dispose([
        labeled.inputs,
        ...(train === labeled ? [] : [train.inputs]),
        ...(validation ? [validation.inputs] : []),
      ]);
    return { labeledIndices, labeled, train, validation, runRecipe, dispose };
  };

  const rows: LabelEfficiencyRow[] = [];
  let run = 0;
  for (const budget of settings.budgets) {
    for (const seed of settings.seeds) {
      let subset: ReturnType<typeof prepareSubset> | undefined;
      try {
        for (const runner of settings.runners) {
          for (const mode of runner.modes) {
            const index = run++;
            // Asked right before the run, so that workers claiming runs take them when free.
            if (settings.selectRuns !== undefined && !settings.selectRuns(index)) continue;
            subset ??= prepareSubset(budget, seed);
            const { labeledIndices, labeled, train, validation, runRecipe } = subset;
            const started = performance.now();
            const result = await runner.run({
              mode,
              budget,
              labelCount: labeledIndices.length,
              seed,
              finetuneSeed: deriveSeed(seed, FINETUNE_PURPOSE),
              encoderSeed: deriveSeed(seed, ENCODER_PURPOSE),
              numClasses,
              train,
              validation,
              labeled,
              labeledIndices,
              pool,
              test: settings.test,
              recipe: runRecipe,
            });
            if (typeof result?.metrics?.accuracy !== 'number') {
              throw new Error(
                `Runner '${runner.name}' returned no metrics.accuracy for mode '${mode}': return { metrics: { accuracy, … } }.`,
              );
            }
            const row: LabelEfficiencyRow = {
              run: index,
              runner: runner.name,
              mode,
              budget,
              labelCount: labeledIndices.length,
              seed,
              accuracy: result.metrics.accuracy,
              metrics: { ...result.metrics },
              epochsTrained: result.epochsTrained ?? null,
              bestEpoch: result.bestEpoch ?? null,
            };
            rows.push(row);
            settings.onProgress?.({
              completed: rows.length,
              total,
              row,
              seconds: (performance.now() - started) / 1000,
            });
          }
        }
      } finally {
        subset?.dispose();
      }
    }
  }
  return { rows, summary: summarizeRuns(rows, settings.summaryMetrics) };
}
