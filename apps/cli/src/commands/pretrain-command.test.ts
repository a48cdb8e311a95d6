import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { cliPath, runCli, startCli, temporaryDirectory, tinyPretrainFlags } from '../test/run-cli';

let directory: string;

beforeAll(() => {
  directory = temporaryDirectory();
});

function readJsonl(path: string): { step: number; loss: number }[] {
  return readFileSync(path, 'utf8')
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line) as { step: number; loss: number });
}

describe('selfsup pretrain (built binary)', () => {
  it('trains, checkpoints, writes metrics and prints one JSON document with --json', async () => {
    const run = await runCli(
      [
        'pretrain',
        'simclr',
        ...tinyPretrainFlags,
        '--steps',
        '4',
        '--out',
        'simclr',
        '--checkpoint-every',
        '2',
        '--json',
      ],
      directory,
    );
    expect(run.stderr).toContain('pretraining: simclr');
    expect(run.code).toBe(0);
    const result = JSON.parse(run.stdout) as {
      step: number;
      method: string;
      checkpoint: string;
      loss: number;
    };
    expect(result).toMatchObject({ step: 4, method: 'simclr' });
    expect(Number.isFinite(result.loss)).toBe(true);
    expect(
      readdirSync(join(directory, 'simclr'))
        .filter((name) => name.startsWith('step-'))
        .sort(),
    ).toEqual(['step-00000002', 'step-00000004']);
    const metrics = readJsonl(join(directory, 'simclr', 'metrics.jsonl'));
    expect(metrics.map((record) => record.step)).toEqual([1, 2, 3, 4]);
    expect(readFileSync(join(directory, 'simclr', 'metrics.csv'), 'utf8').split('\n')[0]).toContain(
      'loss',
    );
    // The loss curve, from @selfsup/charts' spec, as SVG and PNG.
    expect(readFileSync(join(directory, 'simclr', 'loss.svg'), 'utf8')).toMatch(
      /^<svg[\s\S]*<\/svg>\s*$/,
    );
    expect(
      readFileSync(join(directory, 'simclr', 'loss.png'))
        .subarray(1, 4)
        .toString('latin1'),
    ).toBe('PNG');
    const manifest = JSON.parse(
      readFileSync(join(directory, 'simclr', 'step-00000004', 'selfsup.json'), 'utf8'),
    ) as { method: string; step: number };
    expect(manifest).toMatchObject({ method: 'simclr', step: 4 });
  });

  it('never overwrites an output directory silently; --force replaces it', async () => {
    const refused = await runCli(
      ['pretrain', 'simclr', ...tinyPretrainFlags, '--steps', '1', '--out', 'simclr'],
      directory,
    );
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/--out simclr already holds files.*--resume.*--force/);
    const forced = await runCli(
      [
        'pretrain',
        'simclr',
        ...tinyPretrainFlags,
        '--steps',
        '1',
        '--out',
        'simclr',
        '--force',
        '--quiet',
      ],
      directory,
    );
    expect(forced.code).toBe(0);
    expect(readJsonl(join(directory, 'simclr', 'metrics.jsonl'))).toHaveLength(1);
  });

  it('stops cleanly on SIGINT with a checkpoint, and --resume completes the run', async () => {
    const started = startCli(
      ['pretrain', 'rotation', ...tinyPretrainFlags, '--steps', '200', '--out', 'interrupted'],
      directory,
    );
    await new Promise<void>((resolve, reject) => {
      const timer = setInterval(() => {
        if (/rotation 20\/200/.test(started.stderr())) {
          clearInterval(timer);
          started.child.kill('SIGINT');
          resolve();
        }
        if (started.child.exitCode !== null) {
          clearInterval(timer);
          reject(new Error(`exited early: ${started.stderr()}`));
        }
      }, 50);
    });
    const interrupted = await started.done;
    expect(interrupted.code).toBe(130);
    expect(interrupted.stderr).toMatch(
      /interrupted after step \d+; checkpoint interrupted\/step-\d{8}/,
    );
    expect(interrupted.stderr).toContain('selfsup pretrain rotation --out interrupted --resume');
    const saved = readdirSync(join(directory, 'interrupted')).filter((name) =>
      name.startsWith('step-'),
    );
    expect(saved).toHaveLength(1);
    const stoppedAt = Number(saved[0]!.slice(5));
    expect(stoppedAt).toBeGreaterThanOrEqual(20);
    expect(stoppedAt).toBeLessThan(200);

    const resumed = await runCli(
      ['pretrain', 'rotation', '--out', 'interrupted', '--resume', '--json'],
      directory,
    );
    expect(resumed.code).toBe(0);
    const result = JSON.parse(resumed.stdout) as {
      step: number;
      stepsRun: number;
      resumedFrom: string;
    };
    expect(result.step).toBe(200);
    expect(result.stepsRun).toBe(200 - stoppedAt);
    expect(result.resumedFrom).toContain(saved[0]);
    const steps = readJsonl(join(directory, 'interrupted', 'metrics.jsonl')).map(
      (record) => record.step,
    );
    expect(steps).toEqual(Array.from({ length: 200 }, (_, index) => index + 1));
  });

  it('refuses to resume a run of another method, naming both', async () => {
    const run = await runCli(['pretrain', 'simclr', '--out', 'interrupted', '--resume'], directory);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/method 'rotation', but the command says 'simclr'/);
  });

  it('refuses a checkpoint written by another format version', async () => {
    const run = await runCli(
      ['pretrain', 'simclr', ...tinyPretrainFlags, '--steps', '1', '--out', 'versioned', '--quiet'],
      directory,
    );
    expect(run.code).toBe(0);
    const manifestPath = join(directory, 'versioned', 'step-00000001', 'selfsup.json');
    const manifest = JSON.parse(readFileSync(manifestPath, 'utf8')) as Record<string, unknown>;
    writeFileSync(manifestPath, JSON.stringify({ ...manifest, formatVersion: 99 }));
    const resumed = await runCli(
      ['pretrain', 'simclr', '--out', 'versioned', '--resume', '--steps', '2'],
      directory,
    );
    expect(resumed.code).toBe(2);
    expect(resumed.stderr).toMatch(/format version 99.*Upgrade @selfsup\/core/);
  });

  it('lists the methods for an unknown one', async () => {
    const run = await runCli(['pretrain', 'byol'], directory);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/Unknown method 'byol'\. Methods: simclr .*; rotation /);
  });

  it('names a missing dataset path, an unknown dataset and a non-image dataset', async () => {
    const [missing, unknown, text] = await Promise.all([
      runCli(['pretrain', 'simclr', '--data', './no-such-folder'], directory),
      runCli(['pretrain', 'simclr', '--data', 'imagenet'], directory),
      runCli(['pretrain', 'rotation', '--data', 'moby-dick'], directory),
    ]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/--data \.\/no-such-folder: no such file or folder/);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/Unknown dataset 'imagenet'\. Datasets: mnist, fashion-mnist/);
    expect(text.code).toBe(2);
    expect(text.stderr).toMatch(/moby-dick is a text dataset, but rotation needs images/);
  });

  it('validates the config file with the path of each bad value, refuses unknown keys, and lets flags win', async () => {
    writeFileSync(join(directory, 'bad-value.yaml'), 'steps: 2\nbatchSize: -3\n');
    writeFileSync(
      join(directory, 'unknown-key.json'),
      JSON.stringify({ steps: 2, learning_rate: 0.1 }),
    );
    writeFileSync(join(directory, 'nested.yaml'), 'methodOptions:\n  temperature: hot\n');
    const [badValue, unknownKey, nested] = await Promise.all([
      runCli(['pretrain', 'simclr', '--config', 'bad-value.yaml'], directory),
      runCli(['pretrain', 'simclr', '--config', 'unknown-key.json'], directory),
      runCli(
        ['pretrain', 'simclr', '--config', 'nested.yaml', '--limit', '64', '--out', 'nested'],
        directory,
      ),
    ]);
    expect(badValue.code).toBe(2);
    expect(badValue.stderr).toMatch(/--config bad-value\.yaml: batchSize: .*>0/);
    expect(unknownKey.code).toBe(2);
    expect(unknownKey.stderr).toMatch(/unknown key 'learning_rate'/);
    expect(nested.code).toBe(2);
    expect(nested.stderr).toMatch(/methodOptions of 'simclr': temperature: /);

    writeFileSync(
      join(directory, 'good.yaml'),
      'data: mnist\nlimit: 128\nbatchSize: 8\nsteps: 5\nencoderOptions:\n  channels: [4]\n  outputSize: 8\nout: from-config\n',
    );
    const good = await runCli(
      ['pretrain', 'rotation', '--config', 'good.yaml', '--steps', '2', '--json'],
      directory,
    );
    expect(good.code).toBe(0);
    expect(JSON.parse(good.stdout)).toMatchObject({ step: 2, out: 'from-config' });
    const saved = JSON.parse(
      readFileSync(join(directory, 'from-config', 'run.json'), 'utf8'),
    ) as Record<string, unknown>;
    expect(saved).toMatchObject({
      steps: 2,
      batchSize: 8,
      limit: 128,
      encoderOptions: { channels: [4], outputSize: 8 },
    });
  });

  it('names bad flag values and unknown flags', async () => {
    const [steps, unknown, encoder] = await Promise.all([
      runCli(['pretrain', 'simclr', '--steps', '0'], directory),
      runCli(['pretrain', 'simclr', '--stepz', '3'], directory),
      runCli(
        ['pretrain', 'simclr', '--encoder', 'alexnet', '--limit', '64', '--out', 'alexnet'],
        directory,
      ),
    ]);
    expect(steps.code).toBe(2);
    expect(steps.stderr).toMatch(/--steps takes an integer ≥ 1, got '0'/);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/Unknown option `--stepz`/);
    expect(encoder.code).toBe(2);
    expect(encoder.stderr).toMatch(/Unknown encoder 'alexnet'\. Encoders: mlp, conv-net/);
  });

  it('draws a progress bar with step, loss, throughput and ETA under a terminal', () => {
    const command = [
      process.execPath,
      cliPath,
      'pretrain',
      'rotation',
      '--limit',
      '128',
      '--batch-size',
      '8',
      '--steps',
      '3',
      '--encoder-options',
      `'{"channels":[4],"outputSize":8}'`,
      '--out',
      'terminal',
    ].join(' ');
    const transcript = execFileSync('script', ['-qfec', command, '/dev/null'], {
      cwd: directory,
      env: { ...process.env, SELFSUP_BACKEND: 'wasm' },
      encoding: 'utf8',
    });
    expect(transcript).toMatch(/rotation \|[^|]*\| step 3\/3 \| loss \d+\.\d+ \| \d+ ex\/s \| ETA/);
    expect(existsSync(join(directory, 'terminal', 'step-00000003'))).toBe(true);
  });
});

describe('selfsup pretrain moco (built binary)', () => {
  it('trains MoCo when @selfsup/contrastive has it, else says to rebuild it', async () => {
    writeFileSync(join(directory, 'moco.yaml'), 'methodOptions:\n  queueSize: 64\n');
    const contrastive = (await import('@selfsup/contrastive')) as Record<string, unknown>;
    const run = await runCli(
      [
        'pretrain',
        'moco',
        ...tinyPretrainFlags,
        '--steps',
        '2',
        '--out',
        'moco',
        '--config',
        'moco.yaml',
        '--json',
      ],
      directory,
    );
    if (typeof contrastive.createMoco === 'function') {
      expect(run.code, run.stderr).toBe(0);
      expect(JSON.parse(run.stdout)).toMatchObject({ method: 'moco', step: 2 });
    } else {
      expect(run.code).toBe(1);
      expect(run.stderr).toMatch(/has no createMoco: rebuild it/);
    }
  });
});
