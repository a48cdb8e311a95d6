import { describe, expect, it } from 'vitest';
import { describeImageDataset } from './image-dataset';
import { loadMnist } from './mnist';

describe('loadMnist', () => {
  it('loads the documented counts with labels in 0..9 and every class present', () => {
    const train = loadMnist('train');
    const test = loadMnist('test');
    expect(train.count).toBe(60_000);
    expect(test.count).toBe(10_000);
    expect(train.images.length).toBe(60_000 * 28 * 28);
    const description = describeImageDataset(test);
    expect(description.shape).toEqual([28, 28, 1]);
    expect(description.countsPerClass.reduce((sum, count) => sum + count, 0)).toBe(10_000);
    // The MNIST test split has 980 zeros and 1,135 ones (LeCun et al.).
    expect(description.countsPerClass[0]).toBe(980);
    expect(description.countsPerClass[1]).toBe(1135);
  });

  it('adds less than 100 MB of resident memory for the full training split', () => {
    const before = process.memoryUsage().rss;
    const train = loadMnist('train');
    let checksum = 0;
    for (let i = 0; i < train.images.length; i += 4096) checksum += train.images[i]!;
    expect(checksum).toBeGreaterThan(0);
    expect((process.memoryUsage().rss - before) / 2 ** 20).toBeLessThan(100);
  });
});
