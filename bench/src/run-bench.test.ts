import { describe, expect, it } from 'vitest';
import type { WorkloadResult } from './report/bench-report';
import { checkLoss, splitIntoRounds, withSpeedups } from './run-bench';
import { gptDataParallelWorkload } from './workloads/data-parallel-workloads';
import { gptWorkload } from './workloads/gpt-workload';

describe('splitIntoRounds', () => {
  it('splits the timed steps into near-equal rounds that add up', () => {
    for (const [steps, rounds] of [
      [10, 2],
      [10, 3],
      [11, 4],
      [5, 5],
      [7, 1],
    ] as const) {
      const sizes = splitIntoRounds(steps, rounds);
      expect(sizes).toHaveLength(rounds);
      expect(sizes.reduce((total, size) => total + size, 0)).toBe(steps);
      expect(Math.max(...sizes) - Math.min(...sizes)).toBeLessThanOrEqual(1);
    }
  });
});

describe('checkLoss', () => {
  it('passes a loss that falls, fails one that does not or is not finite', () => {
    expect(checkLoss([4.2, 4.3, 3.9])).toBe('fell');
    expect(checkLoss([4.2, 4.1, 4.2])).toBe('did not fall');
    expect(checkLoss([4.2, Number.NaN, 3.9])).toBe('not finite');
    expect(checkLoss([4.2, Number.POSITIVE_INFINITY])).toBe('not finite');
    expect(checkLoss([])).toBe('not finite');
  });
});

describe('withSpeedups', () => {
  const row = (workload: WorkloadResult['workload'], throughput?: number): WorkloadResult => ({
    workload,
    description: '',
    backend: 'wasm',
    threads: 1,
    unit: 'tokens',
    flopsPerStep: 1,
    stepTimesMs: [],
    losses: [],
    ...(throughput === undefined ? {} : { throughput }),
  });

  it('reports a data-parallel row against the one-thread workload it parallelizes', () => {
    const rows = withSpeedups(
      [row('gpt', 3000), row('gpt-data-parallel', 4500)],
      [gptWorkload, gptDataParallelWorkload],
    );
    expect(rows[1]?.speedupOverOneWorker).toBeCloseTo(1.5, 10);
    expect(rows[0]?.speedupOverOneWorker).toBeUndefined();
  });

  it('gives the speed-up of every round from the rounds’ median step times', () => {
    const timed = (
      workload: WorkloadResult['workload'],
      stepTimesMs: number[],
    ): WorkloadResult => ({
      ...row(workload, (768 * 1000) / stepTimesMs[0]!),
      stepTimesMs,
    });
    const rows = withSpeedups(
      [timed('gpt', [100, 120, 200, 210, 100]), timed('gpt-data-parallel', [50, 70, 100, 200, 80])],
      [gptWorkload, gptDataParallelWorkload],
      [2, 2, 1],
    );
    expect(rows[1]?.speedupByRound).toEqual([110 / 60, 205 / 150, 100 / 80]);
    // Rows that did not time every step of the rounds get no per-round figure.
    const short = withSpeedups(
      [timed('gpt', [100, 120]), timed('gpt-data-parallel', [50, 70, 100, 200, 80])],
      [gptWorkload, gptDataParallelWorkload],
      [2, 2, 1],
    );
    expect(short[1]?.speedupOverOneWorker).toBeDefined();
    expect(short[1]?.speedupByRound).toBeUndefined();
  });

  it('reports nothing when either one did not run', () => {
    expect(
      withSpeedups(
        [row('gpt'), row('gpt-data-parallel', 4500)],
        [gptWorkload, gptDataParallelWorkload],
      )[1]?.speedupOverOneWorker,
    ).toBeUndefined();
    expect(
      withSpeedups([row('gpt-data-parallel', 4500)], [gptDataParallelWorkload])[0]
        ?.speedupOverOneWorker,
    ).toBeUndefined();
  });
});
