import { initBackend } from '@selfsup/core';
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadMobyDick } from './moby-dick';
import { distinctCharacters, encodeCharacters } from './text-corpus';
import { type TokenWindowBatch, tokenWindowSource } from './token-window-source';

function take(
  source: ReturnType<typeof tokenWindowSource>,
  position: number,
  seed: number,
  count: number,
): { inputs: number[][]; targets: number[][] }[] {
  const iterator = source.batches({ position, seed }) as Iterator<TokenWindowBatch>;
  const batches: { inputs: number[][]; targets: number[][] }[] = [];
  for (let i = 0; i < count; i++) {
    const { value } = iterator.next();
    batches.push({
      inputs: value!.inputs.arraySync() as number[][],
      targets: value!.targets.arraySync() as number[][],
    });
    tf.dispose(value);
  }
  return batches;
}

/** Token ids 0, 1, 2…: a window's first id is its start offset. */
const counting = Int32Array.from({ length: 1000 }, (_, i) => i);

describe('tokenWindowSource', () => {
  beforeAll(async () => {
    await initBackend({ backend: 'cpu', quiet: true });
  });

  it('yields [B, T] int32 windows whose targets are the inputs shifted by one', () => {
    const [batch] = take(tokenWindowSource(counting, { blockSize: 8, batchSize: 4 }), 0, 1, 1);
    expect(batch!.inputs).toHaveLength(4);
    for (const [row, inputs] of batch!.inputs.entries()) {
      const start = inputs[0]!;
      expect(inputs).toEqual(Array.from({ length: 8 }, (_, i) => start + i));
      expect(batch!.targets[row]).toEqual(Array.from({ length: 8 }, (_, i) => start + 1 + i));
    }
  });

  it('is deterministic for a seed and differs across seeds', () => {
    const source = tokenWindowSource(counting, { blockSize: 16, batchSize: 8 });
    const first = take(source, 0, 3, 5);
    expect(take(source, 0, 3, 5)).toEqual(first);
    expect(take(source, 0, 4, 5)).not.toEqual(first);
  });

  it('resumes from position k with exactly the uninterrupted batches from k', () => {
    const source = tokenWindowSource(counting, { blockSize: 16, batchSize: 8 });
    const uninterrupted = take(source, 0, 9, 20);
    expect(take(source, 13, 9, 7)).toEqual(uninterrupted.slice(13));
  });

  it('never reads past the ids it was given and reaches both ends', () => {
    const source = tokenWindowSource(counting.subarray(0, 40), { blockSize: 8, batchSize: 64 });
    const starts = new Set<number>();
    for (const batch of take(source, 0, 1, 20)) {
      for (const targets of batch.targets) expect(Math.max(...targets)).toBeLessThan(40);
      for (const inputs of batch.inputs) starts.add(inputs[0]!);
    }
    expect(source.windowCount).toBe(32);
    expect(Math.min(...starts)).toBe(0);
    expect(Math.max(...starts)).toBe(31);
  });

  it('serves Moby Dick training windows without leaking tensors or validation text', () => {
    const { text, train, validation } = loadMobyDick();
    const characters = distinctCharacters([text]);
    const source = tokenWindowSource(encodeCharacters(train, characters), {
      blockSize: 64,
      batchSize: 16,
    });
    const before = tf.memory().numTensors;
    const iterator = source.batches({ position: 0, seed: 0 }) as Iterator<TokenWindowBatch>;
    for (let i = 0; i < 5; i++) {
      const { value } = iterator.next();
      expect(value!.inputs.dtype).toBe('int32');
      expect(value!.inputs.shape).toEqual([16, 64]);
      const rows = value!.inputs.arraySync() as number[][];
      for (const row of rows) {
        const window = row.map((id) => characters[id]).join('');
        expect(train.includes(window)).toBe(true);
      }
      tf.dispose(value);
    }
    expect(tf.memory().numTensors).toBe(before);
    expect(validation.length).toBeGreaterThan(0);
  });

  it('rejects sizes that cannot make a window, naming the fix', () => {
    expect(() => tokenWindowSource(new Uint16Array(8), { blockSize: 8, batchSize: 1 })).toThrow(
      /at least blockSize \+ 1 = 9 token ids, got 8/,
    );
    expect(() => tokenWindowSource(counting, { blockSize: 0, batchSize: 1 })).toThrow(/blockSize/);
    expect(() => tokenWindowSource(counting, { blockSize: 4, batchSize: 1.5 })).toThrow(
      /batchSize/,
    );
  });
});
