import { formatDatasetTable } from '../datasets/format-dataset-table';
import type { BenchReport, WorkloadResult } from './bench-report';

/**
 * Formats a number of milliseconds for the table: one decimal below 100, whole above.
 *
 * @param milliseconds the value.
 * @returns the text.
 * @example formatMilliseconds(263.4) // '263'
 */
export function formatMilliseconds(milliseconds: number): string {
  return milliseconds < 100
    ? milliseconds.toFixed(1)
    : Math.round(milliseconds).toLocaleString('en-US');
}

function throughputText(value: number, unit: string): string {
  return `${Math.round(value).toLocaleString('en-US')} ${unit}/s`;
}

function row(result: WorkloadResult): string[] {
  const ours =
    result.msPerStep !== undefined && result.throughput !== undefined
      ? [formatMilliseconds(result.msPerStep), throughputText(result.throughput, result.unit)]
      : ['failed', '—'];
  const gflops =
    result.gflops === undefined
      ? '—'
      : `${result.gflops.toFixed(1)}${result.fractionOfMatMulCeiling === undefined ? '' : ` (${Math.round(result.fractionOfMatMulCeiling * 100)}%)`}`;
  const loss =
    result.lossFirst === undefined || result.lossLast === undefined
      ? '—'
      : `${result.lossFirst.toFixed(3)} → ${result.lossLast.toFixed(3)}${result.lossCheck === 'fell' ? '' : ' !'}`;
  const torch = result.torch;
  return [
    result.workload,
    result.backend,
    String(result.threads),
    String(result.workers ?? 1),
    ...ours,
    gflops,
    loss,
    torch === undefined
      ? result.torchError === undefined
        ? 'n/a'
        : 'failed'
      : `${formatMilliseconds(torch.msPerStep)} (${torch.threads} thr)`,
    torch === undefined ? '—' : throughputText(torch.throughput, result.unit),
    result.ratio === undefined ? '—' : `${result.ratio.toFixed(3)}×`,
  ];
}

/** ' (rounds 1.21–1.62×)': the spread of a speed-up over the rounds, when there were several. */
function speedupRange(byRound: readonly number[] | undefined): string {
  if (byRound === undefined || byRound.length < 2) return '';
  return ` (rounds ${Math.min(...byRound).toFixed(2)}–${Math.max(...byRound).toFixed(2)}×)`;
}

/**
 * The human-readable results of a bench run: one table (workload, backend, threads, ms/step,
 * throughput, achieved GFLOP/s and share of the matMul ceiling, loss first → last (training
 * workloads; '—' for inference), PyTorch ms/step and throughput, ratio ours/PyTorch; 'n/a' where
 * a workload has no PyTorch reference or it did not run), then the ceilings, errors and notes; then the `datasets`
 * group's table when it ran (the workload table is left out when no workload ran).
 *
 * @param report the run's figures.
 * @returns the text, ending with a newline.
 * @example process.stdout.write(formatResultsTable(report));
 */
export function formatResultsTable(report: BenchReport): string {
  const header = [
    'workload',
    'backend',
    'threads',
    'workers',
    'ms/step',
    'throughput',
    'GFLOP/s (% matMul)',
    'loss first → last',
    'PyTorch ms/step',
    'PyTorch throughput',
    'ratio',
  ];
  const rows = report.results.map((result) => row(result));
  const widths = header.map((title, column) =>
    Math.max(title.length, ...rows.map((cells) => cells[column]!.length)),
  );
  const numeric = new Set([2, 3, 4, 5, 6, 8, 9, 10]);
  const line = (cells: readonly string[]): string =>
    cells
      .map((cell, column) =>
        numeric.has(column) ? cell.padStart(widths[column]!) : cell.padEnd(widths[column]!),
      )
      .join('  ')
      .trimEnd();
  const output =
    report.results.length === 0 && report.settings.workloads.length === 0
      ? []
      : [line(header), widths.map((width) => '-'.repeat(width)).join('  '), ...rows.map(line), ''];
  for (const [backend, ceiling] of Object.entries(report.matMulCeilings)) {
    output.push(
      `matMul ceiling on ${backend}: ${ceiling.size}×${ceiling.size}×${ceiling.size} in ${formatMilliseconds(ceiling.msPerProduct)} ms = ${ceiling.gflops.toFixed(1)} GFLOP/s`,
    );
  }
  if (!report.torch.available && report.settings.workloads.length > 0)
    output.push(`PyTorch reference not run: ${report.torch.reason ?? 'unknown reason'}.`);
  for (const { backend, reason } of report.skippedBackends)
    output.push(`backend ${backend} skipped: ${reason}`);
  for (const result of report.results) {
    if (result.error !== undefined)
      output.push(`${result.workload} on ${result.backend} failed: ${result.error}`);
    else if ((result.kind ?? 'training') === 'training' && result.lossCheck !== 'fell')
      output.push(
        `${result.workload} on ${result.backend}: loss ${result.lossCheck} over the timed steps.`,
      );
    const torchParameters = result.torch?.parameterCount;
    if (
      torchParameters !== undefined &&
      result.parameterCount !== undefined &&
      torchParameters !== result.parameterCount
    ) {
      output.push(
        `${result.workload} on ${result.backend}: ${result.parameterCount.toLocaleString('en-US')} parameters but the PyTorch reference has ${torchParameters.toLocaleString('en-US')}: the two models differ, so the ratio compares different work.`,
      );
    }
    if (result.torchError !== undefined)
      output.push(`${result.workload} PyTorch reference failed: ${result.torchError}`);
    if (result.speedupOverOneWorker !== undefined)
      output.push(
        `${result.workload} on ${result.backend}: ${result.speedupOverOneWorker.toFixed(2)}× the one-thread throughput on ${result.workers ?? 1} workers${speedupRange(result.speedupByRound)}.`,
      );
  }
  if (report.datasets !== undefined) {
    if (output.length > 0) output.push('');
    output.push(formatDatasetTable(report.datasets));
  }
  if (report.machine.loadAverage > report.machine.cores) {
    output.push(
      `warning: load average ${report.machine.loadAverage} on ${report.machine.cores} cores: other processes compete for the CPU, so these times are unreliable (multi-threaded PyTorch suffers most); rerun on an idle machine.`,
    );
  }
  output.push(
    `${report.machine.cpuModel}, ${report.machine.cores} cores, load ${report.machine.loadAverage}, Node ${report.machine.node}, tfjs ${report.machine.tfjs}, ${report.machine.date}`,
  );
  return `${output.join('\n')}\n`;
}
