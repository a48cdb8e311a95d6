/** What `pretrain()` reports after every optimizer step. */
export type PretrainProgressEvent = {
  /** The 0-based step just finished (`step + 1` steps are done). */
  readonly step: number;
  /** Steps of the whole run. */
  readonly totalSteps: number;
  /** The loss of this step (mean over its micro-batches). */
  readonly loss: number;
  /** The objective's metrics of this step. */
  readonly metrics: Readonly<Record<string, number>>;
  /** The global L2 norm of the gradients, before clipping. */
  readonly gradientNorm: number;
  /** The learning rate used by this step. */
  readonly learningRate: number;
  /** Examples per second since this call started, when batches have a batch axis. */
  readonly examplesPerSecond?: number;
  /** Tokens per second, for encoders of `tokens`. */
  readonly tokensPerSecond?: number;
  /** Seconds since this call started. */
  readonly elapsedSeconds: number;
  /** Estimated seconds to the last step. */
  readonly etaSeconds: number;
};
