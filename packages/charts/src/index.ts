/**
 * @selfsup/charts: selfsup's charts as plain Vega-Lite specs (browser-safe JSON): loss curves,
 * label efficiency (pretrained vs scratch), 2-D embedding projections. Render them in Node with
 * `@selfsup/charts/node` (`renderChart`, `writeChart`) or in a browser with vega-embed.
 */
export type { ChartOptions, ChartSpec } from './chart-spec';
export { VEGA_LITE_SCHEMA } from './chart-spec';
export type { LabelEfficiencyChartOptions, LabelEfficiencyPoint } from './label-efficiency-chart';
export { labelEfficiencyChart } from './label-efficiency-chart';
export type { LossCurveChartOptions, LossPoint } from './loss-curve-chart';
export { lossCurveChart } from './loss-curve-chart';
export type { ProjectionChartOptions, ProjectionPoint } from './projection-chart';
export { projectionChart } from './projection-chart';
