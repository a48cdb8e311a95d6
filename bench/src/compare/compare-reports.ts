import type { BenchReport } from '../report/bench-report';
import type { WorkloadName } from '../workloads/workload';

/** One workload on one backend, its throughput divided by the same run's matMul ceiling. */
export type NormalisedThroughput = {
  readonly workload: WorkloadName;
  readonly backend: string;
  /** Units per second (tokens, images, samples). */
  readonly throughput: number;
  /** The run's matMul ceiling on that backend, GFLOP/s. */
  readonly ceilingGflops: number;
  /** throughput / ceilingGflops: units per second per GFLOP/s of plain matMul. */
  readonly normalised: number;
};

/** How one workload's normalised throughput moved from the baseline to the current run. */
export type WorkloadComparison = {
  readonly workload: WorkloadName;
  readonly backend: string;
  readonly baseline: NormalisedThroughput;
  readonly current: NormalisedThroughput;
  /** current.normalised / baseline.normalised − 1 (−0.2: a 20% drop). */
  readonly change: number;
  /** Whether the drop exceeds the threshold. */
  readonly regressed: boolean;
};

/** What {@link compareReports} found. */
export type ReportComparison = {
  /** Workloads measured in both runs. */
  readonly comparisons: readonly WorkloadComparison[];
  /** Baseline workloads (`workload@backend`) the current run did not measure (failed, skipped, not run). */
  readonly missing: readonly string[];
};

/**
 * The key of a workload on a backend, e.g. `gpt@wasm`.
 *
 * @param workload the workload name.
 * @param backend the backend name.
 * @returns `workload@backend`.
 * @example workloadKey('gpt', 'wasm') // 'gpt@wasm'
 */
export function workloadKey(workload: string, backend: string): string {
  return `${workload}@${backend}`;
}

/**
 * Every measured workload of a report with its throughput normalised by the same run's matMul
 * ceiling on that backend (the row's own, measured between its rounds, else the report's; rows
 * without a throughput or a ceiling are left out): the figure that survives the shared machines'
 * drift, since a slower machine lowers both.
 *
 * @param report a bench report (`--json`).
 * @returns the normalised throughputs, keyed by {@link workloadKey}.
 * @example normalisedThroughputs(report).get('gpt@wasm')?.normalised
 */
export function normalisedThroughputs(report: BenchReport): Map<string, NormalisedThroughput> {
  const entries = new Map<string, NormalisedThroughput>();
  for (const result of report.results) {
    const ceilingGflops =
      result.matMulCeilingGflops ?? report.matMulCeilings[result.backend]?.gflops;
    if (
      result.throughput === undefined ||
      result.error !== undefined ||
      ceilingGflops === undefined
    )
      continue;
    if (!(ceilingGflops > 0) || !(result.throughput > 0)) continue;
    entries.set(workloadKey(result.workload, result.backend), {
      workload: result.workload,
      backend: result.backend,
      throughput: result.throughput,
      ceilingGflops,
      normalised: result.throughput / ceilingGflops,
    });
  }
  return entries;
}

/**
 * Compares a run against a baseline: for every workload both measured, the change of its
 * normalised throughput (see {@link normalisedThroughputs}), a regression when it dropped by more
 * than `threshold`.
 *
 * @param baseline the last committed results.
 * @param current the new run (or the best of several, see `bestOf`).
 * @param threshold the tolerated drop, a fraction.
 * @default threshold 0.1 (issue 10: "drops > 10%")
 * @returns the comparisons and the baseline workloads the current run lacks.
 * @example compareReports(baseline, current).comparisons.filter((entry) => entry.regressed)
 */
export function compareReports(
  baseline: BenchReport | Map<string, NormalisedThroughput>,
  current: BenchReport | Map<string, NormalisedThroughput>,
  threshold = 0.1,
): ReportComparison {
  if (!(threshold > 0 && threshold < 1))
    throw new RangeError(
      `threshold must be a fraction in (0, 1), e.g. 0.1 for 10%; got ${threshold}.`,
    );
  const before = baseline instanceof Map ? baseline : normalisedThroughputs(baseline);
  const after = current instanceof Map ? current : normalisedThroughputs(current);
  const comparisons: WorkloadComparison[] = [];
  const missing: string[] = [];
  for (const [key, old] of before) {
    const now = after.get(key);
    if (now === undefined) {
      missing.push(key);
      continue;
    }
    const change = now.normalised / old.normalised - 1;
    comparisons.push({
      workload: old.workload,
      backend: old.backend,
      baseline: old,
      current: now,
      change,
      regressed: change < -threshold,
    });
  }
  return { comparisons, missing };
}

/**
 * The best normalised throughput of each workload over several runs (re-runs of a noisy machine:
 * a workload regressed only if even its best run is slow).
 *
 * @param runs the runs' normalised throughputs.
 * @returns per key, the entry with the highest normalised throughput.
 * @example bestOf([normalisedThroughputs(first), normalisedThroughputs(rerun)])
 */
export function bestOf(
  runs: readonly Map<string, NormalisedThroughput>[],
): Map<string, NormalisedThroughput> {
  const best = new Map<string, NormalisedThroughput>();
  for (const run of runs) {
    for (const [key, entry] of run) {
      const previous = best.get(key);
      if (previous === undefined || entry.normalised > previous.normalised) best.set(key, entry);
    }
  }
  return best;
}
