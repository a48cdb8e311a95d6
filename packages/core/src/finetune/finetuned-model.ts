import * as tf from '@tensorflow/tfjs';
import type { EncoderV1 } from '../spec/encoder-v1';
import { encodeBatch } from './encode-batch';
import { mapBatches } from './extract-features';
import type { FinetuneHistory } from './finetune-history';
import type { FinetuneMode } from './finetune-options';
import { knnScores } from './knn-scores';
import type { FinetuneTask } from './labeled-data';

/** Options of the batched prediction methods of a {@link FinetunedModel}. */
export type PredictOptions = {
  /** Examples per forward pass. @default the model's `inferenceBatchSize` */
  readonly batchSize?: number;
};

/**
 * An encoder with a trained head (or a kNN memory bank), returned by {@link finetune}.
 *
 * It references the encoder but does not own it: `dispose()` frees the head and the bank, and the
 * caller disposes the encoder. Prediction runs in batches with the encoder in inference mode.
 */
export type FinetunedModel = {
  /** How the model was made. */
  readonly mode: FinetuneMode;
  /** Classification or regression. */
  readonly task: FinetuneTask;
  /** Number of classes (classification), else `undefined`. */
  readonly numClasses: number | undefined;
  /** Scores per example: `numClasses` (classification) or the number of regression targets. */
  readonly outputSize: number;
  /** The encoder (trained in place in 'full' mode). */
  readonly encoder: EncoderV1;
  /** The dense head on the encoder's features (`[B, outputSize]` logits or targets); `undefined` in 'knn' mode. */
  readonly head: tf.Sequential | undefined;
  /** Training history (JSON data). */
  readonly history: FinetuneHistory;
  /**
   * Scores of one batch, as a tensor the caller disposes: class probabilities `[B, numClasses]`
   * (classification) or predicted targets `[B, T]` (regression).
   */
  predictBatch(inputs: tf.Tensor): tf.Tensor2D;
  /** Class ids (`Int32Array`, classification) or row-major targets (`Float32Array`, regression) of a whole set. */
  predict(inputs: tf.Tensor, options?: PredictOptions): Promise<Int32Array | Float32Array>;
  /** Class probabilities `[N, numClasses]` of a whole set (classification only); the caller disposes the tensor. */
  predictProbabilities(inputs: tf.Tensor, options?: PredictOptions): Promise<tf.Tensor2D>;
  /** Frees the head and the kNN bank (not the encoder). */
  dispose(): void;
};

/** A kNN memory bank: normalised training features and their targets. */
export type KnnBank = {
  readonly features: tf.Tensor2D;
  readonly targets: tf.Tensor2D;
  readonly k: number;
  readonly temperature: number;
};

/** What {@link createFinetunedModel} assembles. */
export type FinetunedModelParts = {
  readonly mode: FinetuneMode;
  readonly task: FinetuneTask;
  readonly numClasses: number | undefined;
  readonly outputSize: number;
  readonly encoder: EncoderV1;
  readonly history: FinetuneHistory;
  readonly inferenceBatchSize: number;
  readonly head?: tf.Sequential;
  readonly knnBank?: KnnBank;
};

/**
 * Assembles a {@link FinetunedModel} from a head or a kNN bank (used by {@link finetune}).
 *
 * @param parts the trained pieces.
 * @returns the model.
 * @example const model = createFinetunedModel({ mode: 'linear-probe', task: 'classification', numClasses: 2, outputSize: 2, encoder, history, inferenceBatchSize: 256, head });
 */
export function createFinetunedModel(parts: FinetunedModelParts): FinetunedModel {
  const {
    mode,
    task,
    numClasses,
    outputSize,
    encoder,
    history,
    inferenceBatchSize,
    head,
    knnBank,
  } = parts;
  let disposed = false;
  const checkAlive = (): void => {
    if (disposed) throw new Error('This FinetunedModel was disposed: finetune again to predict.');
  };
  const predictBatch = (inputs: tf.Tensor): tf.Tensor2D => {
    checkAlive();
    return tf.tidy(() => {
      const features = encodeBatch(encoder, inputs, false);
      if (knnBank) {
        return knnScores(features, knnBank.features, knnBank.targets, {
          k: knnBank.k,
          temperature: knnBank.temperature,
          bankNormalized: true,
        });
      }
      const outputs = head!.apply(features, { training: false }) as tf.Tensor2D;
      return task === 'classification' ? tf.softmax(outputs) : outputs;
    });
  };
  const predictScores = (inputs: tf.Tensor, options: PredictOptions): tf.Tensor2D =>
    mapBatches(inputs, options.batchSize ?? inferenceBatchSize, predictBatch);
  return {
    mode,
    task,
    numClasses,
    outputSize,
    encoder,
    head,
    history,
    predictBatch,
    async predict(inputs, options = {}) {
      if (task === 'regression') {
        const scores = predictScores(inputs, options);
        const values = Float32Array.from(await scores.data());
        scores.dispose();
        return values;
      }
      const classIds = mapBatches(
        inputs,
        options.batchSize ?? inferenceBatchSize,
        (batch) => tf.expandDims(tf.argMax(predictBatch(batch), 1), 1) as tf.Tensor2D,
      );
      const values = Int32Array.from(await classIds.data());
      classIds.dispose();
      return values;
    },
    async predictProbabilities(inputs, options = {}) {
      if (task !== 'classification') {
        throw new Error(
          'predictProbabilities is for classification models: use predict() for regression targets.',
        );
      }
      return predictScores(inputs, options);
    },
    dispose() {
      if (disposed) return;
      disposed = true;
      head?.dispose();
      if (knnBank) tf.dispose([knnBank.features, knnBank.targets]);
    },
  };
}
