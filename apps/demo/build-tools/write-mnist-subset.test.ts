import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadMnist } from '@selfsup/data';
import { parseIdxBytes } from '@selfsup/data/browser';
import { afterAll, describe, expect, it } from 'vitest';
import { mnistSubsetCounts, mnistSubsetFileNames, writeMnistSubset } from './write-mnist-subset';

describe('writeMnistSubset', () => {
  const directory = mkdtempSync(join(tmpdir(), 'selfsup-demo-mnist-'));
  afterAll(() => rmSync(directory, { recursive: true, force: true }));

  it('writes the first MNIST images and labels of each split as IDX files the browser parses', () => {
    const paths = writeMnistSubset(directory);
    expect(paths).toHaveLength(4);
    for (const split of ['train', 'test'] as const) {
      const names = mnistSubsetFileNames(split);
      const count = mnistSubsetCounts[split];
      const images = parseIdxBytes(
        new Uint8Array(readFileSync(join(directory, names.images))),
        names.images,
      );
      const labels = parseIdxBytes(
        new Uint8Array(readFileSync(join(directory, names.labels))),
        names.labels,
      );
      const mnist = loadMnist(split);
      expect(images.shape).toEqual([count, 28, 28]);
      expect(labels.shape).toEqual([count]);
      expect(
        Buffer.from(images.values).equals(Buffer.from(mnist.images.subarray(0, count * 784))),
      ).toBe(true);
      expect(Array.from(labels.values)).toEqual(Array.from(mnist.labels.subarray(0, count)));
    }
    const total = paths.reduce((sum, path) => sum + statSync(path).size, 0);
    expect(total).toBeLessThan(1.5e6);
  });

  it('keeps files that are already complete', () => {
    const path = join(directory, mnistSubsetFileNames('test').labels);
    const before = statSync(path).mtimeMs;
    writeMnistSubset(directory);
    expect(statSync(path).mtimeMs).toBe(before);
  });
});
