import { type ChartOptions, type ChartSpec, chartFrame, checkFinite } from './chart-spec';

/** One point of a loss curve. */
export type LossPoint = {
  /** Optimizer step (or epoch). */
  readonly step: number;
  /** The loss at that step. */
  readonly loss: number;
  /** Which curve it belongs to ('train', 'validation', a run name). @default one unnamed curve */
  readonly series?: string;
};

/** Options of {@link lossCurveChart}. */
export type LossCurveChartOptions = ChartOptions & {
  /** A logarithmic loss axis (losses must be > 0). @default false */
  readonly logLoss?: boolean;
  /** The x-axis title. @default 'Step' */
  readonly stepTitle?: string;
  /** The y-axis title. @default 'Loss' */
  readonly lossTitle?: string;
};

/**
 * A loss curve: loss against step, one coloured line per `series` (train / validation, or one
 * per run) when points carry one.
 *
 * @param points `{ step, loss, series? }` per logged step (`pretrain`'s progress events map 1:1).
 * @param options title, size, log scale, axis titles.
 * @returns a Vega-Lite spec with the points inline.
 * @example
 * const spec = lossCurveChart(history.map(({ step, loss }) => ({ step, loss })), { title: 'SimCLR' });
 * await writeChart('runs/simclr/loss.svg', spec); // from '@selfsup/charts/node'
 */
export function lossCurveChart(
  points: readonly LossPoint[],
  options: LossCurveChartOptions = {},
): ChartSpec {
  const { logLoss = false, stepTitle = 'Step', lossTitle = 'Loss' } = options;
  points.forEach((point, index) => {
    checkFinite(point.step, 'step', index, 'lossCurveChart');
    checkFinite(point.loss, 'loss', index, 'lossCurveChart');
    if (logLoss && point.loss <= 0) {
      throw new Error(
        `lossCurveChart: row ${index} has loss ${point.loss} but a log axis needs losses > 0: drop logLoss.`,
      );
    }
  });
  const hasSeries = points.some((point) => point.series !== undefined);
  return {
    ...chartFrame(options),
    data: {
      values: points.map((point) => ({
        step: point.step,
        loss: point.loss,
        ...(hasSeries ? { series: point.series ?? 'loss' } : {}),
      })),
    },
    mark: { type: 'line', interpolate: 'linear', strokeWidth: 1.5 },
    encoding: {
      x: { field: 'step', type: 'quantitative', title: stepTitle },
      y: {
        field: 'loss',
        type: 'quantitative',
        title: lossTitle,
        scale: logLoss ? { type: 'log' } : { zero: false },
      },
      ...(hasSeries
        ? { color: { field: 'series', type: 'nominal', title: null, sort: null } }
        : {}),
    },
  } as ChartSpec;
}
