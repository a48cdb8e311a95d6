import { initBackend } from '@selfsup/core';
import { expectNoTensorLeak } from '@selfsup/core/test';
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { MocoQueue } from './moco-queue';

/** Rows of a [K, D] tensor as plain arrays. */
const rowsOf = (tensor: tf.Tensor2D): number[][] => tensor.arraySync();

/** A [B, D] batch whose row j is filled with `first + j`. */
const batchOf = (count: number, dimension: number, first: number): tf.Tensor2D =>
  tf.tensor2d(
    Array.from({ length: count * dimension }, (_, i) => first + Math.floor(i / dimension)),
    [count, dimension],
  );

describe('MocoQueue', () => {
  beforeAll(async () => {
    await initBackend({ backend: 'wasm', quiet: true });
  });

  it('starts as seeded random unit rows', () => {
    const queue = new MocoQueue({ size: 6, dimension: 4, seed: 3 });
    const again = new MocoQueue({ size: 6, dimension: 4, seed: 3 });
    const rows = rowsOf(queue.keys);
    expect(rows).toEqual(rowsOf(again.keys));
    for (const row of rows) expect(Math.hypot(...row)).toBeCloseTo(1, 5);
    expect(queue.pointer).toBe(0);
    queue.dispose();
    again.dispose();
  });

  it('wraps around when the size is not a multiple of the batch, replacing exactly the oldest rows', async () => {
    const size = 7;
    const dimension = 3;
    const batch = 3;
    const queue = new MocoQueue({ size, dimension, seed: 1 });
    // A reference ring buffer in plain arrays.
    const expected = rowsOf(queue.keys);
    let pointer = 0;
    await expectNoTensorLeak(() => {
      for (let step = 0; step < 6; step++) {
        const keys = batchOf(batch, dimension, 10 * (step + 1));
        queue.enqueue(keys);
        for (const [j, row] of rowsOf(keys).entries()) expected[(pointer + j) % size] = row;
        pointer = (pointer + batch) % size;
        keys.dispose();
        expect(queue.pointer).toBe(pointer);
        expect(rowsOf(queue.keys)).toEqual(expected);
      }
    });
    // 6 batches of 3 into 7 rows: the last batch (60, 61, 62) went to rows 1–3, the one before
    // (50, 51, 52) to rows 5, 6 and, wrapped, 0; row 4 still holds 42 (third batch, rows 2–4).
    expect(queue.pointer).toBe(4);
    expect(rowsOf(queue.keys).map((row) => row[0])).toEqual([52, 60, 61, 62, 42, 50, 51]);
    queue.dispose();
  });

  it('takes a batch as large as the queue, and refuses a larger one or a wrong width', () => {
    const queue = new MocoQueue({ size: 4, dimension: 2 });
    const full = batchOf(4, 2, 1);
    queue.enqueue(full);
    expect(rowsOf(queue.keys)).toEqual(rowsOf(full));
    expect(queue.pointer).toBe(0);
    const tooMany = batchOf(5, 2, 1);
    expect(() => queue.enqueue(tooMany)).toThrow(/queueSize ≥ batch size/);
    const wrongWidth = batchOf(2, 3, 1);
    expect(() => queue.enqueue(wrongWidth)).toThrow(/must be \[B, 2\]/);
    tf.dispose([full, tooMany, wrongWidth]);
    queue.dispose();
  });

  it('restores its keys and pointer from getState, and rejects a state of another shape', async () => {
    const queue = new MocoQueue({ size: 5, dimension: 2, seed: 1 });
    const keys = batchOf(3, 2, 7);
    queue.enqueue(keys);
    const restored = new MocoQueue({ size: 5, dimension: 2, seed: 2 });
    await expectNoTensorLeak(() => {
      const state = queue.getState();
      restored.setState(state);
      tf.dispose(Object.values(state));
    });
    expect(restored.pointer).toBe(3);
    expect(rowsOf(restored.keys)).toEqual(rowsOf(queue.keys));
    const other = new MocoQueue({ size: 4, dimension: 2 });
    const state = other.getState();
    expect(() => restored.setState(state)).toThrow(/queueSize and projectionSize/);
    expect(() => restored.setState({ queue: state.queue })).toThrow(/'queue' and 'queuePointer'/);
    tf.dispose([keys, ...Object.values(state)]);
    for (const item of [queue, restored, other]) item.dispose();
  });
});
