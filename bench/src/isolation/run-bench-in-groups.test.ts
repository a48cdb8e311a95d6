import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type BenchOptions, parseBenchArguments } from '../arguments/parse-bench-arguments';
import type { BenchReport } from '../report/bench-report';
import { bundleForTest } from '../testing/bundle-for-test';
import { testMachine } from '../testing/test-machine';
import { forkGroup, type RunGroup, runBenchInGroups } from './run-bench-in-groups';

// The forked process runs plain JavaScript: bundle group-process.ts from source (tfjs and core stay
// external, resolved from the bench's node_modules) into the git-ignored cache.
const directory = fileURLToPath(
  new URL(`../../.selfsup-cache/group-process-test-${process.pid}/`, import.meta.url),
);

/** A fake group runner: records each group's options, answers with an empty report, or throws. */
function fakeGroups(failing: readonly string[] = []): { run: RunGroup; asked: BenchOptions[] } {
  const asked: BenchOptions[] = [];
  const run: RunGroup = async (options) => {
    asked.push(options);
    if (options.workloads.some((name) => failing.includes(name)))
      throw new Error('its process ended (exit code 1) without a report\nstack');
    if (options.datasets && failing.includes('datasets')) throw new Error('out of memory');
    return {
      machine: testMachine(),
      settings: { ...options, backends: ['wasm'] },
      adapters: {},
      torch: { available: false, python: 'python3', reason: 'test' },
      matMulCeilings: { wasm: { size: 512, msPerProduct: 10, gflops: 26.8 } },
      skippedBackends: [],
      results: [],
    } satisfies BenchReport;
  };
  return { run, asked };
}

describe('runBenchInGroups', () => {
  beforeAll(async () => {
    await bundleForTest(
      { 'group-process': fileURLToPath(new URL('./group-process.ts', import.meta.url)) },
      directory,
    );
    mkdirSync(directory, { recursive: true });
    writeFileSync(`${directory}silent-exit.mjs`, 'process.exit(3);\n');
  }, 120_000);

  afterAll(() => rmSync(directory, { recursive: true, force: true }));

  it('runs each group, then the datasets group, each with its own options', async () => {
    const { run, asked } = fakeGroups();
    const options = parseBenchArguments(
      ['--workloads', 'gpt,bert,gpt-data-parallel,datasets', '--steps', '4'],
      {},
    );
    const lines: string[] = [];
    const report = await runBenchInGroups(options, (line) => lines.push(line), run);
    expect(asked.map((entry) => [entry.workloads, entry.datasets, entry.steps])).toEqual([
      [['gpt', 'gpt-data-parallel'], false, 4],
      [['bert'], false, 4],
      [[], true, 4],
    ]);
    expect(lines).toContain('group 1/3: gpt, gpt-data-parallel (own process)');
    expect(report.settings.isolation).toBe('groups');
    expect(report.settings.workloads).toEqual(['gpt', 'bert', 'gpt-data-parallel']);
  });

  it('turns a failed group into error rows and runs the rest; a failed datasets group throws', async () => {
    const { run, asked } = fakeGroups(['gpt']);
    const options = parseBenchArguments(['--workloads', 'gpt,bert', '--backend', 'wasm'], {});
    const report = await runBenchInGroups(options, () => {}, run);
    expect(asked).toHaveLength(2);
    expect(report.results.map((entry) => [entry.workload, entry.error])).toEqual([
      ['gpt', "the group's process failed: its process ended (exit code 1) without a report"],
    ]);
    const datasets = parseBenchArguments(['--workloads', 'datasets'], {});
    await expect(
      runBenchInGroups(datasets, () => {}, fakeGroups(['datasets']).run),
    ).rejects.toThrow("datasets: the group's process failed: out of memory");
  });

  it('forks a process that runs the group and sends its report back', async () => {
    const options = parseBenchArguments(
      [
        '--workloads',
        'encode-convnet',
        '--backend',
        'wasm',
        '--steps',
        '2',
        '--warmup',
        '0',
        '--no-torch',
        '--matmul-size',
        '64',
      ],
      {},
    );
    const lines: string[] = [];
    const report = await forkGroup(`${directory}group-process.js`)(
      { ...options, datasets: false },
      (line) => lines.push(line),
    );
    expect(report.results).toHaveLength(1);
    expect(report.results[0]).toMatchObject({ workload: 'encode-convnet', backend: 'wasm' });
    expect(report.results[0]!.throughput).toBeGreaterThan(0);
    expect(report.results[0]!.matMulCeilingGflops).toBeGreaterThan(0);
    expect(lines.some((line) => line.startsWith('[wasm] encode-convnet round 1/2'))).toBe(true);
  });

  it('rejects with the exit code when the process ends without a report', async () => {
    const options = parseBenchArguments(['--workloads', 'gpt'], {});
    await expect(forkGroup(`${directory}silent-exit.mjs`)(options, () => {})).rejects.toThrow(
      'its process ended (exit code 3) without a report',
    );
  });
});
