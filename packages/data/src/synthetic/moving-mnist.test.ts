import { deriveSeed, initBackend } from '@selfsup/core';
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { type ImageDataset, selectImages } from '../image-dataset';
import { loadMnist } from '../mnist';
import {
  type MovingMnistBatch,
  movingMnistExample,
  movingMnistSetToTensors,
  movingMnistSource,
  movingMnistTestSet,
  shuffleFrameOrder,
} from './moving-mnist';

describe('Moving MNIST', () => {
  let digits: ImageDataset;
  beforeAll(async () => {
    await initBackend({ backend: 'wasm', quiet: true });
    digits = selectImages(
      loadMnist('test'),
      Array.from({ length: 500 }, (_, i) => i),
    );
  });

  it('is reproducible from a seed and labels the digit it draws', () => {
    const first = movingMnistExample(deriveSeed(3, 0), { dataset: digits });
    expect(first.frames.length).toBe(10 * 64 * 64);
    expect(movingMnistExample(deriveSeed(3, 0), { dataset: digits })).toEqual(first);
    expect(movingMnistExample(deriveSeed(3, 1), { dataset: digits }).frames).not.toEqual(
      first.frames,
    );
    expect(first.labels[0]).toBeGreaterThanOrEqual(0);
    expect(first.labels[0]).toBeLessThan(10);
  });

  it('keeps every digit inside the frame, moving, with the ink of the digit in each frame', () => {
    for (const [size, count] of [
      [64, 2],
      [28, 1],
    ] as const) {
      for (let sequence = 0; sequence < 20; sequence++) {
        const example = movingMnistExample(deriveSeed(5, sequence), {
          dataset: digits,
          size,
          digits: count,
          frames: 20,
        });
        let moved = false;
        for (let frame = 0; frame < 20; frame++) {
          for (let digit = 0; digit < count; digit++) {
            const [top, left, height, width] = example.boxes.subarray(
              (frame * count + digit) * 4,
              (frame * count + digit + 1) * 4,
            );
            expect(top).toBeGreaterThanOrEqual(0);
            expect(left).toBeGreaterThanOrEqual(0);
            expect(top! + height!).toBeLessThanOrEqual(size);
            expect(left! + width!).toBeLessThanOrEqual(size);
            if (frame > 0) {
              const previous = example.boxes.subarray(((frame - 1) * count + digit) * 4);
              if (previous[0] !== top || previous[1] !== left) moved = true;
            }
          }
          let ink = 0;
          for (let i = 0; i < size * size; i++) ink += example.frames[frame * size * size + i]!;
          expect(ink).toBeGreaterThan(0);
        }
        expect(moved).toBe(true);
      }
    }
  });

  it('gives [B, F, H, W, 1] batches in [0, 1] that are a pure function of (seed, position)', () => {
    const source = movingMnistSource({
      batchSize: 3,
      size: 28,
      frames: 6,
      digits: 2,
      dataset: digits,
    });
    const read = (position: number) => {
      const iterator = source.batches({ position, seed: 4 }) as Iterator<MovingMnistBatch>;
      iterator.next();
      const { value } = iterator.next();
      const result = {
        shape: value!.frames.shape,
        frames: Array.from(value!.frames.dataSync() as Float32Array),
        labels: Array.from(value!.digitLabels.dataSync() as Int32Array),
      };
      tf.dispose(value);
      return result;
    };
    const fromStart = read(0);
    const resumed = (() => {
      const iterator = source.batches({ position: 1, seed: 4 }) as Iterator<MovingMnistBatch>;
      const { value } = iterator.next();
      const result = Array.from(value!.frames.dataSync() as Float32Array);
      tf.dispose(value);
      return result;
    })();
    expect(fromStart.shape).toEqual([3, 6, 28, 28, 1]);
    expect(fromStart.labels).toHaveLength(6);
    expect(resumed).toEqual(fromStart.frames);
    expect(Math.max(...fromStart.frames)).toBeLessThanOrEqual(1);
    expect(Math.min(...fromStart.frames)).toBeGreaterThanOrEqual(0);
  });

  it('builds a fixed test set from the MNIST test split and shuffles frame order for pretext tasks', () => {
    const before = tf.memory().numTensors;
    const set = movingMnistTestSet({ count: 40, size: 28, frames: 5 });
    expect(set.frames.length).toBe(40 * 5 * 28 * 28);
    expect(movingMnistTestSet({ count: 40, size: 28, frames: 5 }).frames).toEqual(set.frames);
    expect(set.describe().countsPerClass.reduce((sum, count) => sum + count, 0)).toBe(40);
    const test = movingMnistSetToTensors(set);
    expect(test.frames.shape).toEqual([40, 5, 28, 28, 1]);
    const shuffled = shuffleFrameOrder(test.frames, 9);
    const order = shuffled.order.arraySync();
    const inOrder = shuffled.inOrder.arraySync();
    const source = test.frames.arraySync();
    const output = shuffled.frames.arraySync();
    for (let row = 0; row < 40; row++) {
      const identity = order[row]!.every((value, i) => value === i);
      expect(identity).toBe(inOrder[row] === 1);
      expect(output[row]![2]).toEqual(source[row]![order[row]![2]!]);
    }
    expect(inOrder.some((value) => value === 1) && inOrder.some((value) => value === 0)).toBe(true);
    tf.dispose([
      test.frames,
      test.labels,
      test.digitLabels,
      shuffled.frames,
      shuffled.order,
      shuffled.inOrder,
    ]);
    expect(tf.memory().numTensors).toBe(before);
  });
});
