/** One epoch of a {@link FinetuneHistory}. */
export type FinetuneEpochRecord = {
  /** 1-based epoch. */
  readonly epoch: number;
  /** Mean training loss over the epoch's batches. */
  readonly trainLoss: number;
  /** Validation loss (cross-entropy or mean squared error), when there is a validation set. */
  readonly validationLoss?: number;
  /** Validation accuracy, for classification with a validation set. */
  readonly validationAccuracy?: number;
};

/** What happened during {@link finetune}: plain JSON data. */
export type FinetuneHistory = {
  /** One record per epoch trained (empty in 'knn' mode). */
  readonly epochs: readonly FinetuneEpochRecord[];
  /** The best epoch by the monitored validation metric, or `null` without validation or early stopping. */
  readonly bestEpoch: number | null;
  /** Whether the weights of {@link FinetuneHistory.bestEpoch} were put back at the end. */
  readonly restoredBestWeights: boolean;
  /** Whether early stopping ended training before the epoch budget. */
  readonly stoppedEarly: boolean;
  /** With `linearProbeFirst` ('full' mode): the history of the linear probe that initialised the head. */
  readonly linearProbe?: FinetuneHistory;
};
