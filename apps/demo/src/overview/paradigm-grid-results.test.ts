import { describe, expect, it } from 'vitest';
import {
  centralClaim,
  errorChartSpec,
  errorPoints,
  type GridSummaryRow,
  gridCaption,
  gridLines,
  type ParadigmGridReport,
  resultsTable,
  smokeWarning,
  unfinishedGroups,
  verdictSentences,
} from './paradigm-grid-results';

/** A summary row with 3 seeds; `labelCount` defaults to the budget. */
function row(
  runner: string,
  mode: string,
  budget: number,
  mean: number,
  std: number,
  extra: Partial<GridSummaryRow> = {},
): GridSummaryRow {
  return {
    runner,
    mode,
    budget,
    labelCount: budget,
    metric: 'accuracy',
    mean,
    std,
    n: 3,
    ...extra,
  };
}

/** A small grid in the script's format: two groups that both ran scratch, macro-F1 rows too. */
const report: ParadigmGridReport = {
  script: 'scripts/paradigm-grid/run-grid.mjs',
  smoke: true,
  date: '2026-11-30T08:28:14.991Z',
  machine: { cpu: 'AMD EPYC', cores: 2, memoryGiB: 24, platform: 'linux x64', node: 'v20.20.2' },
  minutes: 4.5,
  backends: ['wasm'],
  datasets: [
    {
      name: 'mnist',
      groups: [
        {
          group: 'conv-net',
          command: 'selfsup compare mnist-simclr …',
          minutes: 1,
          summary: [
            row('simclr', 'linear-probe', 10, 0.4, 0.05),
            row('simclr', 'linear-probe', 10, 0.3, 0.05, { metric: 'macroF1' }),
            row('scratch', 'full', 10, 0.2, 0.1),
            row('scratch', 'full', 10, 0.15, 0.1, { metric: 'macroF1' }),
            // A label count the log axis cannot take: the budget stands in.
            row('k-means', 'cluster-then-label', 10, 0.4, 0.02, { labelCount: 0 }),
            // Neither a label count nor a budget: left out.
            row('k-means', 'cluster-then-label', 0, 0.1, 0, { labelCount: 0 }),
            row('simclr', 'linear-probe', 100, 0.8, 0.01),
            row('simclr', 'linear-probe', 100, 0.7, 0.01, { metric: 'macroF1' }),
            row('scratch', 'full', 100, 0.5, 0.02),
            row('scratch', 'full', 100, 0.45, 0.02, { metric: 'macroF1' }),
            row('k-means', 'cluster-then-label', 100, 0.6, 0.03),
          ],
        },
        {
          group: 'vit',
          command: 'selfsup compare mnist-mae …',
          minutes: 1,
          summary: [
            row('mae', 'full', 10, 0.3, 0.04),
            row('scratch', 'full', 10, 0.25, 0.03),
            row('mae', 'full', 100, 0.6, 0.02),
            row('scratch', 'full', 100, 0.4, 0.05),
          ],
        },
      ],
      centralClaim: {
        fewLabels: 10,
        allLabels: 100,
        note: 'Published BERT results keep ~80% with 500 examples.',
        bestPretrained: {
          runner: 'simclr',
          mode: 'linear-probe',
          group: 'conv-net',
          fewLabels: 0.4,
          allLabels: 0.8,
          ratio: 0.5,
        },
        scratch: {
          runner: 'scratch',
          mode: 'full',
          group: 'conv-net',
          fewLabels: 0.2,
          allLabels: 0.5,
          ratio: 0.4,
        },
      },
      verdicts: [
        {
          budget: 10,
          bestPretrained: {
            runner: 'simclr',
            mode: 'linear-probe',
            group: 'conv-net',
            mean: 0.4,
            std: 0.05,
          },
          bestOther: { runner: 'scratch', mode: 'full', group: 'vit', mean: 0.25, std: 0.03 },
          selfSupervisionWins: true,
          margin: 0.15,
        },
        {
          budget: 100,
          bestPretrained: {
            runner: 'simclr',
            mode: 'linear-probe',
            group: 'conv-net',
            mean: 0.8,
            std: 0.01,
          },
          bestOther: null,
          selfSupervisionWins: null,
          margin: null,
        },
      ],
    },
  ],
};
const dataset = report.datasets[0]!;

