import * as tf from '@tensorflow/tfjs';

/** A saved copy of some models' weights (trainable and not, e.g. BatchNorm statistics). */
export type WeightSnapshot = {
  /** Writes the saved values back into the models. */
  restore(): void;
  /** Frees the copies. */
  dispose(): void;
};

/**
 * Copies every weight of the given models, to restore them later (early stopping).
 *
 * @param models the models whose weights are saved.
 * @returns a snapshot to restore or dispose.
 * @example const best = snapshotWeights([encoder.model, head]); best.restore(); best.dispose();
 */
export function snapshotWeights(models: readonly tf.LayersModel[]): WeightSnapshot {
  const weights = models.flatMap((model) => model.weights);
  const copies = tf.tidy(() => weights.map((weight) => tf.clone(weight.read())));
  return {
    restore() {
      for (const [index, weight] of weights.entries()) weight.write(copies[index]!);
    },
    dispose() {
      tf.dispose(copies);
    },
  };
}
