import { SeededRandom } from '@selfsup/core';
import { describe, expect, it } from 'vitest';
import { sampleFrameOrderTuples } from './frame-order-prediction';
import { framePermutationClass, framePermutationClasses } from './frame-permutations';

describe('framePermutationClasses', () => {
  it('has n!/2 classes, identity first, each closed under reversal', () => {
    expect(framePermutationClasses(3)).toEqual([
      [0, 1, 2],
      [0, 2, 1],
      [1, 0, 2],
    ]);
    expect(framePermutationClasses(4)).toHaveLength(12);
    expect(framePermutationClasses(5)).toHaveLength(60);
    const classes = framePermutationClasses(4);
    classes.forEach((permutation, index) => {
      expect(framePermutationClass([...permutation].reverse(), classes)).toBe(index);
    });
    expect(() => framePermutationClasses(1)).toThrow(/2 to 6 frames/);
    expect(() => framePermutationClass([0, 0, 1], framePermutationClasses(3))).toThrow(
      /not a permutation of 0..2/,
    );
  });
});

describe('sampleFrameOrderTuples', () => {
  it('draws every permutation class uniformly, forwards and backwards, from distinct frames', () => {
    const clips = 6000;
    const clipLength = 8;
    const classes = framePermutationClasses(3);
    const { frames, labels } = sampleFrameOrderTuples(
      new SeededRandom(3),
      clips,
      clipLength,
      3,
      'permutation',
    );
    const counts = new Array<number>(classes.length).fill(0);
    let backwards = 0;
    for (let clip = 0; clip < clips; clip++) {
      const shown = Array.from(frames.subarray(clip * 3, clip * 3 + 3));
      // Frames come from their own clip and are distinct.
      for (const frame of shown) expect(Math.floor(frame / clipLength)).toBe(clip);
      expect(new Set(shown).size).toBe(3);
      // The order shown is the labeled class (forwards or backwards).
      const sorted = [...shown].sort((a, b) => a - b);
      const permutation = shown.map((frame) => sorted.indexOf(frame));
      expect(framePermutationClass(permutation, classes)).toBe(labels[clip]);
      if (permutation[0]! > permutation[2]!) backwards++;
      counts[labels[clip]!]!++;
    }
    for (const count of counts) expect(Math.abs(count / clips - 1 / 3)).toBeLessThan(0.025);
    expect(Math.abs(backwards / clips - 0.5)).toBeLessThan(0.025);
  });

  it('binary: half in order (either direction), half shuffled, never a disguised identity', () => {
    const clips = 4000;
    const { frames, labels } = sampleFrameOrderTuples(new SeededRandom(5), clips, 6, 4, 'binary');
    let positives = 0;
    for (let clip = 0; clip < clips; clip++) {
      const shown = Array.from(frames.subarray(clip * 4, clip * 4 + 4));
      const increasing = shown.every((frame, i) => i === 0 || frame > shown[i - 1]!);
      const decreasing = shown.every((frame, i) => i === 0 || frame < shown[i - 1]!);
      expect(labels[clip] === 1).toBe(increasing || decreasing);
      positives += labels[clip]!;
    }
    expect(Math.abs(positives / clips - 0.5)).toBeLessThan(0.03);
  });

  it('rejects clips shorter than the tuple', () => {
    expect(() => sampleFrameOrderTuples(new SeededRandom(0), 2, 2, 3, 'permutation')).toThrow(
      /at least 3 frames/,
    );
  });
});
