import { describe, expect, it } from 'vitest';
import type { BenchReport, WorkloadResult } from './bench-report';
import { formatMilliseconds, formatResultsTable } from './format-results-table';

const machine = {
  cpuModel: 'Test CPU',
  cores: 2,
  loadAverage: 1.5,
  platform: 'linux',
  node: 'v20',
  tfjs: '4.22.0',
  date: '2026-01-01T00:00:00.000Z',
};

const gpt: WorkloadResult = {
  workload: 'gpt',
  description: 'GPT',
  backend: 'wasm',
  threads: 1,
  unit: 'tokens',
  flopsPerStep: 4e9,
  msPerStep: 250,
  throughput: 3072,
  gflops: 16,
  fractionOfMatMulCeiling: 0.5,
  stepTimesMs: [250],
  losses: [4.2, 4.1],
  lossFirst: 4.2,
  lossLast: 4.1,
  lossCheck: 'fell',
  torch: {
    framework: 'pytorch 1.13',
    threads: 2,
    msPerStep: 50,
    throughput: 15360,
    stepTimesMs: [50],
    lossFirst: 4.2,
    lossLast: 4.0,
  },
  ratio: 0.2,
};

const simclr: WorkloadResult = {
  workload: 'simclr',
  description: 'SimCLR',
  backend: 'wasm',
  threads: 1,
  unit: 'images',
  flopsPerStep: 6.6e9,
  stepTimesMs: [],
  losses: [],
  error: "Kernel 'Conv2DBackpropFilter' not registered for backend 'wasm'",
};

function report(results: WorkloadResult[], torchAvailable: boolean): BenchReport {
  return {
    machine,
    settings: {
      workloads: ['gpt', 'simclr'],
      backends: ['wasm'],
      steps: 10,
      warmup: 3,
      rounds: 2,
      seed: 0,
    },
    adapters: {},
    torch: torchAvailable
      ? { available: true, python: 'python3', version: '1.13' }
      : { available: false, python: 'python3', reason: 'no torch here' },
    matMulCeilings: { wasm: { size: 512, msPerProduct: 10, gflops: 26.8 } },
    skippedBackends: [{ backend: 'node', reason: 'not installed' }],
    results,
  };
}

describe('formatResultsTable', () => {
  it('prints one row per workload and backend with ours, PyTorch and the ratio', () => {
    const text = formatResultsTable(report([gpt, simclr], true));
    const lines = text.split('\n');
    expect(lines[0]).toMatch(
      /^workload\s+backend\s+threads\s+workers\s+ms\/step\s+throughput\s+GFLOP\/s \(% matMul\)\s+loss first → last\s+PyTorch ms\/step\s+PyTorch throughput\s+ratio$/,
    );
    const gptRow = lines.find((line) => line.startsWith('gpt'))!;
    expect(gptRow).toMatch(
      /wasm\s+1\s+1\s+250\s+3,072 tokens\/s\s+16\.0 \(50%\)\s+4\.200 → 4\.100\s+50\.0 \(2 thr\)\s+15,360 tokens\/s\s+0\.200×$/,
    );
    expect(lines.find((line) => line.startsWith('simclr'))).toMatch(/failed/);
    expect(text).toContain('matMul ceiling on wasm: 512×512×512 in 10.0 ms = 26.8 GFLOP/s');
    expect(text).toContain("simclr on wasm failed: Kernel 'Conv2DBackpropFilter' not registered");
    expect(text).toContain('backend node skipped: not installed');
    expect(text).toContain('Test CPU, 2 cores');
    expect(text).not.toContain('warning: load average');
  });

  it('flags a PyTorch reference whose parameter count differs from ours', () => {
    const same: WorkloadResult = {
      ...gpt,
      parameterCount: 804096,
      torch: { ...gpt.torch!, parameterCount: 804096 },
    };
    const different: WorkloadResult = { ...same, torch: { ...gpt.torch!, parameterCount: 804224 } };
    expect(formatResultsTable(report([same], true))).not.toContain('the two models differ');
    expect(formatResultsTable(report([different], true))).toContain(
      'gpt on wasm: 804,096 parameters but the PyTorch reference has 804,224: the two models differ',
    );
  });

  it('gives a data-parallel row its speed-up and the spread over the rounds', () => {
    const parallel: WorkloadResult = {
      ...gpt,
      workload: 'gpt-data-parallel',
      workers: 2,
      speedupOverOneWorker: 1.4321,
      speedupByRound: [1.5, 1.2144, 1.62],
    };
    expect(formatResultsTable(report([gpt, parallel], true))).toContain(
      'gpt-data-parallel on wasm: 1.43× the one-thread throughput on 2 workers (rounds 1.21–1.62×).',
    );
    const oneRound = { ...parallel, speedupByRound: [1.5] };
    expect(formatResultsTable(report([gpt, oneRound], true))).toContain(
      'gpt-data-parallel on wasm: 1.43× the one-thread throughput on 2 workers.',
    );
  });

  it('warns when the machine was busier than its cores', () => {
    const busy = { ...report([gpt], true), machine: { ...machine, loadAverage: 7.5 } };
    expect(formatResultsTable(busy)).toContain('warning: load average 7.5 on 2 cores');
  });

  it('says in one line when PyTorch did not run, and flags a loss that did not fall', () => {
    const stuck: WorkloadResult = { ...gpt, lossCheck: 'did not fall', lossLast: 4.3 };
    delete (stuck as { torch?: unknown }).torch;
    delete (stuck as { ratio?: unknown }).ratio;
    const text = formatResultsTable(report([stuck], false));
    expect(text).toContain('PyTorch reference not run: no torch here.');
    expect(text).toContain('gpt on wasm: loss did not fall over the timed steps.');
    expect(text).toMatch(/4\.200 → 4\.300 !/);
  });
});

