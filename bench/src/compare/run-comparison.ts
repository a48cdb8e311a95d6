import type { BenchReport } from '../report/bench-report';
import type { WorkloadName } from '../workloads/workload';
import {
  bestOf,
  compareReports,
  type NormalisedThroughput,
  normalisedThroughputs,
  type WorkloadComparison,
} from './compare-reports';

/** Runs the bench on the given workloads and backends (the real one: `runBench`; tests: a fake). */
export type RunWorkloads = (
  workloads: readonly WorkloadName[],
  backends: readonly string[],
) => Promise<BenchReport>;

/** Options of {@link runComparison}. */
export type ComparisonOptions = {
  /** The tolerated drop of normalised throughput. @default 0.1 */
  readonly threshold?: number;
  /** Re-runs of the suspected workloads before one is flagged. @default 1 */
  readonly reruns?: number;
  /** CI mode: report regressions as warnings, never fail. @default false */
  readonly ci?: boolean;
  /** Only these workloads (of those in the baseline). @default every workload the baseline measured */
  readonly workloads?: readonly WorkloadName[];
};

/** What {@link runComparison} concluded. */
export type ComparisonOutcome = {
  /** Every compared workload, with the best normalised throughput over the runs. */
  readonly comparisons: readonly WorkloadComparison[];
  /** Workloads still > threshold slower after the re-runs. */
  readonly regressions: readonly WorkloadComparison[];
  /** Baseline workloads (`workload@backend`) that the runs did not measure. */
  readonly missing: readonly string[];
  /** How many bench runs it took (1 + re-runs done). */
  readonly runs: number;
  /** Exit code: 1 for a confirmed regression outside CI mode, else 0. */
  readonly exitCode: 0 | 1;
};

/**
 * Issue 10's regression check: runs the baseline's workloads, compares each one's throughput
 * normalised by the same run's matMul ceiling against the baseline, re-runs the ones that dropped
 * by more than `threshold` (the machines are noisy) keeping each workload's best run, and flags
 * those still slower. In CI mode the verdict never fails (exit code 0): a reduced run on a shared
 * runner warns only; the full local run fails (exit code 1) on a confirmed regression.
 *
 * @param baseline the last committed results.
 * @param run runs the bench on some workloads and backends.
 * @param options threshold, re-runs, CI mode, workloads.
 * @returns the comparisons, the regressions and the exit code.
 * @example const outcome = await runComparison(newestResults('results')!.report, runWorkloads, { ci: true });
 */
export async function runComparison(
  baseline: BenchReport,
  run: RunWorkloads,
  options: ComparisonOptions = {},
): Promise<ComparisonOutcome> {
  const { threshold = 0.1, reruns = 1, ci = false } = options;
  if (!(Number.isInteger(reruns) && reruns >= 0))
    throw new RangeError(`reruns must be an integer ≥ 0, got ${reruns}.`);
  let before = normalisedThroughputs(baseline);
  if (options.workloads !== undefined) {
    const wanted = new Set<string>(options.workloads);
    before = new Map([...before].filter(([, entry]) => wanted.has(entry.workload)));
  }
  if (before.size === 0) {
    throw new Error(
      'The baseline measured none of the requested workloads (no throughput with a matMul ceiling): write one with pnpm bench --json results/<date>.json.',
    );
  }
  const unique = <T>(values: Iterable<T>): T[] => [...new Set(values)];
  const entries = [...before.values()];
  const runs: Map<string, NormalisedThroughput>[] = [];
  runs.push(
    normalisedThroughputs(
      await run(
        unique(entries.map((entry) => entry.workload)),
        unique(entries.map((entry) => entry.backend)),
      ),
    ),
  );
  let result = compareReports(before, bestOf(runs), threshold);
  for (let rerun = 0; rerun < reruns; rerun++) {
    const suspects = result.comparisons.filter((entry) => entry.regressed);
    if (suspects.length === 0) break;
    runs.push(
      normalisedThroughputs(
        await run(
          unique(suspects.map((entry) => entry.workload)),
          unique(suspects.map((entry) => entry.backend)),
        ),
      ),
    );
    result = compareReports(before, bestOf(runs), threshold);
  }
  const regressions = result.comparisons.filter((entry) => entry.regressed);
  return {
    comparisons: result.comparisons,
    regressions,
    missing: result.missing,
    runs: runs.length,
    exitCode: !ci && regressions.length > 0 ? 1 : 0,
  };
}
