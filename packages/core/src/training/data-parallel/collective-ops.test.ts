import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../../backend/init-backend';
import { expectNoTensorLeak } from '../../test/expect-no-tensor-leak';
import { buildWorkerBundle, type WorkerBundle } from './__fixtures__/build-worker-bundle';
import {
  coupledGatherLoss,
  rankValues,
  reducedSumLoss,
  type sharedReduceCheck,
} from './__fixtures__/collective-checks';
import { allGather, allReduceSum } from './collective-ops';
import { DataParallelPool } from './data-parallel-pool';
import { createExchangeBuffers, SharedMemoryGroup } from './shared-memory-group';

type CheckResult = { loss: number; gradient: number[]; leaked: number };
const rows = 3;
const columns = 4;
const workers = 2;

let bundle: WorkerBundle;
let pool: DataParallelPool;

beforeAll(async () => {
  await initBackend({ backend: 'wasm', quiet: true });
  bundle = await buildWorkerBundle('collectives');
  pool = await DataParallelPool.start({ workers, workerEntry: bundle.workerEntry });
});

afterAll(async () => {
  await pool?.close();
  await bundle?.remove();
});

/** Single-process reference: the sum of every rank's loss, differentiated w.r.t. each rank's x. */
function reference(lossOfRank: (inputs: tf.Tensor2D[], rank: number) => tf.Scalar): {
  losses: number[];
  gradients: number[][];
} {
  const inputs = Array.from({ length: workers }, (_, rank) =>
    tf.tensor2d(rankValues(rank, rows, columns), [rows, columns]),
  );
  const losses = Array.from({ length: workers }, (_, rank) =>
    tf.tidy(() => lossOfRank(inputs, rank).dataSync()[0] as number),
  );
  const gradients = tf.grads((...xs: tf.Tensor[]) =>
    tf.addN(Array.from({ length: workers }, (_, rank) => lossOfRank(xs as tf.Tensor2D[], rank))),
  )(inputs);
  const values = gradients.map((gradient) => Array.from(gradient.dataSync()));
  tf.dispose([...inputs, ...gradients]);
  return { losses, gradients: values };
}

function expectClose(
  actual: readonly number[],
  expected: readonly number[],
  tolerance: number,
): void {
  expect(actual.length).toBe(expected.length);
  const worst = Math.max(
    ...actual.map((value, index) => Math.abs(value - (expected[index] as number))),
  );
  expect(worst).toBeLessThan(tolerance);
}

describe('SharedMemoryGroup', () => {
  it('sums and gathers in rank order with one worker (the single-worker fallback)', () => {
    const group = new SharedMemoryGroup(createExchangeBuffers(1, 8), 0, 1);
    expect(Array.from(group.allReduceSum(new Float32Array([1, 2, 3])))).toEqual([1, 2, 3]);
    expect(Array.from(group.allGather(new Float32Array([4, 5])))).toEqual([4, 5]);
    expect(() => group.allReduceSum(new Float32Array(9))).toThrow(
      /exceeds the exchange capacity of 8/,
    );
  });

  it('writes the sum into a caller-owned array when given one (no allocation per step)', () => {
    const group = new SharedMemoryGroup(createExchangeBuffers(1, 8), 0, 1);
    const into = new Float32Array(3).fill(9);
    expect(group.allReduceSum(new Float32Array([1, 2, 3]), into)).toBe(into);
    expect(Array.from(into)).toEqual([1, 2, 3]);
    expect(() => group.allReduceSum(new Float32Array(3), new Float32Array(2))).toThrow(
      /output holds 2 values, the input 3/,
    );
  });
});

describe('SharedMemoryGroup.allReduceShared', () => {
  it('averages the leading values and sums the rest with one worker, and checks its arguments', () => {
    const group = new SharedMemoryGroup(createExchangeBuffers(1, 8), 0, 1);
    const result = group.allReduceShared(4, (slot) => slot.set([1, 2, 3, 4]), 2);
    expect(Array.from(result)).toEqual([1, 2, 3, 4]);
    expect(result.buffer).toBeInstanceOf(SharedArrayBuffer);
    expect(() => group.allReduceShared(9, () => {})).toThrow(/exceeds the exchange capacity of 8/);
    expect(() => group.allReduceShared(4, () => {}, 5)).toThrow(
      /meanLength must be an integer in \[0, 4\]/,
    );
  });

  it('across 2 and 3 workers equals allReduceSum then the division, bit for bit, on every rank', async () => {
    const length = 1001; // not a multiple of the group size: uneven shares
    const check = async (target: DataParallelPool) => {
      const results = await target.call<ReturnType<typeof sharedReduceCheck>>(
        bundle.moduleUrl('collective-checks'),
        'sharedReduceCheck',
        { length, meanLength: 700 },
      );
      for (const result of results) {
        expect(result.shared).toEqual(result.reference);
        expect(result.shared).toEqual(results[0]?.shared);
      }
      // The mean part is divided, the rest is a sum: the three rounds differ, the ranks agree.
      expect(results[0]?.shared[0]?.length).toBe(length);
      expect(results[0]?.shared[0]).not.toEqual(results[0]?.shared[1]);
    };
    await check(pool);
    const three = await DataParallelPool.start({ workers: 3, workerEntry: bundle.workerEntry });
    try {
      await check(three);
    } finally {
      await three.close();
    }
  });
});

