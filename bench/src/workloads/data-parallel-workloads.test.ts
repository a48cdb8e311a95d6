import { rm } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { initBackend } from '@selfsup/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bundleForTest } from '../testing/bundle-for-test';
import {
  createGptDataParallelStep,
  createSimclrDataParallelStep,
  gptDataParallelPerWorkerBatchWorkload,
  gptDataParallelWorkload,
  simclrDataParallelWorkload,
} from './data-parallel-workloads';
import { gptDoubleBatchWorkload, gptWorkload } from './gpt-workload';
import { simclrWorkload } from './simclr-workload';
import type { WorkloadStep } from './workload';

// Worker threads import plain JavaScript: bundle the replicas from source (core stays external, so
// the workers and this process share the built @selfsup/core) into the git-ignored cache.
const directory = fileURLToPath(
  new URL(`../../.selfsup-cache/replicas-test-${process.pid}/`, import.meta.url),
);

async function losses(step: WorkloadStep, count: number): Promise<number[]> {
  const values: number[] = [];
  try {
    for (let index = 0; index < count; index++) values.push(await step.step());
  } finally {
    await step.dispose();
  }
  return values;
}

function expectSameCurve(actual: number[], expected: number[]): void {
  expect(actual).toHaveLength(expected.length);
  actual.forEach((loss, index) => {
    expect(
      Math.abs(loss - (expected[index] as number)) / Math.abs(expected[index] as number),
    ).toBeLessThan(1e-5);
  });
}

describe('data-parallel workloads', () => {
  beforeAll(async () => {
    await initBackend({ backend: 'wasm' });
    await bundleForTest(
      { replicas: fileURLToPath(new URL('../replicas/index.ts', import.meta.url)) },
      directory,
    );
    process.env.SELFSUP_BENCH_REPLICAS = `${directory}replicas.js`;
  }, 120_000);

  afterAll(async () => {
    delete process.env.SELFSUP_BENCH_REPLICAS;
    await rm(directory, { recursive: true, force: true });
  });

  it('time the same work as the one-thread gpt and simclr steps, on 2 workers', () => {
    for (const [parallel, single] of [
      [gptDataParallelWorkload, gptWorkload],
      [simclrDataParallelWorkload, simclrWorkload],
    ] as const) {
      expect(parallel.workers).toBe(2);
      expect(parallel.parallelizes).toBe(single.name);
      expect(parallel.unitsPerStep).toBe(single.unitsPerStep);
      expect(parallel.flopsPerStep).toBe(single.flopsPerStep);
      expect(parallel.referenceScript).toBe(single.referenceScript);
    }
  });

  it('SimCLR (SyncBN + NT-Xent over gathered negatives): 2 workers give 1 worker’s loss curve on the whole batch', async () => {
    // NT-Xent on the fixed views rises for a few steps before it falls (as in the one-thread step).
    const one = await losses(await createSimclrDataParallelStep(0, 1), 6);
    const two = await losses(await createSimclrDataParallelStep(0, 2), 6);
    expect(one[5]).toBeLessThan(one[0] as number);
    expectSameCurve(two, one);
  }, 120_000);

  it('the per-worker-batch GPT row splits gpt-batch-24 across 2 workers: twice the units and FLOPs of gpt', () => {
    const row = gptDataParallelPerWorkerBatchWorkload;
    expect(row.workers).toBe(2);
    expect(row.parallelizes).toBe(gptDoubleBatchWorkload.name);
    expect(row.unitsPerStep).toBe(gptDoubleBatchWorkload.unitsPerStep);
    expect(row.flopsPerStep).toBe(gptDoubleBatchWorkload.flopsPerStep);
    expect(row.unitsPerStep).toBe(2 * gptWorkload.unitsPerStep);
    expect(row.flopsPerStep).toBeCloseTo(2 * gptWorkload.flopsPerStep, 0);
  });

  it('GPT with batch 12 per worker (global 24): 2 workers give 1 worker’s curve on the 24 sequences', async () => {
    const one = await losses(await createGptDataParallelStep(0, 1, 24), 2);
    const two = await losses(await createGptDataParallelStep(0, 2, 24), 2);
    expect(two[1]).toBeLessThan(two[0] as number);
    expectSameCurve(two, one);
  }, 120_000);

  it('GPT: 2 workers give 1 worker’s loss curve, and the loss falls', async () => {
    const one = await losses(await createGptDataParallelStep(0, 1), 3);
    const two = await losses(await createGptDataParallelStep(0, 2), 3);
    expect(one[2]).toBeLessThan(one[0] as number);
    expectSameCurve(two, one);
  }, 120_000);
});
