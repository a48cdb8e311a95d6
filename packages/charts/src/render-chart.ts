import { Resvg } from '@resvg/resvg-js';
import { parse, View } from 'vega';
import { findChartFont } from './chart-fonts';
import type { ChartSpec } from './chart-spec';
import { compileChart } from './compile-chart';

/** Image formats of {@link renderChart}. */
export type ChartFormat = 'svg' | 'png';

/** Options of {@link renderChart} (PNG only). */
export type RenderChartOptions = {
  /** PNG width in pixels; the height follows the chart's aspect ratio. @default the SVG width × `scale` */
  readonly width?: number;
  /** PNG pixels per SVG pixel, when `width` is not given. @default 2 */
  readonly scale?: number;
  /** Extra font files (.ttf/.otf) for PNG text; the first is the default family. @default a system sans-serif */
  readonly fontFiles?: readonly string[];
};

let warnedNoFont = false;

/**
 * Renders a chart spec to SVG text with Vega (headless, renderer 'none').
 *
 * @param spec a Vega-Lite spec.
 * @returns the SVG document.
 * @example const svg = await renderSvg(lossCurveChart(points));
 */
async function renderSvg(spec: ChartSpec): Promise<string> {
  const { vega } = compileChart(spec);
  const view = new View(parse(vega), { renderer: 'none' });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}

/**
 * Rasterises an SVG document to PNG with resvg, loading system fonts plus a known sans-serif
 * (DejaVu Sans, Liberation Sans or Arial when present) as the default family, so the chart's text
 * renders. Without any font, the PNG has no text and a warning is printed once.
 *
 * @param svg an SVG document.
 * @param options width or scale, extra font files.
 * @returns the PNG bytes.
 * @example const png = svgToPng(svg, { width: 1200 });
 */
export function svgToPng(svg: string, options: RenderChartOptions = {}): Uint8Array {
  const { width, scale = 2, fontFiles = [] } = options;
  if (width !== undefined && !(Number.isInteger(width) && width > 0))
    throw new Error(`PNG width must be a positive integer of pixels, got ${width}.`);
  if (!(Number.isFinite(scale) && scale > 0))
    throw new Error(`PNG scale must be a positive number, got ${scale}.`);
  const found = findChartFont();
  const files = [...fontFiles, ...(found ? [found.file] : [])];
  if (files.length === 0 && !warnedNoFont) {
    warnedNoFont = true;
    console.warn(
      'selfsup charts: no known sans-serif font found (DejaVu Sans, Liberation Sans, Arial); PNG text may be ' +
        'missing. Install fonts-dejavu-core or pass { fontFiles }.',
    );
  }
  const family = fontFiles.length === 0 ? found?.family : undefined;
  const resvg = new Resvg(svg, {
    fitTo: width === undefined ? { mode: 'zoom', value: scale } : { mode: 'width', value: width },
    background: 'white',
    font: {
      loadSystemFonts: true,
      fontFiles: files,
      ...(family ? { defaultFontFamily: family, sansSerifFamily: family } : {}),
    },
  });
  return new Uint8Array(resvg.render().asPng());
}

/**
 * Renders a chart to SVG text or PNG bytes in Node: Vega-Lite compiles the spec, a headless Vega
 * View draws it (`toSVG`), and resvg rasterises the SVG for PNG (see {@link svgToPng} for fonts).
 *
 * @param spec a Vega-Lite spec (`lossCurveChart`, `labelEfficiencyChart`, `projectionChart`, or any).
 * @param format `'svg'` or `'png'`.
 * @param options PNG width or scale, font files.
 * @returns the SVG document (string) or the PNG bytes (Uint8Array).
 * @example
 * const svg = await renderChart(lossCurveChart(points), 'svg');
 * const png = await renderChart(lossCurveChart(points), 'png', { width: 1200 });
 */
export async function renderChart(spec: ChartSpec, format: 'svg'): Promise<string>;
export async function renderChart(
  spec: ChartSpec,
  format: 'png',
  options?: RenderChartOptions,
): Promise<Uint8Array>;
export async function renderChart(
  spec: ChartSpec,
  format: ChartFormat,
  options?: RenderChartOptions,
): Promise<string | Uint8Array>;
export async function renderChart(
  spec: ChartSpec,
  format: ChartFormat,
  options: RenderChartOptions = {},
): Promise<string | Uint8Array> {
  if (format !== 'svg' && format !== 'png')
    throw new Error(`Unknown chart format '${String(format)}': use 'svg' or 'png'.`);
  const svg = await renderSvg(spec);
  return format === 'svg' ? svg : svgToPng(svg, options);
}