describe('allGather and allReduceSum across 2 worker threads', () => {
  it('allGather: forward is the concatenation and backward the reduce-scatter (equals one process)', async () => {
    const results = await pool.call<CheckResult>(
      bundle.moduleUrl('collective-checks'),
      'gatherGradientCheck',
      { rows, columns },
    );
    const expected = reference((inputs, rank) => {
      const gathered = tf.concat(inputs) as tf.Tensor2D;
      const weights = tf.tensor2d(rankValues(rank, rows, columns, 1), [rows, columns]);
      return coupledGatherLoss(inputs[rank] as tf.Tensor2D, gathered, weights);
    });
    results.forEach((result, rank) => {
      expect(result.loss).toBeCloseTo(expected.losses[rank] as number, 5);
      expectClose(result.gradient, expected.gradients[rank] as number[], 1e-5);
      expect(result.leaked).toBe(0);
    });
  });

  it('allReduceSum: forward is the sum and backward the all-reduced upstream gradient (equals one process)', async () => {
    const results = await pool.call<CheckResult>(
      bundle.moduleUrl('collective-checks'),
      'reduceGradientCheck',
      { rows, columns },
    );
    const expected = reference((inputs, rank) => {
      const weights = tf.tensor2d(rankValues(rank, rows, columns, 1), [rows, columns]);
      return reducedSumLoss(tf.addN(inputs) as tf.Tensor2D, weights);
    });
    results.forEach((result, rank) => {
      expect(result.loss).toBeCloseTo(expected.losses[rank] as number, 5);
      expectClose(result.gradient, expected.gradients[rank] as number[], 1e-5);
      expect(result.leaked).toBe(0);
    });
    // The gradient of x_r is the same on every rank: d(Σ_r L_r)/dS.
    expect(results[0]?.gradient).toEqual(results[1]?.gradient);
  });

  it('are differentiable ops that leak no tensors in a single-worker group', async () => {
    const group = new SharedMemoryGroup(createExchangeBuffers(1, 64), 0, 1);
    const x = tf.tensor2d(rankValues(0, rows, columns), [rows, columns]);
    await expectNoTensorLeak(() => {
      const gradient = tf.grad((input: tf.Tensor) =>
        tf.sum(tf.square(allGather(allReduceSum(input, group), group))),
      )(x);
      gradient.dispose();
    });
    x.dispose();
  });

  it('refuse int32 tensors with a message that says to cast', () => {
    const group = new SharedMemoryGroup(createExchangeBuffers(1, 8), 0, 1);
    const ids = tf.tensor1d([1, 2], 'int32');
    expect(() => allReduceSum(ids, group)).toThrow(/cast it first/);
    ids.dispose();
  });
});

describe('DataParallelPool', () => {
  it('refuses a worker count that is not a positive integer', async () => {
    await expect(
      DataParallelPool.start({ workers: 0, workerEntry: bundle.workerEntry }),
    ).rejects.toThrow(/positive integer/);
  });

  it('runs a GPT replica step (all-reduced gradients) without leaking tensors', async () => {
    const counts = await pool.call<{ before: number; after: number }>(
      bundle.moduleUrl('collective-checks'),
      'replicaStepLeakCheck',
    );
    for (const count of counts) expect(count.after).toBe(count.before);
  });

  it('fails, instead of hanging, when a worker thread dies during a collective', async () => {
    const crashing = await DataParallelPool.start({ workers, workerEntry: bundle.workerEntry });
    try {
      await expect(
        crashing.call(bundle.moduleUrl('collective-checks'), 'exitOnRankOne'),
      ).rejects.toThrow(/worker 1 failed: the worker exited \(code 3\)/);
    } finally {
      await crashing.close();
    }
  });

  // Last: the failure leaves the shared pool aborted (a failed group is closed, not reused).
  it('fails every worker, instead of hanging, when one worker throws before a collective', async () => {
    await expect(pool.call(bundle.moduleUrl('collective-checks'), 'failOnRankOne')).rejects.toThrow(
      /worker 1 failed: rank one failed on purpose/,
    );
    await expect(
      pool.call(bundle.moduleUrl('collective-checks'), 'reduceGradientCheck', { rows, columns }),
    ).rejects.toThrow(/group stopped/);
  });
});