describe('the paradigm grid results', () => {
  it('keeps one line per (runner, mode), suffixed with the group when two groups ran it', () => {
    const lines = gridLines(dataset);
    expect(lines.map((line) => line.label)).toEqual([
      'simclr linear-probe',
      'scratch full (conv-net)',
      'k-means cluster-then-label',
      'mae full',
      'scratch full (vit)',
    ]);
    expect(new Set(lines.map((line) => line.label)).size).toBe(lines.length);
    // Accuracy rows only: macro-F1 never becomes a point.
    expect(lines[0]!.points.map((point) => point.accuracy)).toEqual([0.4, 0.8]);
  });

  it('plots test error = 1 − accuracy at label counts a log axis can take', () => {
    const points = errorPoints(gridLines(dataset));
    const simclr = points.filter((point) => point.runner === 'simclr linear-probe');
    expect(simclr.map((point) => point.mean)).toEqual([
      expect.closeTo(0.6, 12),
      expect.closeTo(0.2, 12),
    ]);
    expect(simclr.map((point) => point.std)).toEqual([0.05, 0.01]);
    expect(points.every((point) => point.metric === 'error')).toBe(true);
    expect(points.every((point) => point.labelCount > 0)).toBe(true);
    const kMeans = points.filter((point) => point.runner === 'k-means cluster-then-label');
    expect(kMeans.map((point) => point.labelCount)).toEqual([10, 100]);
    expect(points).toHaveLength(10);
    const spec = JSON.stringify(errorChartSpec(gridLines(dataset), 'MNIST'));
    expect(spec).toContain('"type":"log"');
    expect(spec).toContain('scratch full (vit)');
    expect(spec).toContain('Test error');
  });

  it('tabulates mean ± std accuracy in percent and marks the best of each budget', () => {
    const table = resultsTable(gridLines(dataset));
    expect(table.budgets).toEqual([10, 100]);
    expect(table.seeds).toBe(3);
    const cells = Object.fromEntries(
      table.rows.map(({ line, cells }) => [line.label, cells.map((cell) => cell?.text ?? null)]),
    );
    expect(cells['simclr linear-probe']).toEqual(['40.0 ± 5.0', '80.0 ± 1.0']);
    expect(cells['scratch full (vit)']).toEqual(['25.0 ± 3.0', '40.0 ± 5.0']);
    const best = table.rows.map(({ line, cells }) => [
      line.label,
      cells.map((cell) => cell?.best ?? false),
    ]);
    // 10 labels: SimCLR and k-means tie at 40.0%, both bold; 100 labels: SimCLR alone.
    expect(best).toEqual([
      ['simclr linear-probe', [true, true]],
      ['scratch full (conv-net)', [false, false]],
      ['k-means cluster-then-label', [true, false]],
      ['mae full', [false, false]],
      ['scratch full (vit)', [false, false]],
    ]);
  });

  it('states the central claim: the best pretrained encoder and scratch of its architecture', () => {
    const claim = centralClaim(dataset);
    expect(claim.bestPretrained).toMatchObject({ runner: 'simclr', group: 'conv-net', ratio: 0.5 });
    expect(claim.scratch).toMatchObject({ runner: 'scratch', group: 'conv-net', ratio: 0.4 });
    expect(claim.sentence).toBe(
      'With 10 labels, the best pretrained encoder (simclr linear-probe) keeps 50% of its 100-label accuracy; the same architecture from scratch keeps 40%.',
    );
    expect(claim.note).toContain('~80% with 500 examples');
    const large = centralClaim({
      ...dataset,
      centralClaim: { ...dataset.centralClaim, fewLabels: 500, allLabels: 4841 },
    });
    expect(large.sentence).toMatch(/^With 500 labels, .* of its 4,841-label accuracy;/);
  });

  it('says per budget whether self-supervision wins, naming runners as the table does', () => {
    expect(verdictSentences(dataset)).toEqual([
      '10 labels: self-supervision wins, simclr linear-probe 40.0% vs scratch full (vit) 25.0%.',
    ]);
    expect(verdictSentences({ ...dataset, verdicts: [] })).toEqual([]);
  });

  it('lists the compare groups that had not finished', () => {
    expect(unfinishedGroups(dataset)).toEqual([]);
    const partial = {
      ...dataset,
      groups: [
        ...dataset.groups,
        { group: 'conv-net-baselines', command: 'selfsup compare', unfinished: true, summary: [] },
      ],
    };
    expect(unfinishedGroups(partial)).toEqual(['conv-net-baselines']);
  });

  it('warns about smoke runs only, and captions date, machine and backend', () => {
    expect(smokeWarning(report)).toMatch(/^Smoke run: .*label budgets 10 and 100/);
    expect(smokeWarning({ ...report, smoke: false })).toBeNull();
    expect(gridCaption(report)).toBe(
      'Measured 2026-11-30 on AMD EPYC (2 cores, 24 GiB), linux x64, Node v20.20.2; tfjs backend wasm, CPU; 5 min in all.',
    );
    expect(gridCaption({ ...report, minutes: 570 })).toMatch(/; 9\.5 h in all\.$/);
    expect(gridCaption({ ...report, backends: ['wasm', 'js'] })).toContain(
      'tfjs backend wasm, CPU (pretraining backends: wasm, js);',
    );
  });
});
