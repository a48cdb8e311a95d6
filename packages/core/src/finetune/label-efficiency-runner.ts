import type { FinetuneOptions } from './finetune-options';
import type { LabeledData } from './labeled-data';
import type { LabelBudget } from './stratified-sample';

/**
 * The finetuning recipe shared by every runner of a {@link labelEfficiency} study: the finetune
 * options minus what the protocol sets per run (mode, task, classes, seed, validation).
 */
export type FinetuneRecipe = Omit<
  FinetuneOptions,
  'mode' | 'task' | 'numClasses' | 'seed' | 'validation' | 'validationSplit' | 'onProgress'
>;

/** Everything one run of a {@link LabelEfficiencyRunner} gets: one (mode, budget, seed) cell of the study. */
export type LabelEfficiencyContext = {
  /** The mode to run, one of the runner's `modes`. */
  readonly mode: string;
  /** The label budget of this run. */
  readonly budget: LabelBudget;
  /** Labels actually drawn (`budget`, or the pool size for `'all'`). */
  readonly labelCount: number;
  /** The protocol seed of this run (one of the study's `seeds`). */
  readonly seed: number;
  /** Seed of finetuning (data order, head initialisation, augmentation): the same for every runner. */
  readonly finetuneSeed: number;
  /** Seed for initialising a fresh encoder: the same for every runner. */
  readonly encoderSeed: number;
  /** Number of classes. */
  readonly numClasses: number;
  /** The labeled subset used for training (the subset minus the validation part). */
  readonly train: LabeledData;
  /** The validation part carved from the subset, or `undefined` for budgets too small to split. */
  readonly validation: LabeledData | undefined;
  /** The whole labeled subset (training + validation), e.g. for a kNN memory bank. */
  readonly labeled: LabeledData;
  /** Indices of the labeled subset in the pool. */
  readonly labeledIndices: Int32Array;
  /**
   * The whole training pool. A semi-supervised runner may use every input as unlabeled data, but
   * must read labels only at `labeledIndices`.
   */
  readonly pool: LabeledData;
  /** The test split: every run is evaluated on all of it. */
  readonly test: LabeledData;
  /** The shared recipe, with `epochs` already set to the fixed count when there is no validation part. */
  readonly recipe: FinetuneRecipe;
};

/** What one run returns: its test metrics (plain numbers) and how long it trained. */
export type LabelEfficiencyRunResult = {
  /** Test metrics; `accuracy` is required, other names (e.g. `macroF1`) are free. */
  readonly metrics: { readonly accuracy: number; readonly [name: string]: number };
  /** Epochs trained, when the runner trains. */
  readonly epochsTrained?: number;
  /** Best validation epoch, when early stopping chose one. */
  readonly bestEpoch?: number | null;
};

/**
 * One contender of a {@link labelEfficiency} study (pretrained encoder, scratch encoder, a
 * supervised or semi-supervised method from another package…). `run` gets one (mode, budget, seed)
 * cell and must dispose whatever it creates (the context's tensors belong to the study).
 */
export type LabelEfficiencyRunner = {
  /** A unique name, used in result rows (e.g. `'pretrained'`, `'scratch'`). */
  readonly name: string;
  /** The modes it runs, e.g. `['linear-probe', 'full']`; each is a separate row. */
  readonly modes: readonly string[];
  /** Trains and evaluates on one cell. */
  run(context: LabelEfficiencyContext): Promise<LabelEfficiencyRunResult>;
};
