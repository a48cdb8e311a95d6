import * as tf from '@tensorflow/tfjs';
import { LayersEncoder } from '../../../encoders/layers-encoder';
import { SeededRandom } from '../../../random/seeded-random';
import type { JsonObject } from '../../../spec/json';
import type { ObjectiveV1 } from '../../../spec/objective-v1';
import { allGather, type CollectiveGroup } from '../collective-ops';
import { createExchangeBuffers, SharedMemoryGroup } from '../shared-memory-group';
import { SyncBatchNormalization } from '../sync-batch-normalization';

/** Options of {@link createTinySimclr} (JSON, so a worker can rebuild it). */
export type TinySimclrOptions = {
  readonly inputSize?: number;
  readonly hiddenSize?: number;
  readonly projectionSize?: number;
  readonly temperature?: number;
  readonly seed?: number;
};

/** The tiny SimCLR both data-parallel equality tests train (dense → SyncBN → ReLU → dense). */
export const tinySimclrTestModel: TinySimclrOptions = {
  inputSize: 6,
  hiddenSize: 8,
  projectionSize: 4,
  temperature: 0.5,
  seed: 1,
};

/** A SimCLR batch: the two augmented views of the same examples, row i of each from example i. */
export type TwoViewBatch = { readonly first: tf.Tensor2D; readonly second: tf.Tensor2D };

/**
 * NT-Xent over the global batch (SimCLR, Chen et al. 2020, eq. 1; τ 0.5 as in its CIFAR setup):
 * this worker's 2n anchors against the 2·N·n gathered embeddings of every worker (self excluded);
 * the positive of `first[i]` is `second[i]` and back. The mean over this worker's anchors, averaged
 * over the workers, is the single-worker loss of the whole batch.
 */
function gatheredNtXent(
  first: tf.Tensor2D,
  second: tf.Tensor2D,
  temperature: number,
  group: CollectiveGroup,
): tf.Scalar {
  const rows = first.shape[0];
  const globalRows = rows * group.size;
  const candidates = tf.concat([allGather(first, group), allGather(second, group)]);
  const anchors = tf.concat([first, second]);
  const logits = tf.div(tf.matMul(anchors, candidates, false, true), temperature);
  const selfMask = new Float32Array(2 * rows * 2 * globalRows);
  const labels = new Float32Array(2 * rows * 2 * globalRows);
  for (let anchor = 0; anchor < 2 * rows; anchor++) {
    const local = anchor % rows;
    const ownColumn = (anchor < rows ? 0 : globalRows) + group.rank * rows + local;
    const positiveColumn = (anchor < rows ? globalRows : 0) + group.rank * rows + local;
    selfMask[anchor * 2 * globalRows + ownColumn] = 1e9;
    labels[anchor * 2 * globalRows + positiveColumn] = 1;
  }
  const masked = tf.sub(logits, tf.tensor2d(selfMask, [2 * rows, 2 * globalRows]));
  return tf.losses.softmaxCrossEntropy(
    tf.tensor2d(labels, [2 * rows, 2 * globalRows]),
    masked,
  ) as tf.Scalar;
}

/**
 * A small SimCLR objective for data-parallel tests: dense → SyncBN → ReLU → dense projection,
 * L2-normalised embeddings and NT-Xent with negatives gathered from every worker. Both views go
 * through the encoder as one batch, so the batch statistics cover both views of the global batch.
 *
 * @param options sizes, temperature and seed.
 * @param group the worker's group; a one-worker group when omitted (the single-process reference).
 * @returns an objective over {@link TwoViewBatch}.
 * @example const simclr = createTinySimclr({ inputSize: 6 });
 */
export function createTinySimclr(
  options: TinySimclrOptions = {},
  group?: CollectiveGroup,
): ObjectiveV1<TwoViewBatch> {
  const {
    inputSize = 6,
    hiddenSize = 8,
    projectionSize = 4,
    temperature = 0.5,
    seed = 1,
  } = options;
  const collective = group ?? new SharedMemoryGroup(createExchangeBuffers(1, 4096), 0, 1);
  const random = new SeededRandom(seed);
  const model = tf.sequential({
    name: 'tiny_simclr',
    layers: [
      tf.layers.dense({
        inputShape: [inputSize],
        units: hiddenSize,
        useBias: false,
        kernelInitializer: tf.initializers.glorotUniform({ seed: random.nextSeed() }),
      }),
      new SyncBatchNormalization({ group: collective, momentum: 0.9 }),
      tf.layers.activation({ activation: 'relu' }),
      tf.layers.dense({
        units: projectionSize,
        kernelInitializer: tf.initializers.glorotUniform({ seed: random.nextSeed() }),
      }),
    ],
  });
  const encoder = new LayersEncoder({
    type: 'tiny-simclr',
    config: { type: 'tiny-simclr', inputSize, hiddenSize, projectionSize, seed },
    inputSpec: { modality: 'vector', shape: [inputSize], dtype: 'float32' },
    outputSize: projectionSize,
    model,
  });
  return {
    specificationVersion: 'v1',
    method: 'tiny-simclr',
    encoder,
    heads: {},
    getConfig: (): JsonObject => ({ inputSize, hiddenSize, projectionSize, temperature, seed }),
    doLoss(batch) {
      return tf.tidy(() => {
        const rows = batch.first.shape[0];
        const embeddings = model.apply(tf.concat([batch.first, batch.second]), {
          training: true,
        }) as tf.Tensor2D;
        const normalized = tf.div(
          embeddings,
          tf.norm(embeddings, 2, 1, true).add(1e-12),
        ) as tf.Tensor2D;
        const first = tf.slice(normalized, [0, 0], [rows, projectionSize]);
        const second = tf.slice(normalized, [rows, 0], [rows, projectionSize]);
        return { loss: gatheredNtXent(first, second, temperature, collective) };
      });
    },
    dispose: () => model.dispose(),
  };
}

/**
 * Seeded two-view batches: examples from a few clusters, each view the example plus its own noise.
 *
 * @param count number of batches.
 * @param options batch size, input size, seed.
 * @returns float32 batches (dispose them).
 * @example const batches = twoViewBatches(5, { batchSize: 8 });
 */
export function twoViewBatches(
  count: number,
  options: { batchSize?: number; inputSize?: number; seed?: number } = {},
): TwoViewBatch[] {
  const { batchSize = 8, inputSize = 6, seed = 4 } = options;
  const random = new SeededRandom(seed);
  const centres = Array.from({ length: 4 }, () =>
    Array.from({ length: inputSize }, () => random.nextFloat() * 4 - 2),
  );
  return Array.from({ length: count }, () => {
    const first = new Float32Array(batchSize * inputSize);
    const second = new Float32Array(batchSize * inputSize);
    for (let row = 0; row < batchSize; row++) {
      const centre = centres[random.nextInt(centres.length)] as number[];
      for (let column = 0; column < inputSize; column++) {
        const value = (centre[column] as number) + random.nextFloat() - 0.5;
        first[row * inputSize + column] = value + 0.2 * (random.nextFloat() - 0.5);
        second[row * inputSize + column] = value + 0.2 * (random.nextFloat() - 0.5);
      }
    }
    return {
      first: tf.tensor2d(first, [batchSize, inputSize]),
      second: tf.tensor2d(second, [batchSize, inputSize]),
    };
  });
}
