import { type BenchOptions, requestedBackends } from '../arguments/parse-bench-arguments';
import type { MatMulCeiling } from '../measure/matmul-ceiling';
import { median } from '../measure/median';
import type { BenchReport, WorkloadResult } from '../report/bench-report';
import type { MachineInfo } from '../report/machine-info';
import { failedResult, noReferenceReason } from '../run-bench';
import { allWorkloads } from '../workloads/all-workloads';
import type { WorkloadName } from '../workloads/workload';

/** What one group's process gave back: its report, or why it has none. */
export type GroupOutcome =
  | { readonly workloads: readonly WorkloadName[]; readonly report: BenchReport }
  | { readonly workloads: readonly WorkloadName[]; readonly error: string };

/** The run as a whole: what the parent process knows without running a workload. */
export type MergeContext = {
  /** The command line of the whole run. */
  readonly options: BenchOptions;
  /** The machine, described when the run started. */
  readonly machine: MachineInfo;
  /** Where each building block came from. */
  readonly adapters: Readonly<Record<string, string>>;
};

/**
 * One report out of the reports of the groups' processes (`runBenchInGroups`): every group's rows,
 * ordered as one process orders them (by backend, then as `--workloads` listed them), a failed
 * group as error rows; each backend's matMul ceiling as the median over the processes (each row
 * keeps the ceiling of its own process in `matMulCeilingGflops`); PyTorch's version from a group
 * that ran it; the datasets group's figures from the report that has them.
 *
 * @param context the run's options, machine and adapters.
 * @param outcomes every group's outcome, in the order they ran.
 * @returns the merged report, `settings.isolation` 'groups'.
 * @example mergeGroupReports({ options, machine: machineInfo(), adapters: adapterSources }, outcomes)
 */
export function mergeGroupReports(
  context: MergeContext,
  outcomes: readonly GroupOutcome[],
): BenchReport {
  const { options } = context;
  const reports = outcomes.flatMap((outcome) => ('report' in outcome ? [outcome.report] : []));
  const requested: readonly string[] = requestedBackends(options);
  const ran = new Set(reports.flatMap((report) => report.settings.backends));
  const backends = requested.filter((backend) => ran.has(backend));
  const skippedBackends: { backend: string; reason: string }[] = [];
  for (const skipped of reports.flatMap((report) => report.skippedBackends)) {
    if (!ran.has(skipped.backend) && !skippedBackends.some((s) => s.backend === skipped.backend))
      skippedBackends.push(skipped);
  }
  const results: WorkloadResult[] = reports.flatMap((report) => report.results);
  for (const outcome of outcomes) {
    if (!('error' in outcome)) continue;
    for (const backend of backends.length > 0 ? backends : [requested[0] ?? 'wasm']) {
      for (const name of outcome.workloads)
        results.push(failedResult(allWorkloads[name], backend, outcome.error));
    }
  }
  const backendOrder = (backend: string): number =>
    requested.includes(backend) ? requested.indexOf(backend) : requested.length;
  results.sort(
    (a, b) =>
      backendOrder(a.backend) - backendOrder(b.backend) ||
      options.workloads.indexOf(a.workload) - options.workloads.indexOf(b.workload),
  );
  const matMulCeilings: Record<string, MatMulCeiling> = {};
  for (const backend of backends) {
    const ceilings = reports.flatMap((report) => {
      const ceiling = report.matMulCeilings[backend];
      return ceiling === undefined ? [] : [ceiling];
    });
    if (ceilings.length === 0) continue;
    const size = ceilings[0]!.size;
    const msPerProduct = median(ceilings.map((ceiling) => ceiling.msPerProduct));
    matMulCeilings[backend] = {
      size,
      msPerProduct,
      gflops: (2 * size ** 3) / (msPerProduct * 1e6),
    };
  }
  const torch = reports.find((report) => report.torch.available)?.torch ??
    reports.find((report) => report.torch.reason !== noReferenceReason)?.torch ??
    reports[0]?.torch ?? { available: false, python: options.python, reason: noReferenceReason };
  const datasets = reports.find((report) => report.datasets !== undefined)?.datasets;
  return {
    machine: context.machine,
    settings: {
      workloads: options.workloads,
      datasets: options.datasets,
      backends:
        options.workloads.length === 0 && datasets !== undefined ? [datasets.backend] : backends,
      steps: options.steps,
      warmup: options.warmup,
      rounds: options.rounds,
      seed: options.seed,
      isolation: 'groups',
    },
    adapters: context.adapters,
    torch,
    matMulCeilings,
    skippedBackends,
    results,
    ...(datasets === undefined ? {} : { datasets }),
  };
}
