import { describe, expect, it } from 'vitest';
import { parseBenchArguments, UsageError } from './parse-bench-arguments';

describe('parseBenchArguments', () => {
  it('defaults to every workload, 10 timed steps after 40 warm-up steps, 5 rounds, PyTorch on', () => {
    const options = parseBenchArguments([], {});
    expect(options).toMatchObject({
      workloads: [
        'gpt',
        'gpt-batch-24',
        'simclr',
        'bert',
        'mae',
        'wavenet',
        'gpt-data-parallel',
        'gpt-data-parallel-per-worker-batch',
        'simclr-data-parallel',
        'generate',
        'generate-no-cache',
        'encode-convnet',
        'encode-transformer',
      ],
      datasets: true,
      datasetBatches: 10,
      backends: undefined,
      steps: 10,
      warmup: 40,
      rounds: 5,
      torch: true,
      python: '/usr/bin/python3',
      torchThreads: 2,
      json: undefined,
      inProcess: false,
    });
    expect(parseBenchArguments(['--in-process'], {}).inProcess).toBe(true);
  });

  it('reads every option, in both --flag value and --flag=value forms', () => {
    const options = parseBenchArguments(
      [
        '--workloads',
        'simclr',
        '--steps=12',
        '--warmup',
        '4',
        '--rounds',
        '3',
        '--backend',
        'wasm,cpu',
        '--no-torch',
        '--python',
        '/opt/py',
        '--torch-threads',
        '1',
        '--json',
        'out.json',
        '--seed',
        '7',
        '--matmul-size',
        '256',
      ],
      {},
    );
    expect(options).toMatchObject({
      workloads: ['simclr'],
      steps: 12,
      warmup: 4,
      rounds: 3,
      backends: ['wasm', 'cpu'],
      torch: false,
      python: '/opt/py',
      torchThreads: 1,
      json: 'out.json',
      seed: 7,
      matMulSize: 256,
      datasets: false,
    });
  });

  it('runs the datasets group alone or with a workload, with --dataset-batches timed batches', () => {
    expect(
      parseBenchArguments(['--workloads', 'datasets', '--dataset-batches', '4'], {}),
    ).toMatchObject({ workloads: [], datasets: true, datasetBatches: 4 });
    expect(parseBenchArguments(['--workloads=gpt,datasets'], {})).toMatchObject({
      workloads: ['gpt'],
      datasets: true,
    });
    expect(() => parseBenchArguments(['--dataset-batches', '0'], {})).toThrow(
      /--dataset-batches needs an integer ≥ 1, got '0'/,
    );
  });

  it('takes the Python from SELFSUP_PYTHON, and --json without a file means stdout', () => {
    expect(parseBenchArguments(['--json'], { SELFSUP_PYTHON: '/env/python' })).toMatchObject({
      python: '/env/python',
      json: '-',
    });
    expect(parseBenchArguments(['--json', '--no-torch'], {})).toMatchObject({
      json: '-',
      torch: false,
    });
  });

  it('--quick sets a smoke run, explicit flags win', () => {
    expect(parseBenchArguments(['--quick'], {})).toMatchObject({
      steps: 2,
      warmup: 1,
      rounds: 1,
      datasetBatches: 2,
    });
    expect(parseBenchArguments(['--steps', '6', '--quick'], {})).toMatchObject({
      steps: 6,
      warmup: 1,
    });
  });

  it('shrinks the default rounds to a short --steps, one step per round at least', () => {
    expect(parseBenchArguments(['--steps', '3'], {})).toMatchObject({ steps: 3, rounds: 3 });
    expect(parseBenchArguments(['--steps', '12'], {})).toMatchObject({ steps: 12, rounds: 5 });
  });

  it('names the bad argument and what is accepted', () => {
    const usage = (argv: string[]) => () => parseBenchArguments(argv, {});
    expect(usage(['--workloads', 'gpt,bart'])).toThrow(
      /--workloads takes a comma-separated list of gpt, gpt-batch-24, simclr, bert, .*, encode-transformer, datasets; got 'bart'/,
    );
    expect(usage(['--steps', '1'])).toThrow(/--steps needs an integer ≥ 2, got '1'/);
    expect(usage(['--steps'])).toThrow(/--steps needs a value/);
    expect(usage(['--rounds', '5', '--steps', '4'])).toThrow(
      /--rounds \(5\) cannot exceed --steps \(4\)/,
    );
    expect(usage(['--fast'])).toThrow(/Unknown argument '--fast'.*--help/);
    expect(usage(['--fast'])).toThrow(UsageError);
    expect(usage(['--backend', 'wasm,tensorflow'])).toThrow(
      /--backend takes a comma-separated list of .*wasm.*; got 'tensorflow'/,
    );
  });
});
