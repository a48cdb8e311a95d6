import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { runCli, temporaryDirectory } from '../test/run-cli';

let directory: string;

/** Tiny CPC settings: 0.5 s clips (the generator's shortest, 24 latent steps), 4 clips per step. */
const tinyCpcFlags = ['--batch-size', '4', '--config', 'cpc.json'];

type Report = {
  method: string;
  data: string;
  mode: string;
  labelCount: number;
  testCount: number;
  classNames: string[];
  report: { task: string; accuracy: number; confusionMatrix: number[][] };
};

beforeAll(() => {
  directory = temporaryDirectory();
  writeFileSync(
    join(directory, 'cpc.json'),
    JSON.stringify({ methodOptions: { clipSeconds: 0.5, predictionSteps: 4 } }),
  );
});

describe('selfsup pretrain cpc and the downstream commands on audio (built binary)', () => {
  it('pretrains CPC on synthetic-audio with its default encoder and checkpoints it', async () => {
    const run = await runCli(
      ['pretrain', 'cpc', ...tinyCpcFlags, '--steps', '3', '--out', 'cpc', '--json'],
      directory,
    );
    expect(run.code, run.stderr).toBe(0);
    expect(run.stderr).toContain('pretraining: cpc');
    const result = JSON.parse(run.stdout) as { step: number; method: string; loss: number };
    expect(result).toMatchObject({ step: 3, method: 'cpc' });
    expect(Number.isFinite(result.loss)).toBe(true);
    const manifest = JSON.parse(
      readFileSync(join(directory, 'cpc', 'step-00000003', 'selfsup.json'), 'utf8'),
    ) as {
      method: string;
      dataset: { id: string; sampleRate: number; duration: number };
      encoder: {
        type: string;
        config: { contextUnits: number; representation: string; pooling: string };
      };
    };
    expect(manifest.method).toBe('cpc');
    expect(manifest.dataset).toMatchObject({
      id: 'synthetic-audio',
      sampleRate: 8000,
      duration: 0.5,
    });
    // The acceptance run's encoder: 64 context units, mean-max pooling of [c_t, z_t].
    expect(manifest.encoder).toMatchObject({
      type: 'cpc',
      config: { contextUnits: 64, representation: 'context-and-latent', pooling: 'mean-max' },
    });
  });

  it('pretrains CPC on 2 workers with the losses of 1 worker (InfoNCE over the gathered latents)', async () => {
    const losses = async (workers: string): Promise<number[]> => {
      const out = `cpc-workers-${workers}`;
      const run = await runCli(
        ['pretrain', 'cpc', ...tinyCpcFlags, '--steps', '3', '--workers', workers, '--out', out],
        directory,
      );
      expect(run.code, run.stderr).toBe(0);
      return readFileSync(join(directory, out, 'metrics.jsonl'), 'utf8')
        .trim()
        .split('\n')
        .map((line) => (JSON.parse(line) as { loss: number }).loss);
    };
    const two = await losses('2');
    const one = await losses('1');
    expect(two).toHaveLength(3);
    for (const [index, loss] of two.entries()) {
      expect(Math.abs(loss - (one[index] as number)) / Math.abs(loss)).toBeLessThan(1e-5);
    }
    expect(one[2]).not.toBe(one[0]);
  });

  it('finetune: a linear probe on 80 labels of synthetic-audio, evaluated on its test clips', async () => {
    const run = await runCli(
      [
        'finetune',
        'cpc',
        '--mode',
        'linear-probe',
        '--labels',
        '80',
        '--data',
        'synthetic-audio',
        '--pool-size',
        '160',
        '--test-size',
        '64',
        '--epochs',
        '3',
        '--json',
      ],
      directory,
    );
    expect(run.code, run.stderr).toBe(0);
    const result = JSON.parse(run.stdout) as Report;
    expect(result).toMatchObject({
      method: 'cpc',
      data: 'synthetic-audio',
      mode: 'linear-probe',
      labelCount: 80,
      testCount: 64,
    });
    expect(result.classNames).toHaveLength(8);
    expect(result.report.accuracy).toBeGreaterThanOrEqual(0);
    expect(result.report.accuracy).toBeLessThanOrEqual(1);
    expect(result.report.confusionMatrix).toHaveLength(8);
  });

  it('evaluate: kNN on the pretrained features, the data taken from the checkpoint', async () => {
    const run = await runCli(
      ['evaluate', 'cpc', '--pool-size', '80', '--test-size', '40', '--json'],
      directory,
    );
    expect(run.code, run.stderr).toBe(0);
    const result = JSON.parse(run.stdout) as Report;
    expect(result).toMatchObject({ data: 'synthetic-audio', mode: 'knn', testCount: 40 });
    expect(result.report.accuracy).toBeGreaterThanOrEqual(0);
    expect(result.report.accuracy).toBeLessThanOrEqual(1);
  });

  it('embed: encodes labeled clips into the pooled CPC representation', async () => {
    const run = await runCli(
      ['embed', 'cpc', '--limit', '16', '--out', 'clips.json', '--json'],
      directory,
    );
    expect(run.code, run.stderr).toBe(0);
    // Mean and maximum over time of [c_t, z_t] (64 context units + 64 latent channels): 256.
    expect(JSON.parse(run.stdout)).toMatchObject({ rows: 16, dimension: 256 });
  });

  it('compare: reloads the CPC encoder for every seed (its factory comes from the method)', async () => {
    const run = await runCli(
      [
        'compare',
        'cpc',
        '--labels',
        '16',
        '--seeds',
        '0,1,2',
        '--pool-size',
        '32',
        '--test-size',
        '16',
        '--paradigms',
        'linear-probe',
        '--epochs',
        '1',
        '--out',
        'compare',
        '--quiet',
      ],
      directory,
    );
    expect(run.code, run.stderr).toBe(0);
    const results = JSON.parse(
      readFileSync(join(directory, 'compare', 'results.json'), 'utf8'),
    ) as { data: string; rows: { runner: string; seed: number; accuracy: number }[] };
    expect(results.data).toBe('synthetic-audio');
    expect(results.rows.map((row) => [row.runner, row.seed])).toEqual([
      ['cpc', 0],
      ['cpc', 1],
      ['cpc', 2],
    ]);
    for (const row of results.rows) {
      expect(row.accuracy).toBeGreaterThanOrEqual(0);
      expect(row.accuracy).toBeLessThanOrEqual(1);
    }
  });

  it('refuses image data for cpc, naming the modality mismatch and the audio dataset', async () => {
    const run = await runCli(
      ['pretrain', 'cpc', '--data', 'mnist', '--steps', '1', '--out', 'mnist'],
      directory,
    );
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/mnist is an image dataset.*cpc needs audio.*modality mismatch/);
    expect(run.stderr).toContain('use synthetic-audio');
  });
});
