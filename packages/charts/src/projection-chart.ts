import { type ChartOptions, type ChartSpec, chartFrame, checkFinite } from './chart-spec';

/** One embedded point of a 2-D projection. */
export type ProjectionPoint = {
  readonly x: number;
  readonly y: number;
  /** Its class (or any group); becomes the colour. */
  readonly label: string | number;
};

/** Options of {@link projectionChart}. */
export type ProjectionChartOptions = ChartOptions & {
  /** The x-axis title, e.g. 'PC 1 (32%)' or 'UMAP 1'. @default 'Component 1' */
  readonly xTitle?: string;
  /** The y-axis title. @default 'Component 2' */
  readonly yTitle?: string;
  /** The legend title. @default 'Label' */
  readonly labelTitle?: string;
  /** Point size in square pixels. @default 16 */
  readonly pointSize?: number;
};

/**
 * A scatter plot of embeddings projected to 2-D (PCA or UMAP), one colour per label: classes
 * that form separate clusters are what a good self-supervised encoder shows without labels.
 *
 * @param points `{ x, y, label }` per embedding (`projectEmbeddings` from `@selfsup/core` gives x
 *   and y as `points[2i]`, `points[2i + 1]`).
 * @param options axis and legend titles, point size, size, title.
 * @returns a Vega-Lite spec with the points inline.
 * @example
 * const { points } = await projectEmbeddings(embeddings, { method: 'umap', seed: 0 });
 * const spec = projectionChart(
 *   Array.from(labels, (label, i) => ({ x: points[2 * i]!, y: points[2 * i + 1]!, label })),
 *   { xTitle: 'UMAP 1', yTitle: 'UMAP 2' },
 * );
 */
export function projectionChart(
  points: readonly ProjectionPoint[],
  options: ProjectionChartOptions = {},
): ChartSpec {
  const {
    xTitle = 'Component 1',
    yTitle = 'Component 2',
    labelTitle = 'Label',
    pointSize = 16,
  } = options;
  const values = points.map((point, index) => {
    checkFinite(point.x, 'x', index, 'projectionChart');
    checkFinite(point.y, 'y', index, 'projectionChart');
    return { x: point.x, y: point.y, label: String(point.label) };
  });
  // Numeric labels sort as numbers in the legend (2 before 10).
  const numeric = points.length > 0 && points.every((point) => typeof point.label === 'number');
  const order = numeric
    ? [...new Set(points.map((point) => point.label as number))].sort((a, b) => a - b).map(String)
    : null;
  return {
    ...chartFrame(options),
    data: { values },
    mark: { type: 'circle', size: pointSize, opacity: 0.7 },
    encoding: {
      x: { field: 'x', type: 'quantitative', title: xTitle, scale: { zero: false } },
      y: { field: 'y', type: 'quantitative', title: yTitle, scale: { zero: false } },
      color: {
        field: 'label',
        type: 'nominal',
        title: labelTitle,
        ...(order ? { sort: order } : {}),
      },
    },
  } as ChartSpec;
}
