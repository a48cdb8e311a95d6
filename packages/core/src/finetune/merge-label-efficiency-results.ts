import type { LabelEfficiencyResult } from './label-efficiency';
import { summarizeRuns } from './summarize-runs';

/**
 * Joins the results of a study shared among participants (each ran {@link labelEfficiency} with
 * the same options and its own `selectRuns`) into the study's result: the rows in run order and
 * the summary over all of them.
 *
 * @param parts each participant's result.
 * @param summaryMetrics metrics to summarise (the study's `summaryMetrics`). @default ['accuracy', 'macroF1']
 * @returns rows and summary, as one `labelEfficiency` call over every run would give.
 * @throws Error when two parts hold the same run (the selectors overlapped).
 * @example const study = mergeLabelEfficiencyResults(await Promise.all(workers.map(runShare)));
 */
export function mergeLabelEfficiencyResults(
  parts: readonly LabelEfficiencyResult[],
  summaryMetrics: readonly string[] = ['accuracy', 'macroF1'],
): LabelEfficiencyResult {
  const rows = parts.flatMap((part) => part.rows).sort((first, second) => first.run - second.run);
  const repeated = rows.find((row, index) => index > 0 && rows[index - 1]!.run === row.run);
  if (repeated !== undefined) {
    throw new Error(
      `Run ${repeated.run} (${repeated.runner} ${repeated.mode}, ${repeated.labelCount} labels, seed ${repeated.seed}) ` +
        'is in two parts: give the participants selectRuns that do not overlap (e.g. claimRunsFrom one shared counter).',
    );
  }
  return { rows, summary: summarizeRuns(rows, summaryMetrics) };
}
