import { mkdtempSync, readFileSync, rmSync, statSync, truncateSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { fashionMnistCachePaths, fashionMnistClassNames, loadFashionMnist } from './fashion-mnist';
import { describeImageDataset } from './image-dataset';

const cacheDirectory = mkdtempSync(join(tmpdir(), 'selfsup-fashion-mnist-test-'));
const paths = fashionMnistCachePaths(join(cacheDirectory, 'fashion-mnist-v1'), 'train');

afterAll(() => rmSync(cacheDirectory, { recursive: true, force: true }));

describe('loadFashionMnist', () => {
  it('builds the cache, then a second load reads it faster with the same bytes', () => {
    let start = performance.now();
    const first = loadFashionMnist('train', { cacheDirectory });
    const buildMilliseconds = performance.now() - start;
    start = performance.now();
    const second = loadFashionMnist('train', { cacheDirectory });
    const cachedMilliseconds = performance.now() - start;
    expect(cachedMilliseconds).toBeLessThan(buildMilliseconds);
    expect(Buffer.from(second.images).equals(Buffer.from(first.images))).toBe(true);
    expect(Buffer.from(second.labels).equals(Buffer.from(first.labels))).toBe(true);
    // IDX header (4 + 3 × 4 bytes) + 60,000 × 784 pixels.
    expect(statSync(paths.images).size).toBe(16 + 60_000 * 784);
  });

  it('holds 60,000 / 10,000 images, 6,000 / 1,000 per class, in the ten classes', () => {
    const train = describeImageDataset(loadFashionMnist('train', { cacheDirectory }));
    const test = describeImageDataset(loadFashionMnist('test', { cacheDirectory }));
    expect(train.count).toBe(60_000);
    expect(test.count).toBe(10_000);
    expect(train.shape).toEqual([28, 28, 1]);
    expect(train.classes).toEqual(fashionMnistClassNames);
    expect(train.countsPerClass).toEqual(new Array(10).fill(6000));
    expect(test.countsPerClass).toEqual(new Array(10).fill(1000));
  });

  it('keeps train and test disjoint and interleaves the classes', () => {
    const train = loadFashionMnist('train', { cacheDirectory });
    const test = loadFashionMnist('test', { cacheDirectory });
    const key = (images: Uint8Array, index: number) =>
      Buffer.from(images.subarray(index * 784, (index + 1) * 784)).toString('base64');
    const trainImages = new Set<string>();
    for (let i = 0; i < train.count; i++) trainImages.add(key(train.images, i));
    let shared = 0;
    for (let i = 0; i < test.count; i++) if (trainImages.has(key(test.images, i))) shared++;
    // The package itself holds byte-identical images; 12 test images have a copy in train.
    expect(shared).toBe(12);
    expect(new Set(train.labels.subarray(0, 50)).size).toBeGreaterThan(5);
  });

  it('rebuilds a truncated cache file', () => {
    const original = readFileSync(paths.images);
    truncateSync(paths.images, 1000);
    const rebuilt = loadFashionMnist('train', { cacheDirectory });
    expect(rebuilt.count).toBe(60_000);
    expect(readFileSync(paths.images).equals(original)).toBe(true);
  });
});
