import type { LabelEfficiencySummary } from '@selfsup/core';

/**
 * The label-efficiency table people read: one row per label count, one column per
 * (runner, mode), cells "mean ± std" accuracy in percent over the seeds.
 */
export function formatSummaryTable(
  summary: readonly LabelEfficiencySummary[],
  metric = 'accuracy',
): string {
  const rows = summary.filter((entry) => entry.metric === metric);
  const columns = [...new Set(rows.map((entry) => `${entry.runner} (${entry.mode})`))];
  const labelCounts = [...new Set(rows.map((entry) => entry.labelCount))].sort((a, b) => a - b);
  const cell = (labels: number, column: string): string => {
    const entry = rows.find(
      (row) => row.labelCount === labels && `${row.runner} (${row.mode})` === column,
    );
    return entry ? `${(100 * entry.mean).toFixed(1)} ± ${(100 * entry.std).toFixed(1)}` : '—';
  };
  const header = ['labels', ...columns];
  const body = labelCounts.map((labels) => [
    String(labels),
    ...columns.map((column) => cell(labels, column)),
  ]);
  const widths = header.map((title, index) =>
    Math.max(title.length, ...body.map((row) => row[index]!.length)),
  );
  const line = (cells: string[]) =>
    cells.map((text, index) => text.padStart(widths[index]!)).join('  ');
  return [
    line(header),
    widths.map((width) => '-'.repeat(width)).join('  '),
    ...body.map(line),
  ].join('\n');
}
