import { describe, expect, it } from 'vitest';
import { parseBenchArguments } from '../arguments/parse-bench-arguments';
import type { BenchReport, WorkloadResult } from '../report/bench-report';
import { noReferenceReason } from '../run-bench';
import { testMachine } from '../testing/test-machine';
import type { WorkloadName } from '../workloads/workload';
import { mergeGroupReports } from './merge-group-reports';

const machine = testMachine('2026-12-02T09:00:00.000Z');

function row(workload: WorkloadName, backend: string, throughput: number): WorkloadResult {
  return {
    workload,
    kind: 'training',
    description: workload,
    backend,
    threads: 1,
    unit: 'tokens',
    flopsPerStep: 1e9,
    stepTimesMs: [1000 / throughput],
    losses: [2, 1],
    msPerStep: 1000 / throughput,
    throughput,
  };
}

/** One group's report: its rows on the given backends, a matMul ceiling per backend. */
function groupReport(
  rows: readonly WorkloadResult[],
  ceilingMs: Record<string, number>,
  torch: BenchReport['torch'] = { available: false, python: 'python3', reason: noReferenceReason },
): BenchReport {
  return {
    machine,
    settings: {
      workloads: [...new Set(rows.map((entry) => entry.workload))],
      backends: Object.keys(ceilingMs),
      steps: 2,
      warmup: 1,
      rounds: 1,
      seed: 0,
      isolation: 'none',
    },
    adapters: {},
    torch,
    matMulCeilings: Object.fromEntries(
      Object.entries(ceilingMs).map(([backend, ms]) => [
        backend,
        { size: 512, msPerProduct: ms, gflops: (2 * 512 ** 3) / (ms * 1e6) },
      ]),
    ),
    skippedBackends: [{ backend: 'node', reason: 'not installed' }],
    results: rows,
  };
}

describe('mergeGroupReports', () => {
  const options = parseBenchArguments(
    ['--workloads', 'gpt,simclr,gpt-data-parallel,bert', '--backend', 'wasm,cpu', '--steps', '2'],
    {},
  );

  it('orders the rows as one process would, by backend then workload, and takes the median ceiling', () => {
    const merged = mergeGroupReports({ options, machine, adapters: { matMul: 'core' } }, [
      {
        workloads: ['gpt', 'gpt-data-parallel'],
        report: groupReport(
          [
            row('gpt', 'wasm', 100),
            row('gpt-data-parallel', 'wasm', 160),
            row('gpt', 'cpu', 10),
            row('gpt-data-parallel', 'cpu', 16),
          ],
          { wasm: 10, cpu: 100 },
          { available: true, python: 'python3', version: '1.13.0' },
        ),
      },
      {
        workloads: ['simclr'],
        report: groupReport([row('simclr', 'wasm', 50), row('simclr', 'cpu', 5)], {
          wasm: 12,
          cpu: 90,
        }),
      },
      {
        workloads: ['bert'],
        report: groupReport([row('bert', 'wasm', 30), row('bert', 'cpu', 3)], {
          wasm: 20,
          cpu: 80,
        }),
      },
    ]);
    expect(merged.results.map((entry) => `${entry.workload}@${entry.backend}`)).toEqual([
      'gpt@wasm',
      'simclr@wasm',
      'gpt-data-parallel@wasm',
      'bert@wasm',
      'gpt@cpu',
      'simclr@cpu',
      'gpt-data-parallel@cpu',
      'bert@cpu',
    ]);
    expect(merged.matMulCeilings.wasm?.msPerProduct).toBe(12);
    expect(merged.matMulCeilings.cpu?.msPerProduct).toBe(90);
    expect(merged.matMulCeilings.wasm?.gflops).toBeCloseTo((2 * 512 ** 3) / 12e6, 10);
    expect(merged.torch).toEqual({ available: true, python: 'python3', version: '1.13.0' });
    expect(merged.settings).toMatchObject({ backends: ['wasm', 'cpu'], isolation: 'groups' });
    expect(merged.skippedBackends).toEqual([{ backend: 'node', reason: 'not installed' }]);
    expect(merged.adapters).toEqual({ matMul: 'core' });
    expect(merged.machine).toBe(machine);
  });

  it('turns a failed group into error rows on every backend that ran, and keeps the others', () => {
    const merged = mergeGroupReports({ options, machine, adapters: {} }, [
      { workloads: ['gpt', 'gpt-data-parallel'], error: 'its process ended (signal SIGKILL)' },
      {
        workloads: ['simclr'],
        report: groupReport([row('simclr', 'wasm', 50), row('simclr', 'cpu', 5)], {
          wasm: 12,
          cpu: 90,
        }),
      },
    ]);
    const failed = merged.results.filter((entry) => entry.error !== undefined);
    expect(failed.map((entry) => `${entry.workload}@${entry.backend}`)).toEqual([
      'gpt@wasm',
      'gpt-data-parallel@wasm',
      'gpt@cpu',
      'gpt-data-parallel@cpu',
    ]);
    expect(failed[1]).toMatchObject({ workers: 2, error: 'its process ended (signal SIGKILL)' });
    expect(merged.results.filter((entry) => entry.throughput !== undefined)).toHaveLength(2);
  });

  it('takes the datasets group from the report that has it; no report at all is an empty run', () => {
    const datasetsOnly = parseBenchArguments(['--workloads', 'datasets'], {});
    const datasets = { backend: 'wasm', results: [] } as unknown as NonNullable<
      BenchReport['datasets']
    >;
    const merged = mergeGroupReports({ options: datasetsOnly, machine, adapters: {} }, [
      { workloads: [], report: { ...groupReport([], {}), datasets } },
    ]);
    expect(merged.datasets).toBe(datasets);
    expect(merged.settings.backends).toEqual(['wasm']);
    const empty = mergeGroupReports({ options, machine, adapters: {} }, []);
    expect(empty.results).toEqual([]);
    expect(empty.torch).toMatchObject({ available: false, reason: noReferenceReason });
  });
});
