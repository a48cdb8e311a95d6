import { describe, expect, it } from 'vitest';
import { createLearningRateSchedule } from './learning-rate-schedule';

describe('createLearningRateSchedule', () => {
  it('warms up linearly then decays along a cosine to the floor', () => {
    const rate = createLearningRateSchedule({
      learningRate: 1,
      warmupSteps: 4,
      totalSteps: 14,
      minimumLearningRate: 0.1,
    });
    expect([0, 1, 2, 3].map(rate)).toEqual([0.25, 0.5, 0.75, 1]);
    expect(rate(4)).toBeCloseTo(1, 12);
    // Halfway through the decay (steps 4..13, 9 intervals), the rate is halfway between peak and floor.
    expect(rate(8.5)).toBeCloseTo(0.55, 12);
    expect(rate(6)).toBeCloseTo(0.1 + (0.9 * (1 + Math.cos((Math.PI * 2) / 9))) / 2, 12);
    expect(rate(13)).toBeCloseTo(0.1, 12);
    expect(rate(100)).toBeCloseTo(0.1, 12);
    for (let step = 4; step < 13; step++) expect(rate(step + 1)).toBeLessThan(rate(step));
  });

  it('stays constant after warmup with the constant schedule, which needs no total', () => {
    const rate = createLearningRateSchedule({
      learningRate: 0.3,
      warmupSteps: 2,
      schedule: 'constant',
    });
    expect([0, 1, 2, 50].map(rate)).toEqual([0.15, 0.3, 0.3, 0.3]);
  });

  it('rejects what it cannot schedule, saying what to set', () => {
    expect(() => createLearningRateSchedule({ learningRate: 1 })).toThrow(
      /cosine schedule needs totalSteps.*schedule: 'constant'/,
    );
    expect(() => createLearningRateSchedule({ learningRate: -1, schedule: 'constant' })).toThrow(
      /learningRate must be/,
    );
    expect(() =>
      createLearningRateSchedule({ learningRate: 1, totalSteps: 5, minimumLearningRate: 2 }),
    ).toThrow(/minimumLearningRate/);
  });
});
