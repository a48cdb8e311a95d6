/**
 * @selfsup/charts/node: render selfsup's chart specs to SVG and PNG files in Node (Vega-Lite →
 * Vega headless view → SVG → resvg PNG).
 */
export type { ChartFont } from './chart-fonts';
export { findChartFont } from './chart-fonts';
export type { CompiledChart } from './compile-chart';
export { compileChart } from './compile-chart';
export type { ChartFormat, RenderChartOptions } from './render-chart';
export { renderChart, svgToPng } from './render-chart';
export { writeChart } from './write-chart';
