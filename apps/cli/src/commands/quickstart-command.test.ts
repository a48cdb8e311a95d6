import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { runCli, temporaryDirectory } from '../test/run-cli';

let directory: string;

/** SimCLR for 3 steps of 8 images on 2 workers (by default), then 10 labels × 3 seeds on 60 pool / 40 test images. */
function tiny(batchSize = '8', workers = '2'): string[] {
  return [
    'quickstart',
    '--steps',
    '3',
    '--batch-size',
    batchSize,
    '--workers',
    workers,
    '--labels',
    '10',
    '--pool-size',
    '60',
    '--test-size',
    '40',
    '--epochs',
    '1',
  ];
}

type Row = { run: number; runner: string; mode: string; seed: number; accuracy: number };

type SummaryEntry = {
  runner: string;
  mode: string;
  labelCount: number;
  metric: string;
  mean: number;
};

beforeAll(() => {
  directory = temporaryDirectory();
});

describe('selfsup quickstart (built binary)', () => {
  it('pretrains on 2 workers, compares pretrained and scratch over 3 seeds, writes results and charts', async () => {
    const run = await runCli([...tiny(), '--out', 'quick', '--json'], directory);
    expect(run.code, run.stderr).toBe(0);
    const result = JSON.parse(run.stdout) as {
      pretraining: { steps: number; finalLoss: number };
      summary: SummaryEntry[];
      rows: unknown[];
    };
    expect(result.pretraining.steps).toBe(3);
    expect(Number.isFinite(result.pretraining.finalLoss)).toBe(true);
    const accuracy = result.summary.filter((entry) => entry.metric === 'accuracy');
    expect(
      accuracy.map((entry) => `${entry.runner}/${entry.mode}@${entry.labelCount}`).sort(),
    ).toEqual(['pretrained/full@10', 'pretrained/linear-probe@10', 'scratch/full@10']);
    for (const entry of accuracy) expect(entry.mean).toBeGreaterThanOrEqual(0);
    expect(result.rows).toHaveLength(9);
    for (const file of [
      'results.json',
      'label-efficiency.svg',
      'label-efficiency.png',
      'pretraining-loss.svg',
      'pretraining-loss.png',
    ])
      expect(existsSync(join(directory, 'quick', file)), file).toBe(true);
    const manifest = JSON.parse(
      readFileSync(join(directory, 'quick', 'pretrain', 'step-00000003', 'selfsup.json'), 'utf8'),
    ) as { training?: { workers?: number } };
    expect(manifest.training?.workers).toBe(2);

    // The worker threads shared the study's runs; on the main thread (--workers 1) the same runs
    // come in the same order, and scratch (which pretraining does not touch) gives the same numbers.
    const single = await runCli([...tiny('8', '1'), '--out', 'single', '--json'], directory);
    expect(single.code, single.stderr).toBe(0);
    const singleRows = (JSON.parse(single.stdout) as { rows: Row[] }).rows;
    const sharedRows = result.rows as Row[];
    expect(singleRows.map((row) => row.run)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8]);
    expect(sharedRows.map((row) => [row.run, row.runner, row.mode, row.seed])).toEqual(
      singleRows.map((row) => [row.run, row.runner, row.mode, row.seed]),
    );
    const scratch = (rows: Row[]) =>
      rows.filter((row) => row.runner === 'scratch').map((row) => row.accuracy);
    expect(scratch(sharedRows)).toEqual(scratch(singleRows));
  }, 600_000);

  it('refuses a batch that does not split across the workers, and an existing run without --force (exit 2)', async () => {
    const uneven = await runCli([...tiny('7'), '--out', 'uneven'], directory);
    expect(uneven.code).toBe(2);
    expect(uneven.stderr).toMatch(
      /--batch-size 7 does not split evenly across 2 workers.*e\.g\. 8/,
    );
    expect(existsSync(join(directory, 'uneven'))).toBe(false);
    mkdirSync(join(directory, 'occupied'));
    writeFileSync(join(directory, 'occupied', 'results.json'), '{}');
    const occupied = await runCli([...tiny(), '--out', 'occupied'], directory);
    expect(occupied.code).toBe(2);
    expect(occupied.stderr).toMatch(/already holds files.*Pass --force/);
    expect(occupied.stderr).not.toMatch(/--resume/);
    expect(readFileSync(join(directory, 'occupied', 'results.json'), 'utf8')).toBe('{}');
  }, 120_000);
});
