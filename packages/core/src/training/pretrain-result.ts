/** What `pretrain()` returns. */
export type PretrainResult = {
  /** Optimizer steps done in the run, resumed ones included. */
  readonly step: number;
  /** Steps done by this call. */
  readonly stepsRun: number;
  /** The loss of the last step (undefined when no step ran). */
  readonly loss: number | undefined;
  /** The metrics of the last step. */
  readonly metrics: Readonly<Record<string, number>>;
  /** The loss of every step of this call. */
  readonly history: readonly number[];
  /** Wall-clock seconds of this call. */
  readonly elapsedSeconds: number;
  /** The last checkpoint written (or resumed from). */
  readonly checkpoint?: string;
  /** The checkpoint this call resumed from. */
  readonly resumedFrom?: string;
  /** Worker threads that trained (1: this thread); see `PretrainOptions.workers`. */
  readonly workers: number;
  /** Why the loop ended: the step count was reached, or the (non-resumable) data ran out. */
  readonly stoppedBy: 'steps' | 'data-exhausted';
};
