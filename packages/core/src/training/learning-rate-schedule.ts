/** The shape of the learning rate after warmup. */
export type ScheduleName = 'cosine' | 'constant';

/** Options of {@link createLearningRateSchedule}. */
export type LearningRateScheduleOptions = {
  /** The peak learning rate, reached at the end of warmup. */
  readonly learningRate: number;
  /** Steps of linear warmup: step `s < warmupSteps` uses `learningRate·(s + 1)/warmupSteps`. @default 0 */
  readonly warmupSteps?: number;
  /** Steps of the whole run (cosine reaches the floor at the last one). Needed for `'cosine'`. */
  readonly totalSteps?: number;
  /** `'cosine'` decays to {@link LearningRateScheduleOptions.minimumLearningRate}; `'constant'` stays at the peak. @default 'cosine' */
  readonly schedule?: ScheduleName;
  /** The floor of the cosine decay. @default 0 */
  readonly minimumLearningRate?: number;
};

/**
 * Builds a learning-rate schedule: linear warmup, then cosine decay to a floor (SGDR, Loshchilov
 * & Hutter 2017, without restarts, as in SimCLR, MAE and GPT recipes) or a constant rate.
 *
 * Cosine: with `p = (s − warmup)/(total − 1 − warmup)` clamped to [0, 1],
 * `lr(s) = floor + (peak − floor)·(1 + cos(πp))/2`, so the first step after warmup is at the
 * peak and the last step (`total − 1`) at the floor.
 *
 * @param options peak rate, warmup, total steps, shape and floor.
 * @returns a pure function from the 0-based step to its learning rate.
 * @example
 * const rate = createLearningRateSchedule({ learningRate: 1e-3, warmupSteps: 10, totalSteps: 100 });
 * rate(0); // 1e-4
 */
export function createLearningRateSchedule(
  options: LearningRateScheduleOptions,
): (step: number) => number {
  const {
    learningRate,
    warmupSteps = 0,
    totalSteps,
    schedule = 'cosine',
    minimumLearningRate = 0,
  } = options;
  if (!Number.isFinite(learningRate) || learningRate < 0) {
    throw new RangeError(`learningRate must be a finite number ≥ 0, got ${learningRate}.`);
  }
  if (!Number.isInteger(warmupSteps) || warmupSteps < 0) {
    throw new RangeError(`warmupSteps must be an integer ≥ 0, got ${warmupSteps}.`);
  }
  if (!(minimumLearningRate >= 0 && minimumLearningRate <= learningRate)) {
    throw new RangeError(
      `minimumLearningRate must be in [0, learningRate = ${learningRate}], got ${minimumLearningRate}.`,
    );
  }
  if (
    schedule === 'cosine' &&
    (totalSteps === undefined || !Number.isInteger(totalSteps) || totalSteps < 1)
  ) {
    throw new RangeError(
      `The cosine schedule needs totalSteps (a positive integer), got ${totalSteps}: set steps (or epochs), or use schedule: 'constant'.`,
    );
  }
  return (step: number): number => {
    if (step < warmupSteps) return (learningRate * (step + 1)) / warmupSteps;
    if (schedule === 'constant') return learningRate;
    const decaySteps = Math.max(1, (totalSteps ?? 1) - 1 - warmupSteps);
    const progress = Math.min(1, Math.max(0, (step - warmupSteps) / decaySteps));
    return (
      minimumLearningRate +
      ((learningRate - minimumLearningRate) * (1 + Math.cos(Math.PI * progress))) / 2
    );
  };
}
