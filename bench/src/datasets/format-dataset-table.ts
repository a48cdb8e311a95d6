import type { DatasetBenchReport } from './run-dataset-benchmarks';

function milliseconds(value: number | undefined): string {
  if (value === undefined) return '—';
  if (value < 1) return value.toFixed(2);
  return value < 100 ? value.toFixed(1) : Math.round(value).toLocaleString('en-US');
}

function megabytes(bytes: number): string {
  return `${(bytes / 2 ** 20).toFixed(1)} MiB`;
}

/**
 * The human-readable dataset figures: one row per dataset (cold load ms, first batch ms, batch
 * size, ms/batch, batches/s, examples/s), then the load notes (caches), failures and MNIST's RSS.
 *
 * @param report the figures of {@link runDatasetBenchmarks}.
 * @returns the text, ending with a newline.
 * @example process.stdout.write(formatDatasetTable(runDatasetBenchmarks({}, console.error)));
 */
export function formatDatasetTable(report: DatasetBenchReport): string {
  const header = [
    'dataset',
    'load ms (cold)',
    'first batch ms',
    'batch',
    'ms/batch',
    'batches/s',
    'examples/s',
  ];
  const rows = report.results.map((result) => [
    result.dataset,
    milliseconds(result.loadMs),
    milliseconds(result.firstBatchMs),
    `${result.batchSize} ${result.unit}`,
    result.error === undefined ? milliseconds(result.msPerBatch) : 'failed',
    result.batchesPerSecond === undefined
      ? '—'
      : result.batchesPerSecond < 100
        ? result.batchesPerSecond.toFixed(1)
        : Math.round(result.batchesPerSecond).toLocaleString('en-US'),
    result.examplesPerSecond === undefined
      ? '—'
      : `${Math.round(result.examplesPerSecond).toLocaleString('en-US')} ${result.unit}/s`,
  ]);
  const widths = header.map((title, column) =>
    Math.max(title.length, ...rows.map((cells) => cells[column]!.length)),
  );
  const line = (cells: readonly string[]): string =>
    cells
      .map((cell, column) =>
        column === 0 || column === 3
          ? cell.padEnd(widths[column]!)
          : cell.padStart(widths[column]!),
      )
      .join('  ')
      .trimEnd();
  const output = [
    line(header),
    widths.map((width) => '-'.repeat(width)).join('  '),
    ...rows.map(line),
    '',
    `batch iterators on ${report.backend}: median of ${report.batches} batches after the first and ${report.warmupBatches} warm-up ones; a batch = next() + tensor creation + dispose (no training).`,
  ];
  for (const result of report.results) {
    if (result.loadNote !== undefined) output.push(`${result.dataset}: ${result.loadNote}`);
    if (result.error !== undefined) output.push(`${result.dataset} failed: ${result.error}`);
  }
  if (report.mnistMemory !== undefined) {
    const memory = report.mnistMemory;
    output.push(
      `loading MNIST (train + test) added ${megabytes(memory.rssAddedBytes)} RSS (${megabytes(memory.arrayBuffersAddedBytes)} ArrayBuffers; the pixels and labels are ${megabytes(memory.datasetBytes)}).`,
    );
  }
  return `${output.join('\n')}\n`;
}
