import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { BenchReport, WorkloadResult } from '../report/bench-report';
import { testMachine } from '../testing/test-machine';
import type { WorkloadName } from '../workloads/workload';
import { formatComparison, parseCompareArguments } from './compare-command';
import { compareReports, normalisedThroughputs } from './compare-reports';
import { newestResults, readResultsFile } from './newest-results';
import { type RunWorkloads, runComparison } from './run-comparison';

/** A synthetic bench report: throughputs per workload on wasm, one matMul ceiling. */
function report(
  throughputs: Partial<Record<WorkloadName, number>>,
  ceilingGflops: number,
  date = '2026-11-29T21:00:00.000Z',
): BenchReport {
  const results: WorkloadResult[] = Object.entries(throughputs).map(([workload, throughput]) => ({
    workload: workload as WorkloadName,
    kind: 'training',
    description: workload,
    backend: 'wasm',
    threads: 1,
    unit: 'tokens',
    flopsPerStep: 1e9,
    stepTimesMs: [1],
    losses: [2, 1],
    msPerStep: 1000 / throughput,
    throughput,
  }));
  return {
    machine: testMachine(date),
    settings: { workloads: [], backends: ['wasm'], steps: 2, warmup: 1, rounds: 1, seed: 0 },
    adapters: {},
    torch: { available: false, python: 'python3', reason: 'test' },
    matMulCeilings: {
      wasm: { size: 512, msPerProduct: 268 / ceilingGflops, gflops: ceilingGflops },
    },
    skippedBackends: [],
    results,
  };
}

/** A fake bench: returns the queued reports in order and records what each run was asked. */
function fakeRuns(...reports: BenchReport[]): { run: RunWorkloads; asked: string[][] } {
  const asked: string[][] = [];
  return {
    asked,
    run: async (workloads) => {
      asked.push([...workloads]);
      const next = reports.shift();
      if (next === undefined) throw new Error('the fake bench ran more often than expected');
      return next;
    },
  };
}

const baseline = report({ gpt: 3000, bert: 2000 }, 20);

describe('the regression comparison', () => {
  const directory = mkdtempSync(join(tmpdir(), 'bench-compare-'));
  afterAll(() => rmSync(directory, { recursive: true, force: true }));

  it('normalises throughput by the same run’s matMul ceiling', () => {
    // A machine 20% slower overall (ceiling and throughput) is no regression.
    const { comparisons } = compareReports(baseline, report({ gpt: 2400, bert: 1600 }, 16));
    expect(comparisons.map((entry) => entry.regressed)).toEqual([false, false]);
    expect(comparisons[0]!.change).toBeCloseTo(0, 10);
    expect(normalisedThroughputs(baseline).get('gpt@wasm')?.normalised).toBe(150);
  });

  it('normalises a row by the ceiling of its own process when it has one', () => {
    const isolated = report({ gpt: 2400, bert: 2000 }, 20);
    const rows = isolated.results.map((row) =>
      row.workload === 'gpt' ? { ...row, matMulCeilingGflops: 16 } : row,
    );
    const normalised = normalisedThroughputs({ ...isolated, results: rows });
    expect(normalised.get('gpt@wasm')?.ceilingGflops).toBe(16);
    expect(normalised.get('gpt@wasm')?.normalised).toBe(150);
    expect(normalised.get('bert@wasm')?.ceilingGflops).toBe(20);
  });

  it('flags a 20% normalised drop that the re-run confirms, and fails outside CI', async () => {
    const slow = report({ gpt: 2400, bert: 2000 }, 20);
    const { run, asked } = fakeRuns(slow, report({ gpt: 2450 }, 20));
    const outcome = await runComparison(baseline, run, {});
    expect(asked).toEqual([['gpt', 'bert'], ['gpt']]);
    expect(outcome.runs).toBe(2);
    expect(outcome.regressions.map((entry) => entry.workload)).toEqual(['gpt']);
    expect(outcome.regressions[0]!.change).toBeCloseTo(2450 / 3000 - 1, 10);
    expect(outcome.exitCode).toBe(1);
    expect(formatComparison(outcome, 'baseline.json', false)).toMatch(/error: gpt on wasm/);
  });

  it('does not flag a 5% drop (no re-run needed)', async () => {
    const { run, asked } = fakeRuns(report({ gpt: 2850, bert: 1900 }, 20));
    const outcome = await runComparison(baseline, run);
    expect(asked).toHaveLength(1);
    expect(outcome.regressions).toEqual([]);
    expect(outcome.exitCode).toBe(0);
  });

  it('does not flag a drop that the re-run does not reproduce (noise)', async () => {
    const { run } = fakeRuns(report({ gpt: 2400, bert: 2000 }, 20), report({ gpt: 2990 }, 20));
    const outcome = await runComparison(baseline, run);
    expect(outcome.runs).toBe(2);
    expect(outcome.regressions).toEqual([]);
    expect(outcome.exitCode).toBe(0);
  });

  it('never fails in CI mode: a confirmed regression is a warning', async () => {
    const { run } = fakeRuns(
      report({ gpt: 1500, bert: 1000 }, 20),
      report({ gpt: 1500, bert: 1000 }, 20),
    );
    const outcome = await runComparison(baseline, run, { ci: true });
    expect(outcome.regressions).toHaveLength(2);
    expect(outcome.exitCode).toBe(0);
    const text = formatComparison(outcome, 'baseline.json', true);
    expect(text).toMatch(/warning: gpt on wasm: normalised throughput -50\.0%/);
    expect(text).not.toMatch(/error:/);
    expect(formatComparison(outcome, 'baseline.json', true, true)).toMatch(/^::warning::gpt/m);
  });

  it('reports baseline workloads the run did not measure, without flagging them', async () => {
    const { run } = fakeRuns(report({ gpt: 3000 }, 20));
    const outcome = await runComparison(baseline, run);
    expect(outcome.missing).toEqual(['bert@wasm']);
    expect(outcome.exitCode).toBe(0);
  });

  it('reads the newest results file by its run date, skipping files that are not bench reports', () => {
    writeFileSync(
      join(directory, 'b-old.json'),
      JSON.stringify(report({ gpt: 1 }, 20, '2026-11-28T10:00:00Z')),
    );
    writeFileSync(
      join(directory, 'a-new.json'),
      JSON.stringify(report({ gpt: 2 }, 20, '2026-11-29T10:00:00Z')),
    );
    writeFileSync(join(directory, 'c-broken.json'), '{ not json');
    writeFileSync(
      join(directory, 'd-datasets.json'),
      JSON.stringify({ ...report({}, 20, '2026-11-30T10:00:00Z') }),
    );
    expect(newestResults(directory)?.path).toBe(join(directory, 'a-new.json'));
    expect(newestResults(join(directory, 'absent'))).toBeUndefined();
    expect(() => readResultsFile(join(directory, 'c-broken.json'))).toThrow(/not readable JSON/);
  });

  it('parses the CI mode as a reduced run, and rejects bad options', () => {
    expect(parseCompareArguments(['--ci'])).toMatchObject({
      ci: true,
      steps: 3,
      warmup: 10,
      rounds: 1,
    });
    expect(parseCompareArguments([])).toMatchObject({
      ci: false,
      steps: 10,
      warmup: 40,
      rounds: 5,
      threshold: 0.1,
      reruns: 1,
    });
    expect(() => parseCompareArguments(['--threshold', '10'])).toThrow(/fraction/);
    expect(() => parseCompareArguments(['--workloads', 'nope'])).toThrow(/nope/);
  });
});
