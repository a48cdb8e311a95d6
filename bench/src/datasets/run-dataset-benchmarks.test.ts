import { initBackend } from '@selfsup/core';
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { datasetBenchmarks, datasetIds } from './dataset-benchmarks';
import { formatDatasetTable } from './format-dataset-table';
import { runDatasetBenchmarks } from './run-dataset-benchmarks';

describe('runDatasetBenchmarks', () => {
  beforeAll(async () => {
    await initBackend({ backend: 'wasm', quiet: true });
  });

  it('has one benchmark per dataset id, with a typical batch size', () => {
    expect(datasetIds).toHaveLength(10);
    for (const id of datasetIds) {
      expect(datasetBenchmarks[id].id).toBe(id);
      expect(datasetBenchmarks[id].batchSize).toBeGreaterThan(0);
    }
  });

  it('times loads and batch iterators on tiny settings, measures MNIST RSS, leaks no tensor', () => {
    const lines: string[] = [];
    const before = tf.memory().numTensors;
    const report = runDatasetBenchmarks(
      { datasets: ['mnist', 'names', 'synthetic-audio', 'shapes'], batches: 2, batchSize: 4 },
      (line) => lines.push(line),
    );
    expect(tf.memory().numTensors).toBe(before);
    expect(report.backend).toBe('wasm');
    expect(report.results.map((result) => result.dataset)).toEqual([
      'mnist',
      'names',
      'synthetic-audio',
      'shapes',
    ]);
    for (const result of report.results) {
      expect(result.error).toBeUndefined();
      expect(result.batchSize).toBe(4);
      expect(result.batchTimesMs).toHaveLength(2);
      expect(result.loadMs).toBeGreaterThanOrEqual(0);
      expect(result.firstBatchMs).toBeGreaterThan(0);
      expect(result.examplesPerSecond).toBeCloseTo(4 * result.batchesPerSecond!, 6);
    }
    // MNIST's pixels and labels (55 MB) are read into memory: the RSS grows by a good part of it.
    expect(report.mnistMemory!.datasetBytes).toBe(70_000 * 785);
    expect(report.mnistMemory!.rssAddedBytes).toBeGreaterThan(10 * 2 ** 20);
    expect(lines).toHaveLength(4);
    const table = formatDatasetTable(report);
    for (const id of ['mnist', 'names', 'synthetic-audio', 'shapes']) expect(table).toContain(id);
    expect(table).toMatch(/loading MNIST \(train \+ test\) added [\d.]+ MiB RSS/);
  });

  it('reports a dataset that fails instead of throwing, and checks its options', () => {
    const report = runDatasetBenchmarks(
      // MNIST's image batch source rejects a batch larger than the split.
      { datasets: ['mnist'], batches: 1, batchSize: 70_001 },
      () => {},
    );
    expect(report.results[0]!.error).toMatch(/batchSize/);
    expect(formatDatasetTable(report)).toMatch(/mnist failed: .*batchSize/);
    expect(() => runDatasetBenchmarks({ batches: 0 }, () => {})).toThrow(/batches must be/);
  });
});
