import type { ChartSpec } from '@selfsup/charts';
import { parse, View } from 'vega';
import { compile, type TopLevelSpec } from 'vega-lite';

/**
 * Renders one of `@selfsup/charts`' Vega-Lite specs (the same specs the CLI writes as SVG) into
 * `container` as an inline SVG, replacing what was there. The SVG gets `role="img"` and the
 * given accessible name.
 *
 * @param container Where the chart goes.
 * @param spec A spec from `lossCurveChart`, `projectionChart` or `labelEfficiencyChart`.
 * @param label The chart's accessible name, e.g. 'SimCLR loss per step'.
 * @returns Resolves once the SVG is in the page.
 * @example
 * await renderChart(figure, lossCurveChart(points, { title: 'Loss' }), 'Loss per step');
 */
export async function renderChart(
  container: HTMLElement,
  spec: ChartSpec,
  label: string,
): Promise<void> {
  const compiled = compile(spec as unknown as TopLevelSpec).spec;
  const view = new View(parse(compiled), { renderer: 'none' });
  try {
    const svg = await view.toSVG();
    const template = document.createElement('template');
    template.innerHTML = svg.trim();
    const node = template.content.firstElementChild;
    if (node === null) return;
    node.setAttribute('role', 'img');
    node.setAttribute('aria-label', label);
    node.removeAttribute('aria-roledescription');
    for (const inner of node.querySelectorAll('[role], [aria-roledescription], [aria-label]')) {
      inner.removeAttribute('role');
      inner.removeAttribute('aria-roledescription');
      inner.removeAttribute('aria-label');
    }
    container.replaceChildren(node);
  } finally {
    view.finalize();
  }
}
