import type * as tf from '@tensorflow/tfjs';
import type { FinetuneEpochRecord } from './finetune-history';
import type { ResolvedFinetuneOptions } from './finetune-options';
import { snapshotWeights, type WeightSnapshot } from './weight-snapshot';

/** Early-stopping settings with defaults filled in. */
export type EarlyStoppingSettings = Exclude<ResolvedFinetuneOptions['earlyStopping'], false>;

/** Tracks the best validation epoch of a run, keeps its weights and says when to stop. */
export type EarlyStoppingMonitor = {
  /** The best epoch so far, or `null` before the first update. */
  readonly bestEpoch: number | null;
  /** Records an epoch (with validation metrics); returns `true` when training should stop now. */
  update(record: FinetuneEpochRecord): boolean;
  /** Puts back the best weights when asked to and they are not the current ones; returns the outcome. */
  finish(lastEpoch: number): {
    readonly bestEpoch: number | null;
    readonly restoredBestWeights: boolean;
  };
  /** Frees the saved weights. */
  dispose(): void;
};

/**
 * Early stopping as in Keras' `EarlyStopping(restore_best_weights=True)`: stop after `patience`
 * epochs without an improvement larger than `minDelta` of the monitored validation quantity, and
 * keep a copy of the weights of the best epoch (every weight of `models`, BatchNorm statistics
 * included) to restore at the end. No copy is taken at the last epoch, which needs none.
 *
 * @param settings patience, monitored quantity, minimum improvement, restore flag.
 * @param epochs the epoch budget.
 * @param models the models being trained.
 * @returns the monitor.
 * @example
 * const monitor = createEarlyStoppingMonitor(settings, 30, [head]);
 * if (monitor.update(record)) break;
 * monitor.finish(record.epoch); monitor.dispose();
 */
export function createEarlyStoppingMonitor(
  settings: EarlyStoppingSettings,
  epochs: number,
  models: readonly tf.LayersModel[],
): EarlyStoppingMonitor {
  let best: WeightSnapshot | undefined;
  let bestEpoch: number | null = null;
  let bestValue = Number.NaN;
  let waited = 0;
  return {
    get bestEpoch() {
      return bestEpoch;
    },
    update(record) {
      const value =
        settings.monitor === 'accuracy' ? record.validationAccuracy : record.validationLoss;
      if (value === undefined) {
        throw new Error(
          `Early stopping on '${settings.monitor}' found no validation ${settings.monitor} at epoch ${record.epoch}.`,
        );
      }
      const improved =
        bestEpoch === null ||
        (settings.monitor === 'accuracy'
          ? value > bestValue + settings.minDelta
          : value < bestValue - settings.minDelta);
      if (!improved) return ++waited >= settings.patience && record.epoch < epochs;
      bestValue = value;
      bestEpoch = record.epoch;
      waited = 0;
      best?.dispose();
      best =
        settings.restoreBestWeights && record.epoch < epochs ? snapshotWeights(models) : undefined;
      return false;
    },
    finish(lastEpoch) {
      const restoredBestWeights = best !== undefined && bestEpoch !== lastEpoch;
      if (restoredBestWeights) best!.restore();
      return { bestEpoch, restoredBestWeights };
    },
    dispose() {
      best?.dispose();
      best = undefined;
    },
  };
}
