import type { LabelBudget } from './stratified-sample';

/** One row of a {@link labelEfficiency} study: one (runner, mode, budget, seed) run. */
export type LabelEfficiencyRow = {
  /** Index of the run in the study's order (budget, seed, runner, mode), from 0. */
  readonly run: number;
  readonly runner: string;
  readonly mode: string;
  readonly budget: LabelBudget;
  /** Labels actually used (the pool size for `'all'`). */
  readonly labelCount: number;
  readonly seed: number;
  /** Test accuracy. */
  readonly accuracy: number;
  /** Every test metric the runner reported (accuracy, macroF1, …). */
  readonly metrics: Readonly<Record<string, number>>;
  /** Epochs trained, when the runner trains (else `null`). */
  readonly epochsTrained: number | null;
  /** Best validation epoch, when early stopping chose one (else `null`). */
  readonly bestEpoch: number | null;
};

/** Mean and sample standard deviation of one metric over the seeds of a (runner, mode, budget) cell. */
export type LabelEfficiencySummary = {
  readonly runner: string;
  readonly mode: string;
  readonly budget: LabelBudget;
  readonly labelCount: number;
  readonly metric: string;
  readonly mean: number;
  /** Sample standard deviation (n − 1 denominator); 0 when n = 1. */
  readonly std: number;
  /** Number of seeds. */
  readonly n: number;
};

/**
 * Mean ± sample standard deviation (n − 1) of metrics over seeds, per (runner, mode, budget),
 * in the order the cells first appear in `rows`.
 *
 * @param rows study rows.
 * @param metrics metric names to summarise (rows lacking one are skipped for it).
 * @returns one summary per cell and metric.
 * @example summarizeRuns(rows, ['accuracy'])[0]; // { runner, mode, budget, metric: 'accuracy', mean, std, n }
 */
export function summarizeRuns(
  rows: readonly LabelEfficiencyRow[],
  metrics: readonly string[],
): LabelEfficiencySummary[] {
  const cells = new Map<string, LabelEfficiencyRow[]>();
  for (const row of rows) {
    const key = JSON.stringify([row.runner, row.mode, row.budget]);
    const cell = cells.get(key);
    if (cell) cell.push(row);
    else cells.set(key, [row]);
  }
  const summaries: LabelEfficiencySummary[] = [];
  for (const cell of cells.values()) {
    const first = cell[0]!;
    for (const metric of metrics) {
      const values = cell
        .map((row) => row.metrics[metric])
        .filter((value): value is number => value !== undefined);
      if (values.length === 0) continue;
      const n = values.length;
      const mean = values.reduce((sum, value) => sum + value, 0) / n;
      const variance =
        n > 1 ? values.reduce((sum, value) => sum + (value - mean) ** 2, 0) / (n - 1) : 0;
      summaries.push({
        runner: first.runner,
        mode: first.mode,
        budget: first.budget,
        labelCount: first.labelCount,
        metric,
        mean,
        std: Math.sqrt(variance),
        n,
      });
    }
  }
  return summaries;
}
