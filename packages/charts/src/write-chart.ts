import type { ChartSpec } from './chart-spec';
import { type RenderChartOptions, renderChart } from './render-chart';
import { writeFileAtomically } from './write-file-atomically';

/**
 * Writes a chart to a file, the format chosen by the extension: `.svg`, `.png`, or `.json` (the
 * Vega-Lite spec itself, to open in the Vega editor or embed in a page). Atomic (temporary
 * sibling, fsync, rename); the directory is created if needed.
 *
 * @param path the file: `*.svg`, `*.png` or `*.json`.
 * @param spec a Vega-Lite spec.
 * @param options PNG width or scale, font files.
 * @returns the format written.
 * @example await writeChart('runs/simclr/label-efficiency.png', labelEfficiencyChart(summary));
 */
export async function writeChart(
  path: string,
  spec: ChartSpec,
  options: RenderChartOptions = {},
): Promise<'svg' | 'png' | 'json'> {
  const extension = /\.([A-Za-z]+)$/.exec(path)?.[1]?.toLowerCase();
  if (extension === 'json') {
    await writeFileAtomically(path, `${JSON.stringify(spec, null, 2)}\n`);
    return 'json';
  }
  if (extension === 'svg' || extension === 'png') {
    await writeFileAtomically(path, await renderChart(spec, extension, options));
    return extension;
  }
  throw new Error(
    `Cannot tell the chart format of '${path}': end the path with .svg, .png or .json.`,
  );
}
