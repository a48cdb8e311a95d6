import type { EncoderV1, FinetunedModel, FinetuneHistory } from '@selfsup/core';
import * as tf from '@tensorflow/tfjs';

/** What {@link createClassifierModel} assembles. */
export type ClassifierModelParts = {
  /** The trained encoder (not owned: the caller disposes it). */
  readonly encoder: EncoderV1;
  /** The dense head on the encoder's features, `[B, numClasses]` logits (owned: disposed with the model). */
  readonly head: tf.Sequential;
  /** Number of classes. */
  readonly numClasses: number;
  /** Training history (records keyed by optimizer step in the `epoch` field). */
  readonly history: FinetuneHistory;
  /** Examples per forward pass when predicting. @default 256 */
  readonly inferenceBatchSize?: number;
};

/**
 * Wraps an encoder and a classification head trained by a custom loop (a semi-supervised method)
 * as core's {@link FinetunedModel} (mode 'full'), so that core's `evaluate` scores it exactly as
 * it scores `finetune`'s models. Prediction runs in batches with the encoder in inference mode.
 *
 * Core assembles its own models with an internal `createFinetunedModel`; this is the same
 * contract, written here because that function is not exported.
 *
 * @param parts encoder, head, classes, history.
 * @returns the model; `dispose()` frees the head, not the encoder.
 * @example
 * const model = createClassifierModel({ encoder, head, numClasses: 10, history });
 * const report = await evaluate(model, test); model.dispose();
 */
export function createClassifierModel(parts: ClassifierModelParts): FinetunedModel {
  const { encoder, head, numClasses, history, inferenceBatchSize = 256 } = parts;
  let disposed = false;
  const predictBatch = (inputs: tf.Tensor): tf.Tensor2D => {
    if (disposed) throw new Error('This classifier was disposed: train it again to predict.');
    return tf.tidy(() => {
      const features = encoder.doEncode(inputs, { training: false });
      return tf.softmax(head.apply(features, { training: false }) as tf.Tensor2D) as tf.Tensor2D;
    });
  };
  const probabilitiesOf = (inputs: tf.Tensor, batchSize: number): tf.Tensor2D => {
    const count = inputs.shape[0]!;
    if (count === 0) return tf.zeros([0, numClasses]);
    const parts: tf.Tensor2D[] = [];
    for (let start = 0; start < count; start += batchSize) {
      const size = Math.min(batchSize, count - start);
      parts.push(tf.tidy(() => predictBatch(inputs.slice(start, size))));
    }
    const all = tf.concat(parts) as tf.Tensor2D;
    tf.dispose(parts);
    return all;
  };
  return {
    mode: 'full',
    task: 'classification',
    numClasses,
    outputSize: numClasses,
    encoder,
    head,
    history,
    predictBatch,
    async predict(inputs, options = {}) {
      const probabilities = probabilitiesOf(inputs, options.batchSize ?? inferenceBatchSize);
      const classIds = tf.argMax(probabilities, 1);
      probabilities.dispose();
      const values = Int32Array.from(await classIds.data());
      classIds.dispose();
      return values;
    },
    async predictProbabilities(inputs, options = {}) {
      return probabilitiesOf(inputs, options.batchSize ?? inferenceBatchSize);
    },
    dispose() {
      if (disposed) return;
      disposed = true;
      head.dispose();
    },
  };
}
