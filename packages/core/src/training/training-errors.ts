import type { PretrainResult } from './pretrain-result';

/**
 * Thrown by `pretrain()` when its `signal` aborts: the current step finished, a checkpoint was
 * saved when a checkpoint directory is set, and `checkpoint` says where (resume from it).
 */
export class TrainingAbortedError extends Error {
  /** Steps done when the run stopped. */
  readonly step: number;
  /** The checkpoint saved on abort (or the last one), if any. */
  readonly checkpoint: string | undefined;
  /** What the run did until it stopped. */
  readonly result: PretrainResult;

  /** @param result the partial result; its `checkpoint` is where the run saved. */
  constructor(result: PretrainResult) {
    super(
      result.checkpoint === undefined
        ? `Training aborted after step ${result.step}; no checkpoint directory was set, so nothing was saved.`
        : `Training aborted after step ${result.step}; saved to ${result.checkpoint}. Resume with { resume: '${result.checkpoint}' }.`,
    );
    this.name = 'AbortError';
    this.step = result.step;
    this.checkpoint = result.checkpoint;
    this.result = result;
  }
}

/**
 * Thrown by `pretrain()` when a loss or gradient norm is NaN or ±Inf: no update was applied at
 * that step and no checkpoint with non-finite weights was written.
 */
export class NonFiniteLossError extends Error {
  /** The 0-based step whose loss or gradient was not finite. */
  readonly step: number;
  /** The last good checkpoint, if any. */
  readonly lastCheckpoint: string | undefined;
  /** What was not finite, e.g. `loss (NaN)`. */
  readonly what: string;
  /** The learning rate of the failing step. */
  readonly learningRate: number;

  /**
   * @param step the failing step.
   * @param what what was not finite, e.g. `loss = NaN`.
   * @param lastCheckpoint the last good checkpoint.
   * @param learningRate the learning rate of the step.
   */
  constructor(
    step: number,
    what: string,
    lastCheckpoint: string | undefined,
    learningRate: number,
  ) {
    super(
      `Non-finite ${what} at step ${step} (learning rate ${learningRate}). ` +
        (lastCheckpoint === undefined
          ? 'There is no checkpoint of this run. '
          : `The last good checkpoint is ${lastCheckpoint}; resume from it with { resume: '${lastCheckpoint}' }. `) +
        'Lower the learning rate, add warmup or set clipNorm.',
    );
    this.name = 'NonFiniteLossError';
    this.step = step;
    this.lastCheckpoint = lastCheckpoint;
    this.what = what;
    this.learningRate = learningRate;
  }
}
