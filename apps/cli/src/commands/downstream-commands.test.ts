import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { runCli, temporaryDirectory, tinyPretrainFlags } from '../test/run-cli';

let directory: string;

beforeAll(async () => {
  directory = temporaryDirectory();
  const run = await runCli(
    ['pretrain', 'simclr', ...tinyPretrainFlags, '--steps', '3', '--out', 'simclr', '--quiet'],
    directory,
  );
  expect(run.code, run.stderr).toBe(0);
  const rotation = await runCli(
    ['pretrain', 'rotation', ...tinyPretrainFlags, '--steps', '2', '--out', 'rotation', '--quiet'],
    directory,
  );
  expect(rotation.code, rotation.stderr).toBe(0);
});

type Report = {
  mode: string;
  labelCount: number;
  testCount: number;
  method: string;
  report: { task: string; accuracy: number; confusionMatrix: number[][] };
};

describe('downstream commands (built binary)', () => {
  it('finetune: linear probe on a stratified label subset, JSON on stdout and in --out', async () => {
    const run = await runCli(
      [
        'finetune',
        'simclr',
        '--labels',
        '20',
        '--pool-size',
        '200',
        '--test-size',
        '50',
        '--epochs',
        '2',
        '--json',
        '--out',
        'finetune.json',
      ],
      directory,
    );
    expect(run.code, run.stderr).toBe(0);
    const result = JSON.parse(run.stdout) as Report;
    expect(result).toMatchObject({
      mode: 'linear-probe',
      labelCount: 20,
      testCount: 50,
      method: 'simclr',
    });
    expect(result.report.accuracy).toBeGreaterThanOrEqual(0);
    expect(result.report.accuracy).toBeLessThanOrEqual(1);
    expect(JSON.parse(readFileSync(join(directory, 'finetune.json'), 'utf8'))).toEqual(result);
    const again = await runCli(
      ['finetune', 'simclr', '--labels', '20', '--out', 'finetune.json'],
      directory,
    );
    expect(again.code).toBe(2);
    expect(again.stderr).toMatch(/finetune\.json already exists: pass --force/);
  });

  it('finetune: names a bad mode, a budget below the class count and a missing checkpoint', async () => {
    const [mode, budget, missing] = await Promise.all([
      runCli(['finetune', 'simclr', '--mode', 'linear'], directory),
      runCli(
        ['finetune', 'simclr', '--labels', '5', '--pool-size', '100', '--test-size', '10'],
        directory,
      ),
      runCli(['finetune', 'no-such-run'], directory),
    ]);
    expect(mode.code).toBe(2);
    expect(mode.stderr).toMatch(/--mode takes one of linear-probe, full, knn, got 'linear'/);
    expect(budget.code).toBe(2);
    expect(budget.stderr).toMatch(/--labels 5: .*10 classes/);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/no-such-run: no such checkpoint/);
  });

  it('evaluate: kNN on the whole pool with a per-class report', async () => {
    const run = await runCli(
      ['evaluate', 'rotation', '--pool-size', '200', '--test-size', '50', '--quiet'],
      directory,
    );
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toMatch(
      /rotation-prediction checkpoint, step 2: knn on 200 labels of mnist: accuracy \d+\.\d%/,
    );
    expect(run.stdout).toMatch(/^seven\s+\d\.\d{3}/m);
    const json = await runCli(
      ['evaluate', 'rotation', '--pool-size', '200', '--test-size', '50', '--json'],
      directory,
    );
    const result = JSON.parse(json.stdout) as Report;
    expect(result.report.confusionMatrix).toHaveLength(10);
  });

  it('compare: pretrained vs scratch over budgets and seeds, results as JSON and CSV', async () => {
    const run = await runCli(
      [
        'compare',
        'simclr',
        'rotation',
        '--paradigms',
        'linear-probe,knn,scratch,pca,k-means',
        '--labels',
        '10,20',
        '--seeds',
        '0,1,2',
        '--pool-size',
        '100',
        '--test-size',
        '40',
        '--epochs',
        '1',
        '--minimum-steps',
        '1',
        '--out',
        'compare',
        '--json',
      ],
      directory,
    );
    expect(run.code, run.stderr).toBe(0);
    const result = JSON.parse(run.stdout) as {
      rows: { runner: string; mode: string; labelCount: number }[];
      summary: { runner: string; mode: string; metric: string; n: number }[];
      files: string[];
    };
    // 2 budgets × 3 seeds × (2 checkpoints × 2 modes + scratch + PCA probe + k-means).
    expect(result.rows).toHaveLength(2 * 3 * 7);
    expect(new Set(result.rows.map((row) => `${row.runner}/${row.mode}`))).toEqual(
      new Set([
        'simclr/linear-probe',
        'simclr/knn',
        'rotation-prediction/linear-probe',
        'rotation-prediction/knn',
        'scratch/full',
        'pca/linear-probe',
        'k-means/cluster-then-label',
      ]),
    );
    expect(
      result.summary.filter((entry) => entry.metric === 'accuracy').every((entry) => entry.n === 3),
    ).toBe(true);
    const csv = readFileSync(join(directory, 'compare', 'results.csv'), 'utf8')
      .trim()
      .split('\n');
    expect(csv[0]).toBe('runner,mode,budget,labelCount,seed,accuracy,macroF1,epochsTrained');
    expect(csv).toHaveLength(1 + 42);
    expect(existsSync(join(directory, 'compare', 'results.json'))).toBe(true);
    expect(result.files).toContain(join('compare', 'label-efficiency.svg'));
    expect(
      readFileSync(join(directory, 'compare', 'label-efficiency.png'))
        .subarray(1, 4)
        .toString('latin1'),
    ).toBe('PNG');
  });

  it('compare: refuses fewer than 3 seeds and unknown paradigms', async () => {
    const [seeds, paradigm] = await Promise.all([
      runCli(['compare', 'simclr', '--seeds', '0,1'], directory),
      runCli(['compare', 'simclr', '--paradigms', 'probe'], directory),
    ]);
    expect(seeds.code).toBe(2);
    expect(seeds.stderr).toMatch(/--seeds needs at least 3 seeds/);
    expect(paradigm.code).toBe(2);
    expect(paradigm.stderr).toMatch(
      /--paradigms takes .*linear-probe, full, knn, scratch, supervised, pca, k-means, gaussian-mixture, pseudo-label, fixmatch, mixmatch \(or all\), got 'probe'/,
    );
  });

  it('embed: writes .npy (with labels), CSV and JSON', async () => {
    const npy = await runCli(
      ['embed', 'simclr', '--limit', '30', '--out', 'embeddings.npy', '--json'],
      directory,
    );
    expect(npy.code, npy.stderr).toBe(0);
    expect(JSON.parse(npy.stdout)).toMatchObject({ rows: 30, dimension: 16, format: 'npy' });
    const bytes = readFileSync(join(directory, 'embeddings.npy'));
    expect(bytes.subarray(0, 6).toString('latin1')).toBe('\x93NUMPY');
    const headerLength = bytes.readUInt16LE(8);
    expect((10 + headerLength) % 64).toBe(0);
    expect(bytes.subarray(10, 10 + headerLength).toString('latin1')).toContain("'shape': (30, 16)");
    expect(bytes.length).toBe(10 + headerLength + 30 * 16 * 4);
    expect(
      readFileSync(join(directory, 'embeddings.labels.npy')).subarray(10, 74).toString('latin1'),
    ).toContain("'<i4'");

    const csv = await runCli(
      ['embed', 'simclr', '--limit', '5', '--out', 'embeddings.csv', '--quiet'],
      directory,
    );
    expect(csv.code, csv.stderr).toBe(0);
    const lines = readFileSync(join(directory, 'embeddings.csv'), 'utf8').trim().split('\n');
    expect(lines).toHaveLength(6);
    expect(lines[0]?.startsWith('label,d0,d1')).toBe(true);

    const json = await runCli(
      [
        'embed',
        'simclr',
        '--limit',
        '5',
        '--split',
        'train',
        '--out',
        'embeddings.json',
        '--quiet',
      ],
      directory,
    );
    expect(json.code, json.stderr).toBe(0);
    const document = JSON.parse(readFileSync(join(directory, 'embeddings.json'), 'utf8')) as {
      shape: number[];
      labels: number[];
    };
    expect(document.shape).toEqual([5, 16]);
    expect(document.labels).toHaveLength(5);

    const format = await runCli(['embed', 'simclr', '--out', 'embeddings.parquet'], directory);
    expect(format.code).toBe(2);
    expect(format.stderr).toMatch(/takes one of json, csv, npy, got 'parquet'/);
  });

  it('project: a PCA projection coloured by label', async () => {
    const run = await runCli(
      ['project', 'simclr', '--limit', '40', '--out', 'projection', '--json'],
      directory,
    );
    expect(run.code, run.stderr).toBe(0);
    const summary = JSON.parse(run.stdout) as {
      method: string;
      rows: number;
      explainedVariance: number[];
    };
    expect(summary).toMatchObject({ method: 'pca', rows: 40 });
    const [first, second] = summary.explainedVariance;
    expect(first! + second!).toBeLessThanOrEqual(1 + 1e-6);
    expect(first!).toBeGreaterThanOrEqual(second!);
    const projection = JSON.parse(
      readFileSync(join(directory, 'projection', 'projection.json'), 'utf8'),
    ) as {
      points: { x: number; y: number; label: string }[];
    };
    expect(projection.points).toHaveLength(40);
    expect(projection.points[0]?.label).toBe('seven');
    expect(readFileSync(join(directory, 'projection', 'projection.svg'), 'utf8')).toContain('<svg');
    expect(existsSync(join(directory, 'projection', 'projection.png'))).toBe(true);
  });

  it('zero-shot: pretrains a tiny CLIP, then classifies by prompts (accuracy and predicted labels)', async () => {
    const pretrained = await runCli(
      ['pretrain', 'clip', ...tinyPretrainFlags, '--steps', '2', '--out', 'clip', '--quiet'],
      directory,
    );
    expect(pretrained.code, pretrained.stderr).toBe(0);
    expect(existsSync(join(directory, 'clip', 'tokenizer.json'))).toBe(true);
    const [ensemble, custom, badTemplate, wrongCount] = await Promise.all([
      runCli(['zero-shot', 'clip', '--limit', '20', '--json'], directory),
      runCli(
        [
          'zero-shot',
          'clip/step-00000002',
          '--limit',
          '10',
          '--predictions',
          '--json',
          '--classes',
          'zero,one,two,three,four,five,six,seven,eight,nine',
          '--templates',
          'a photo of the number {}.|{}',
        ],
        directory,
      ),
      runCli(['zero-shot', 'clip', '--templates', 'a photo'], directory),
      runCli(['zero-shot', 'clip', '--classes', 'cat,dog', '--limit', '5'], directory),
    ]);
    expect(ensemble.code, ensemble.stderr).toBe(0);
    const result = JSON.parse(ensemble.stdout) as {
      accuracy: number;
      count: number;
      classes: string[];
    };
    expect(result.count).toBe(20);
    expect(result.classes).toHaveLength(10);
    expect(result.accuracy).toBeGreaterThanOrEqual(0);
    expect(result.accuracy).toBeLessThanOrEqual(1);
    expect(custom.code, custom.stderr).toBe(0);
    const predicted = JSON.parse(custom.stdout) as { predictions: string[] };
    expect(predicted.predictions).toHaveLength(10);
    expect(predicted.predictions.every((name) => name.length > 0 && !/\d/.test(name))).toBe(true);
    expect(badTemplate.code).toBe(2);
    expect(badTemplate.stderr).toMatch(/every template needs \{\}/);
    expect(wrongCount.code).toBe(2);
    expect(wrongCount.stderr).toMatch(/--classes has 2 names but captioned-mnist has 10 classes/);
  });

  it('zero-shot: refuses a checkpoint that is not CLIP, naming its method', async () => {
    const run = await runCli(['zero-shot', 'simclr'], directory);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/written by method 'simclr', but zero-shot needs a CLIP checkpoint/);
  });
});
