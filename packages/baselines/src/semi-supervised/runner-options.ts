import type { EncoderV1 } from '@selfsup/core';
import type { SemiSupervisedTrainingOptions } from './semi-supervised-training';

/** Options every semi-supervised runner takes: the encoder factory, its name and the budget. */
export type SemiSupervisedRunnerOptions = SemiSupervisedTrainingOptions & {
  /**
   * Builds the architecture with fresh random weights from `seed` (called once per run, disposed
   * after it): the same factory as the scratch baseline's, so every paradigm trains the same network.
   */
  readonly createEncoder: (seed: number) => EncoderV1 | Promise<EncoderV1>;
  /** The runner's name in result rows. @default the method's name */
  readonly name?: string;
};

/** A linear ramp from 0 at `start` to 1 at `end` (steps), constant outside. */
export function linearRamp(step: number, start: number, end: number): number {
  if (step <= start) return 0;
  if (step >= end) return 1;
  return (step - start) / (end - start);
}

/** Throws unless `value` is a number > 0 (or ≥ 0 when `allowZero`). */
export function checkPositive(value: number, name: string, allowZero = false): void {
  if (!Number.isFinite(value) || value < 0 || (!allowZero && value === 0)) {
    throw new RangeError(`${name} must be ${allowZero ? '≥ 0' : '> 0'}, got ${value}.`);
  }
}
