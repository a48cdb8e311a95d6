import { describe, expect, it } from 'vitest';
import { compileChart } from './compile-chart';
import { labelEfficiencyChart } from './label-efficiency-chart';
import { lossCurveChart } from './loss-curve-chart';
import { projectionChart } from './projection-chart';
import { renderChart } from './render-chart';

/** The text of every <text> element of an SVG (axis titles, labels, legend, title). */
function svgTexts(svg: string): string[] {
  return [...svg.matchAll(/<text[^>]*>([^<]*)<\/text>/g)].map((match) => match[1]!);
}

const lossPoints = Array.from({ length: 40 }, (_, step) => ({
  step,
  loss: 2 * Math.exp(-step / 10) + 0.1,
  series: 'train',
})).concat(
  Array.from({ length: 8 }, (_, i) => ({
    step: i * 5,
    loss: 2.2 * Math.exp(-(i * 5) / 12) + 0.2,
    series: 'validation',
  })),
);

// The shape of @selfsup/core's labelEfficiency(...).summary rows.
const summary = [10, 100, 1000].flatMap((labelCount, index) => [
  {
    runner: 'pretrained',
    mode: 'linear',
    budget: labelCount,
    labelCount,
    metric: 'accuracy',
    mean: 0.7 + 0.08 * index,
    std: 0.03,
    n: 3,
  },
  {
    runner: 'pretrained',
    mode: 'full',
    budget: labelCount,
    labelCount,
    metric: 'accuracy',
    mean: 0.65 + 0.1 * index,
    std: 0.04,
    n: 3,
  },
  {
    runner: 'scratch',
    mode: 'full',
    budget: labelCount,
    labelCount,
    metric: 'accuracy',
    mean: 0.4 + 0.2 * index,
    std: 0.05,
    n: 3,
  },
  {
    runner: 'scratch',
    mode: 'full',
    budget: labelCount,
    labelCount,
    metric: 'macroF1',
    mean: 0.3,
    std: 0.01,
    n: 3,
  },
]);

const projectionPoints = Array.from({ length: 60 }, (_, i) => ({
  x: Math.cos(i) * (i % 3) + (i % 3) * 4,
  y: Math.sin(i) * (i % 3),
  label: i % 3,
}));

describe('chart specs', () => {
  it('lossCurveChart compiles without warnings, one line per series, axis titles in the SVG', async () => {
    const spec = lossCurveChart(lossPoints, { title: 'SimCLR on MNIST' });
    expect(JSON.parse(JSON.stringify(spec))).toEqual(spec); // plain JSON
    expect(compileChart(spec).warnings).toEqual([]);
    const texts = svgTexts(await renderChart(spec, 'svg'));
    for (const text of ['Step', 'Loss', 'SimCLR on MNIST', 'train', 'validation'])
      expect(texts).toContain(text);
    // Without series: no legend, still no warnings; log axis.
    const single = lossCurveChart(
      lossPoints
        .filter((point) => point.series === 'train')
        .map(({ step, loss }) => ({ step, loss })),
      { logLoss: true },
    );
    expect(compileChart(single).warnings).toEqual([]);
    expect((single as { encoding: object }).encoding).not.toHaveProperty('color');
    expect(() => lossCurveChart([{ step: 1, loss: Number.NaN }])).toThrow(/finite number/);
    expect(() => lossCurveChart([{ step: 1, loss: 0 }], { logLoss: true })).toThrow(/drop logLoss/);
  });

  it('labelEfficiencyChart plots mean ± std on a log axis, one series per runner (and mode)', async () => {
    const spec = labelEfficiencyChart(summary, { title: 'Pretrained vs scratch' });
    expect(compileChart(spec).warnings).toEqual([]);
    const values = (spec as { data: { values: Record<string, unknown>[] } }).data.values;
    // The macroF1 rows are left out; 'scratch' has one mode, so no suffix.
    expect(values).toHaveLength(9);
    expect(new Set(values.map((value) => value.series))).toEqual(
      new Set(['pretrained (linear)', 'pretrained (full)', 'scratch']),
    );
    expect(values[0]).toMatchObject({
      labels: 10,
      mean: 0.7,
      lower: 0.7 - 0.03,
      upper: 0.7 + 0.03,
    });
    const svg = await renderChart(spec, 'svg');
    const texts = svgTexts(svg);
    expect(texts).toContain('Labels per run (log scale)');
    expect(texts).toContain('Accuracy (mean ± std over seeds)');
    expect(texts).toContain('scratch');
    // The other metric, by name.
    const f1 = labelEfficiencyChart(summary, { metric: 'macroF1' });
    expect(compileChart(f1).warnings).toEqual([]);
    expect(() => labelEfficiencyChart(summary, { metric: 'recall' })).toThrow(
      /no row has metric 'recall'/,
    );
  });

  it('projectionChart colours points by label, numeric labels in numeric order', async () => {
    const spec = projectionChart(
      projectionPoints.map((point) => ({ ...point, label: point.label * 5 })),
      { xTitle: 'PC 1 (40%)', yTitle: 'PC 2 (20%)' },
    );
    expect(compileChart(spec).warnings).toEqual([]);
    expect((spec as { encoding: { color: { sort: string[] } } }).encoding.color.sort).toEqual([
      '0',
      '5',
      '10',
    ]);
    const texts = svgTexts(await renderChart(spec, 'svg'));
    for (const text of ['PC 1 (40%)', 'PC 2 (20%)', 'Label', '0', '5', '10'])
      expect(texts).toContain(text);
    const named = projectionChart(
      projectionPoints.map((point) => ({ ...point, label: `c${point.label}` })),
    );
    expect(compileChart(named).warnings).toEqual([]);
    expect(() => projectionChart([{ x: 1, y: Number.POSITIVE_INFINITY, label: 0 }])).toThrow(
      /every y must be a finite number/,
    );
  });

  it('refuses a non-positive size', () => {
    expect(() => lossCurveChart([], { width: 0 })).toThrow(/width must be a positive number/);
  });
});
