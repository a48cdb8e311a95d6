import { type ChartOptions, type ChartSpec, chartFrame, checkFinite } from './chart-spec';

/**
 * One summary cell of a label-efficiency study: a metric's mean ± std over seeds for one runner,
 * mode and label budget. `@selfsup/core`'s `labelEfficiency(...).summary` rows
 * (`LabelEfficiencySummary`) have this shape.
 */
export type LabelEfficiencyPoint = {
  /** The runner: 'pretrained', 'scratch', a method name. Becomes the colour. */
  readonly runner: string;
  /** How it was trained ('linear', 'full', 'knn'); added to the series name when a runner has several. */
  readonly mode?: string;
  /** Labels used per run (x). */
  readonly labelCount: number;
  /** Mean of the metric over seeds (y). */
  readonly mean: number;
  /** Sample standard deviation over seeds (the error bar is mean ± std). */
  readonly std: number;
  /** The metric summarised; rows of other metrics than `options.metric` are left out. */
  readonly metric?: string;
  /** Number of seeds. */
  readonly n?: number;
};

/** Options of {@link labelEfficiencyChart}. */
export type LabelEfficiencyChartOptions = ChartOptions & {
  /** The metric to plot, among rows that name one. @default 'accuracy' */
  readonly metric?: string;
  /** The y-axis title. @default 'Accuracy' for accuracy, else the metric name */
  readonly metricTitle?: string;
};

/**
 * The label-efficiency chart, selfsup's "pretrained vs scratch" picture: the metric (accuracy) as
 * a function of labels per run on a log axis, one coloured line per runner (and mode), with
 * mean ± std error bars over seeds.
 *
 * @param rows summary rows, e.g. `(await labelEfficiency(...)).summary` from `@selfsup/core`.
 * @param options metric, titles, size.
 * @returns a Vega-Lite spec with the rows inline.
 * @example
 * const { summary } = await labelEfficiency({ ... });
 * const spec = labelEfficiencyChart(summary, { title: 'MNIST: SimCLR vs scratch' });
 */
export function labelEfficiencyChart(
  rows: readonly LabelEfficiencyPoint[],
  options: LabelEfficiencyChartOptions = {},
): ChartSpec {
  const { metric = 'accuracy' } = options;
  const metricTitle = options.metricTitle ?? (metric === 'accuracy' ? 'Accuracy' : metric);
  const selected = rows.filter((row) => row.metric === undefined || row.metric === metric);
  if (rows.length > 0 && selected.length === 0) {
    const metrics = [...new Set(rows.map((row) => row.metric))].join(', ');
    throw new Error(
      `labelEfficiencyChart: no row has metric '${metric}' (rows have: ${metrics}): pass { metric }.`,
    );
  }
  const modesPerRunner = new Map<string, Set<string | undefined>>();
  for (const row of selected) {
    const modes = modesPerRunner.get(row.runner) ?? new Set();
    modes.add(row.mode);
    modesPerRunner.set(row.runner, modes);
  }
  const values = selected.map((row, index) => {
    checkFinite(row.labelCount, 'labelCount', index, 'labelEfficiencyChart');
    checkFinite(row.mean, 'mean', index, 'labelEfficiencyChart');
    checkFinite(row.std, 'std', index, 'labelEfficiencyChart');
    if (row.labelCount <= 0) {
      throw new Error(
        `labelEfficiencyChart: row ${index} has labelCount ${row.labelCount}; the log axis needs counts > 0.`,
      );
    }
    const several = (modesPerRunner.get(row.runner)?.size ?? 0) > 1;
    return {
      series: several && row.mode !== undefined ? `${row.runner} (${row.mode})` : row.runner,
      labels: row.labelCount,
      mean: row.mean,
      lower: row.mean - row.std,
      upper: row.mean + row.std,
      std: row.std,
      seeds: row.n ?? null,
    };
  });
  const x = {
    field: 'labels',
    type: 'quantitative',
    title: 'Labels per run (log scale)',
    // Padding keeps the first and last budgets' error bars off the axes.
    scale: { type: 'log', nice: false, padding: 24 },
    axis: { grid: true, format: '~s' },
  };
  const yScale = { zero: false, padding: 8 };
  const color = { field: 'series', type: 'nominal', title: null, sort: null };
  return {
    ...chartFrame(options),
    data: { values },
    layer: [
      {
        mark: { type: 'errorbar', ticks: true },
        encoding: {
          x,
          y: {
            field: 'lower',
            type: 'quantitative',
            title: `${metricTitle} (mean ± std over seeds)`,
            scale: yScale,
          },
          y2: { field: 'upper' },
          color,
        },
      },
      {
        mark: { type: 'line', point: true },
        encoding: {
          x,
          y: { field: 'mean', type: 'quantitative', scale: yScale },
          color,
          tooltip: [
            { field: 'series', type: 'nominal', title: 'run' },
            { field: 'labels', type: 'quantitative', title: 'labels' },
            { field: 'mean', type: 'quantitative', format: '.4f' },
            { field: 'std', type: 'quantitative', format: '.4f' },
            { field: 'seeds', type: 'quantitative' },
          ],
        },
      },
    ],
  } as ChartSpec;
}