describe('formatMilliseconds', () => {
  it('appends the datasets table, alone when no workload ran', () => {
    const datasetsOnly: BenchReport = {
      ...report([], false),
      settings: { ...report([], false).settings, workloads: [], datasets: true },
      datasets: {
        backend: 'wasm',
        batches: 3,
        warmupBatches: 2,
        results: [
          {
            dataset: 'mnist',
            description: 'MNIST',
            unit: 'images',
            batchSize: 256,
            loadMs: 321,
            firstBatchMs: 37.6,
            batchTimesMs: [6, 5, 7],
            msPerBatch: 6,
            batchesPerSecond: 1000 / 6,
            examplesPerSecond: 256_000 / 6,
          },
        ],
        mnistMemory: {
          rssAddedBytes: 2 ** 20,
          arrayBuffersAddedBytes: 2 ** 20,
          datasetBytes: 2 ** 21,
        },
      },
    };
    const text = formatResultsTable(datasetsOnly);
    expect(text).not.toMatch(/^workload/m);
    expect(text).toMatch(/^mnist +321 +37\.6 +256 images +6\.0 +167 +42,667 images\/s$/m);
    expect(text).toContain('loading MNIST (train + test) added 1.0 MiB RSS');
    expect(formatResultsTable(report([gpt], false))).not.toContain('dataset ');
  });

  it('keeps one decimal below 100 ms and groups thousands above', () => {
    expect(formatMilliseconds(42.25)).toBe('42.3');
    expect(formatMilliseconds(1840.4)).toBe('1,840');
  });

  it('shows inference rows without a loss, and does not call their missing loss a failure', () => {
    const generate: WorkloadResult = {
      workload: 'generate',
      kind: 'inference',
      description: 'GPT generation with the KV cache',
      backend: 'wasm',
      threads: 1,
      unit: 'tokens',
      flopsPerStep: 1e8,
      msPerStep: 400,
      throughput: 120,
      gflops: 0.25,
      fractionOfMatMulCeiling: 0.01,
      stepTimesMs: [400],
      losses: [48, 48],
    };
    const text = formatResultsTable(report([gpt, generate], true));
    const row = text.split('\n').find((line) => line.startsWith('generate'))!;
    expect(row).toMatch(/120 tokens\/s/);
    expect(row).toMatch(/—\s+n\/a/);
    expect(text).not.toMatch(/generate on wasm/);
  });
});
