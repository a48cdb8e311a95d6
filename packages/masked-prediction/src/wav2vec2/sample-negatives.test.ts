import { initBackend, maskSpans } from '@selfsup/core';
import { beforeAll, describe, expect, it } from 'vitest';
import { sampleNegatives } from './sample-negatives';

describe('sampleNegatives', () => {
  beforeAll(async () => {
    await initBackend({ backend: 'wasm', quiet: true });
  });

  it('anchors are exactly the span-masked frames; no distractor is its anchor or leaves the masked frames of its clip', () => {
    const batchSize = 6;
    const length = 49;
    const count = 20;
    const spans = maskSpans(batchSize, length, 11);
    const mask = spans.mask.dataSync();
    spans.mask.dispose();
    spans.starts.dispose();
    spans.maskedCounts.dispose();
    const { positions, negatives, anchorCount } = sampleNegatives({
      mask,
      batchSize,
      length,
      count,
      seed: 3,
    });
    const masked = Array.from(mask.entries())
      .filter(([, value]) => value !== 0)
      .map(([index]) => index);
    expect(Array.from(positions)).toEqual(masked);
    expect(anchorCount).toBe(masked.length);
    expect(negatives).toHaveLength(anchorCount * count);
    const maskedCount = new Map<number, number>();
    for (const index of masked) {
      const clip = Math.floor(index / length);
      maskedCount.set(clip, (maskedCount.get(clip) ?? 0) + 1);
    }
    // Violations collected as text (one expect per draw is slow).
    const violations: string[] = [];
    positions.forEach((anchor, row) => {
      const clip = Math.floor(anchor / length);
      for (let draw = 0; draw < count; draw++) {
        const negative = negatives[row * count + draw]!;
        if (negative === anchor) violations.push(`anchor ${anchor} drew itself`);
        if (Math.floor(negative / length) !== clip)
          violations.push(`${negative} is not in clip ${clip}`);
        // Clips with a single masked frame fall back to every frame.
        if ((maskedCount.get(clip) ?? 0) > 1 && mask[negative] !== 1)
          violations.push(`${negative} is not masked`);
      }
    });
    expect(violations).toEqual([]);
    // Same seed, same draws; another seed, other draws.
    const again = sampleNegatives({ mask, batchSize, length, count, seed: 3 });
    expect(Array.from(again.negatives)).toEqual(Array.from(negatives));
    const other = sampleNegatives({ mask, batchSize, length, count, seed: 4 });
    expect(Array.from(other.negatives)).not.toEqual(Array.from(negatives));
  });

  it("draws uniformly over the other candidates; 'all' reaches unmasked frames, a lone masked frame falls back to them", () => {
    const length = 6;
    // Clip 0: frames 1, 2, 4 masked; clip 1: only frame 3 masked.
    const mask = [0, 1, 1, 0, 1, 0, 0, 0, 0, 1, 0, 0];
    const count = 3000;
    const { positions, negatives } = sampleNegatives({
      mask,
      batchSize: 2,
      length,
      count,
      seed: 1,
    });
    expect(Array.from(positions)).toEqual([1, 2, 4, 9]);
    const histogram = (row: number) => {
      const counts = new Map<number, number>();
      for (let draw = 0; draw < count; draw++) {
        const value = negatives[row * count + draw]!;
        counts.set(value, (counts.get(value) ?? 0) + 1);
      }
      return counts;
    };
    const first = histogram(0);
    expect([...first.keys()].sort((a, b) => a - b)).toEqual([2, 4]);
    for (const hits of first.values()) expect(Math.abs(hits / count - 1 / 2)).toBeLessThan(0.05);
    const lone = histogram(3);
    expect([...lone.keys()].sort((a, b) => a - b)).toEqual([6, 7, 8, 10, 11]);
    for (const hits of lone.values()) expect(Math.abs(hits / count - 1 / 5)).toBeLessThan(0.05);
    const everywhere = sampleNegatives({
      mask,
      batchSize: 2,
      length,
      count: 500,
      from: 'all',
      seed: 2,
    });
    const reached = new Set(Array.from(everywhere.negatives.subarray(0, 500)));
    expect([...reached].sort((a, b) => a - b)).toEqual([0, 2, 3, 4, 5]);
    // 'batch': the other masked frames of every clip, never the anchor.
    const batch = sampleNegatives({
      mask,
      batchSize: 2,
      length,
      count: 500,
      from: 'batch',
      seed: 3,
    });
    expect(Array.from(batch.positions)).toEqual([1, 2, 4, 9]);
    batch.positions.forEach((anchor, row) => {
      const drawn = new Set(Array.from(batch.negatives.subarray(row * 500, (row + 1) * 500)));
      expect([...drawn].sort((a, b) => a - b)).toEqual(
        [1, 2, 4, 9].filter((index) => index !== anchor),
      );
    });
  });

  it('explains bad input', () => {
    expect(() => sampleNegatives({ mask: [1, 0, 1], batchSize: 1, length: 4, seed: 1 })).toThrow(
      /batchSize × length = 4/,
    );
    expect(() => sampleNegatives({ mask: [1], batchSize: 1, length: 1, seed: 1 })).toThrow(
      /length ≥ 2/,
    );
    expect(() =>
      sampleNegatives({ mask: [1, 1], batchSize: 1, length: 2, count: 0, seed: 1 }),
    ).toThrow(/count/);
  });
});
