import * as tf from '@tensorflow/tfjs';
import { createTransformerEncoder } from '../../../encoders/transformer-encoder';
import { SeededRandom } from '../../../random/seeded-random';
import type { JsonObject } from '../../../spec/json';
import type { ObjectiveV1 } from '../../../spec/objective-v1';

/** Options of {@link createTinyGpt} (JSON, so a worker can rebuild it). */
export type TinyGptOptions = {
  readonly vocabularySize?: number;
  readonly blockSize?: number;
  readonly layers?: number;
  readonly heads?: number;
  readonly embeddingSize?: number;
  readonly seed?: number;
  /** Test only: add the worker's rank to the seed, so replicas differ (must be refused). */
  readonly seedByRank?: boolean;
  /** Test only: the loss of this step is NaN (to test the non-finite stop). */
  readonly nanAtStep?: number;
};

/** The tiny GPT both data-parallel equality tests train (one block, 16 dims, vocabulary 16). */
export const tinyGptTestModel: TinyGptOptions = {
  vocabularySize: 16,
  blockSize: 8,
  layers: 1,
  heads: 2,
  embeddingSize: 16,
  seed: 1,
};

/**
 * A small GPT objective for data-parallel tests and benchmarks: core's causal Transformer encoder,
 * a head tied to the token embeddings, and the mean next-token cross-entropy over `[B, T + 1]`
 * token windows (Radford et al. 2018; nanoGPT's model without biases frozen).
 *
 * @param options model shape and seed.
 * @param group the worker's group (only its rank is read, for `seedByRank`).
 * @returns an objective over int32 `[B, T + 1]` windows.
 * @example const gpt = createTinyGpt({ vocabularySize: 16, blockSize: 8 });
 */
export function createTinyGpt(
  options: TinyGptOptions = {},
  group?: { readonly rank: number },
): ObjectiveV1<tf.Tensor2D> {
  const {
    vocabularySize = 16,
    blockSize = 8,
    layers = 1,
    heads = 2,
    embeddingSize = 16,
    seed = 1,
    seedByRank = false,
    nanAtStep,
  } = options;
  const encoder = createTransformerEncoder({
    vocabularySize,
    maxLength: blockSize,
    embeddingSize,
    layers,
    heads,
    causal: true,
    seed: seed + (seedByRank ? (group?.rank ?? 0) : 0),
  });
  return {
    specificationVersion: 'v1',
    method: 'tiny-gpt',
    encoder,
    heads: {},
    getConfig: (): JsonObject => ({
      vocabularySize,
      blockSize,
      layers,
      heads,
      embeddingSize,
      seed,
    }),
    doLoss(batch, context) {
      return tf.tidy(() => {
        const [rows, columns] = batch.shape;
        const length = columns - 1;
        const inputs = tf.slice(batch, [0, 0], [rows, length]);
        const targets = tf.slice(batch, [0, 1], [rows, length]).reshape([-1]) as tf.Tensor1D;
        const features = encoder.doEncodeSequence(inputs, { training: true });
        const flat = tf.reshape(features, [rows * length, embeddingSize]) as tf.Tensor2D;
        const logits = tf.matMul(flat, encoder.getTokenEmbeddings(), false, true);
        const labels = tf.oneHot(targets, vocabularySize).cast('float32');
        const loss = tf.losses.softmaxCrossEntropy(labels, logits) as tf.Scalar;
        return { loss: context.step === nanAtStep ? loss.mul(Number.NaN) : loss };
      });
    },
    dispose: () => encoder.dispose(),
  };
}

/**
 * Seeded token windows `[batchSize, blockSize + 1]` that repeat a short pattern with noise, so a
 * model can learn them (the loss falls) within a few steps.
 *
 * @param count number of batches.
 * @param options vocabulary, block and batch size, seed.
 * @returns int32 batches (dispose them).
 * @example const batches = tinyTokenBatches(5, { batchSize: 4 });
 */
export function tinyTokenBatches(
  count: number,
  options: { vocabularySize?: number; blockSize?: number; batchSize?: number; seed?: number } = {},
): tf.Tensor2D[] {
  const { vocabularySize = 16, blockSize = 8, batchSize = 4, seed = 3 } = options;
  const random = new SeededRandom(seed);
  return Array.from({ length: count }, () => {
    const values = new Int32Array(batchSize * (blockSize + 1));
    for (let row = 0; row < batchSize; row++) {
      const start = random.nextInt(vocabularySize);
      for (let column = 0; column <= blockSize; column++) {
        const noisy = random.nextFloat() < 0.1;
        values[row * (blockSize + 1) + column] = noisy
          ? random.nextInt(vocabularySize)
          : (start + column) % vocabularySize;
      }
    }
    return tf.tensor2d(values, [batchSize, blockSize + 1], 'int32');
  });
}
