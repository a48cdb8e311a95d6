import { describe, expect, it } from 'vitest';
import { formatSummaryTable } from './format-summary-table';

describe('formatSummaryTable', () => {
  it('puts one label count per row and one runner/mode per column, in percent', () => {
    const entry = (
      runner: string,
      mode: string,
      labelCount: number,
      mean: number,
      std: number,
    ) => ({
      runner,
      mode,
      budget: labelCount,
      labelCount,
      metric: 'accuracy',
      mean,
      std,
      n: 3,
    });
    const table = formatSummaryTable([
      entry('pretrained', 'linear-probe', 1000, 0.9512, 0.004),
      entry('pretrained', 'linear-probe', 100, 0.8, 0.0123),
      entry('scratch', 'full', 100, 0.7, 0.05),
      { ...entry('scratch', 'full', 100, 0.1, 0.1), metric: 'macroF1' },
    ]);
    const lines = table.split('\n');
    expect(lines[0]).toMatch(/labels\s+pretrained \(linear-probe\)\s+scratch \(full\)/);
    expect(lines[2]).toMatch(/^\s*100\s+80\.0 ± 1\.2\s+70\.0 ± 5\.0$/);
    expect(lines[3]).toMatch(/^\s*1000\s+95\.1 ± 0\.4\s+—$/);
  });
});
