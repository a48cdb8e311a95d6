import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { runCli, temporaryDirectory } from '../test/run-cli';

let directory: string;

/** A tiny causal Transformer (one block of 16 dimensions) on 200 names, windows of 16, batch 4. */
const tinyGpt = [
  '--data',
  'names',
  '--limit',
  '200',
  '--encoder-options',
  '{"layers":1,"heads":2,"embeddingSize":16}',
  '--batch-size',
  '4',
  '--steps',
  '4',
  '--checkpoint-every',
  '2',
  '--json',
];

type Result = { loss: number; step: number; workers: number; resumedFrom: string | null };

function lossesOf(run: string): number[] {
  return readFileSync(join(directory, run, 'metrics.jsonl'), 'utf8')
    .trim()
    .split('\n')
    .map((line) => (JSON.parse(line) as { loss: number }).loss);
}

function manifestWorkers(run: string, step: string): unknown {
  const manifest = JSON.parse(readFileSync(join(directory, run, step, 'selfsup.json'), 'utf8')) as {
    training?: { workers?: unknown };
  };
  return manifest.training?.workers;
}

beforeAll(() => {
  directory = temporaryDirectory();
  // The worker count from a config file (flags would work the same).
  writeFileSync(join(directory, 'gpt-2.yaml'), 'methodOptions:\n  blockSize: 16\nworkers: 2\n');
  writeFileSync(join(directory, 'gpt-1.yaml'), 'methodOptions:\n  blockSize: 16\n');
});

describe('selfsup pretrain --workers (built binary, data-parallel worker threads)', () => {
  it('gpt with 2 workers trains as 1 worker does, records the count, and resumes with it', async () => {
    const two = await runCli(
      ['pretrain', 'gpt', '--config', 'gpt-2.yaml', ...tinyGpt, '--out', 'gpt-2'],
      directory,
    );
    expect(two.code, two.stderr).toBe(0);
    expect(two.stderr).toContain('2 workers');
    const twoResult = JSON.parse(two.stdout) as Result;
    expect(twoResult).toMatchObject({ step: 4, workers: 2 });
    expect(manifestWorkers('gpt-2', 'step-00000004')).toBe(2);
    expect(JSON.parse(readFileSync(join(directory, 'gpt-2', 'run.json'), 'utf8')).workers).toBe(2);

    const one = await runCli(
      ['pretrain', 'gpt', '--config', 'gpt-1.yaml', ...tinyGpt, '--out', 'gpt-1'],
      directory,
    );
    expect(one.code, one.stderr).toBe(0);
    const oneResult = JSON.parse(one.stdout) as Result;
    expect(oneResult.workers).toBe(1);
    expect(manifestWorkers('gpt-1', 'step-00000004')).toBe(1);
    // The same computation up to float rounding: the averaged shard gradients are the batch's.
    const twoLosses = lossesOf('gpt-2');
    const oneLosses = lossesOf('gpt-1');
    expect(twoLosses).toHaveLength(4);
    for (const [index, loss] of twoLosses.entries()) {
      expect(Math.abs(loss - (oneLosses[index] as number)) / Math.abs(loss)).toBeLessThan(1e-5);
    }
    expect(oneLosses[3]).not.toBe(oneLosses[0]);

    // Resume from step 2 without --workers: the checkpoint's count (2), to the same final loss.
    rmSync(join(directory, 'gpt-2', 'step-00000004'), { recursive: true });
    const resumed = await runCli(
      ['pretrain', 'gpt', '--out', 'gpt-2', '--resume', '--json'],
      directory,
    );
    expect(resumed.code, resumed.stderr).toBe(0);
    expect(resumed.stderr).toContain('2 workers');
    const resumedResult = JSON.parse(resumed.stdout) as Result;
    expect(resumedResult).toMatchObject({ step: 4, workers: 2 });
    expect(resumedResult.resumedFrom).toContain('step-00000002');
    expect(resumedResult.loss).toBe(twoResult.loss);
    expect(manifestWorkers('gpt-2', 'step-00000004')).toBe(2);
  });

  it('refuses batch-coupled methods with the reason and the fix, before loading any data', async () => {
    const moco = await runCli(
      ['pretrain', 'moco', '--workers', '2', '--steps', '1', '--out', 'moco'],
      directory,
    );
    expect(moco.code).toBe(2);
    expect(moco.stderr).toContain('moco cannot train across worker threads');
    expect(moco.stderr).toContain('--workers 1');
    const simclrResNet = await runCli(
      [
        'pretrain',
        'simclr',
        '--encoder',
        'res-net',
        '--workers',
        '2',
        '--steps',
        '1',
        '--out',
        'simclr-res-net',
      ],
      directory,
    );
    expect(simclrResNet.code).toBe(2);
    expect(simclrResNet.stderr).toContain(
      "simclr with the 'res-net' encoder cannot train across worker threads",
    );
    expect(simclrResNet.stderr).toContain('--encoder conv-net');
    const word2vec = await runCli(
      ['pretrain', 'word2vec', '--workers', '2', '--out', 'word2vec'],
      directory,
    );
    expect(word2vec.code).toBe(2);
    expect(word2vec.stderr).toContain('own single-threaded trainer');
  });

  it('simclr with 2 workers (SyncBN conv-net, gathered negatives) trains and records the count', async () => {
    const run = await runCli(
      [
        'pretrain',
        'simclr',
        '--data',
        'mnist',
        '--limit',
        '64',
        '--encoder-options',
        '{"channels":[4],"outputSize":8}',
        '--batch-size',
        '8',
        '--steps',
        '3',
        '--workers',
        '2',
        '--json',
        '--out',
        'simclr-2',
      ],
      directory,
    );
    expect(run.code, run.stderr).toBe(0);
    const result = JSON.parse(run.stdout) as Result;
    expect(result).toMatchObject({ step: 3, workers: 2 });
    const losses = lossesOf('simclr-2');
    expect(losses).toHaveLength(3);
    // NT-Xent over the global batch of 8 images: 15 candidates per anchor, ln 15 ≈ 2.71 near
    // chance; a worker that kept its own 4 images only would sit near ln 7 ≈ 1.95.
    for (const loss of losses) expect(Math.abs(loss - Math.log(15))).toBeLessThan(0.35);
  });

  it('refuses a worker count below 1 and one that does not divide the batch size', async () => {
    const zero = await runCli(['pretrain', 'gpt', '--workers', '0', '--out', 'zero'], directory);
    expect(zero.code).toBe(2);
    expect(zero.stderr).toContain('--workers takes an integer ≥ 1');
    const uneven = await runCli(
      ['pretrain', 'gpt', '--workers', '3', '--batch-size', '4', '--out', 'uneven'],
      directory,
    );
    expect(uneven.code).toBe(2);
    expect(uneven.stderr).toContain('the batch size 4 does not split evenly across 3 workers');
    expect(uneven.stderr).toContain('--batch-size 3 or 6');
  });
});
