import type { TopLevelSpec } from 'vega-lite';

/**
 * A chart: a plain Vega-Lite specification (JSON, data inline), so the same object renders in a
 * browser (`vega-embed`), in the Vega editor, or to SVG/PNG in Node (`@selfsup/charts/node`).
 */
export type ChartSpec = TopLevelSpec;

/** Options every chart takes. */
export type ChartOptions = {
  /** The title above the chart. @default none */
  readonly title?: string;
  /** Width of the plotting area in pixels (axes and legend come on top). @default 480 */
  readonly width?: number;
  /** Height of the plotting area in pixels. @default 300 */
  readonly height?: number;
};

/** The Vega-Lite version the specs are written for. */
export const VEGA_LITE_SCHEMA = 'https://vega.github.io/schema/vega-lite/v6.json';

/** The shared top of every spec: schema, size, title, white background. */
export function chartFrame(options: ChartOptions): {
  $schema: string;
  width: number;
  height: number;
  background: string;
  title?: string;
} {
  const { width = 480, height = 300, title } = options;
  for (const [name, value] of [
    ['width', width],
    ['height', height],
  ] as const) {
    if (!(Number.isFinite(value) && value > 0))
      throw new Error(`Chart ${name} must be a positive number of pixels, got ${value}.`);
  }
  return {
    $schema: VEGA_LITE_SCHEMA,
    width,
    height,
    background: 'white',
    ...(title === undefined ? {} : { title }),
  };
}

/** Throws when a numeric field of a data row is not a finite number. */
export function checkFinite(
  value: unknown,
  field: string,
  index: number,
  chart: string,
): asserts value is number {
  if (typeof value !== 'number' || !Number.isFinite(value)) {
    throw new Error(
      `${chart}: row ${index} has ${field} = ${String(value)}; every ${field} must be a finite number.`,
    );
  }
}
