import { initBackend } from '@selfsup/core';
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { imageBatchSource } from './image-batch-source';
import { type ImageDataset, selectImages } from './image-dataset';
import { loadMnist } from './mnist';

async function take(
  source: ReturnType<typeof imageBatchSource>,
  position: number,
  seed: number,
  count: number,
) {
  const iterator = source.batches({ position, seed }) as Iterator<{
    images: tf.Tensor;
    labels: tf.Tensor;
  }>;
  const labels: number[][] = [];
  for (let i = 0; i < count; i++) {
    const { value } = iterator.next();
    labels.push(Array.from(value!.labels.dataSync()));
    tf.dispose(value);
  }
  return labels;
}

describe('imageBatchSource', () => {
  let small: ImageDataset;
  beforeAll(async () => {
    await initBackend({ backend: 'wasm' });
    small = selectImages(
      loadMnist('test'),
      Array.from({ length: 100 }, (_, i) => i),
    );
  });

  it('is deterministic for a seed, differs across seeds and covers an epoch exactly once', async () => {
    const source = imageBatchSource(small, { batchSize: 10 });
    const first = await take(source, 0, 1, 10);
    expect(await take(source, 0, 1, 10)).toEqual(first);
    expect(await take(source, 0, 2, 10)).not.toEqual(first);
    const counts = new Array(10).fill(0);
    for (const label of first.flat()) counts[label]++;
    const expected = new Array(10).fill(0);
    for (const label of small.labels) expected[label]++;
    expect(counts).toEqual(expected);
  });

  it('resumes from a position with exactly the batches an uninterrupted run sees', async () => {
    const source = imageBatchSource(small, { batchSize: 10 });
    const uninterrupted = await take(source, 0, 5, 25);
    const resumed = await take(source, 13, 5, 12);
    expect(resumed).toEqual(uninterrupted.slice(13));
  });

  it('yields [B, 28, 28, 1] images in [0, 1] without leaking tensors', async () => {
    const before = tf.memory().numTensors;
    const iterator = imageBatchSource(small, { batchSize: 4 }).batches({
      position: 0,
      seed: 0,
    }) as Iterator<{
      images: tf.Tensor;
    }>;
    const { value } = iterator.next();
    expect(value!.images.shape).toEqual([4, 28, 28, 1]);
    expect(Math.max(...value!.images.dataSync())).toBeLessThanOrEqual(1);
    tf.dispose(value);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('rejects a batch size larger than the dataset with the fix', () => {
    expect(() => imageBatchSource(small, { batchSize: 1000 })).toThrow(
      /batchSize must be an integer in \[1, 100\]/,
    );
  });
});
