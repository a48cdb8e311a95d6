import type { BatchSourceV1 } from '@selfsup/core';
import { SeededRandom } from '@selfsup/core';
import * as tf from '@tensorflow/tfjs';
import type { ImageDataset } from './image-dataset';

/** A batch of images `[B, H, W, C]` in [0, 1] and their labels `[B]` (int32). */
export type ImageBatch = { readonly images: tf.Tensor4D; readonly labels: tf.Tensor1D };

/** Options of {@link imageBatchSource}. */
export type ImageBatchSourceOptions = {
  /** Examples per batch. */
  readonly batchSize: number;
  /** Reshuffle every epoch with a seed derived from the run seed. @default true */
  readonly shuffle?: boolean;
  /** Stop after this many epochs; infinite when absent. */
  readonly epochs?: number;
};

/**
 * A resumable, seeded {@link BatchSourceV1} over an image dataset: each epoch is a permutation
 * drawn from (seed, epoch); the last incomplete batch of an epoch is dropped so every batch has
 * the same size. Only one batch at a time becomes a tensor.
 *
 * @example
 * const source = imageBatchSource(loadMnist('train'), { batchSize: 256 });
 * await pretrain(objective, source, { steps: 100, seed: 1 });
 */
export function imageBatchSource(
  dataset: ImageDataset,
  options: ImageBatchSourceOptions,
): BatchSourceV1<ImageBatch> & {
  readonly batchesPerEpoch: number;
} {
  const { batchSize, shuffle = true, epochs } = options;
  if (!(Number.isInteger(batchSize) && batchSize > 0 && batchSize <= dataset.count)) {
    throw new RangeError(
      `batchSize must be an integer in [1, ${dataset.count}], got ${batchSize}.`,
    );
  }
  const size = dataset.height * dataset.width * dataset.channels;
  const batchesPerEpoch = Math.floor(dataset.count / batchSize);
  return {
    specificationVersion: 'v1',
    batchesPerEpoch,
    *batches({ position, seed }) {
      let epoch = Math.floor(position / batchesPerEpoch);
      let index = position % batchesPerEpoch;
      while (epochs === undefined || epoch < epochs) {
        const order = shuffle
          ? new SeededRandom(seed * 1000003 + epoch).permutation(dataset.count)
          : null;
        for (; index < batchesPerEpoch; index++) {
          const pixels = new Float32Array(batchSize * size);
          const labels = new Int32Array(batchSize);
          for (let row = 0; row < batchSize; row++) {
            const example = order ? order[index * batchSize + row]! : index * batchSize + row;
            const offset = example * size;
            for (let i = 0; i < size; i++)
              pixels[row * size + i] = dataset.images[offset + i]! / 255;
            labels[row] = dataset.labels[example]!;
          }
          yield {
            images: tf.tensor4d(pixels, [
              batchSize,
              dataset.height,
              dataset.width,
              dataset.channels,
            ]),
            labels: tf.tensor1d(labels, 'int32'),
          };
        }
        index = 0;
        epoch++;
      }
    },
  };
}

/** The images of a dataset (or of `indices`) as one `[N, H, W, C]` tensor in [0, 1]. */
export function imagesToTensor(dataset: ImageDataset, indices?: ArrayLike<number>): tf.Tensor4D {
  const size = dataset.height * dataset.width * dataset.channels;
  const count = indices ? indices.length : dataset.count;
  const pixels = new Float32Array(count * size);
  for (let row = 0; row < count; row++) {
    const offset = (indices ? indices[row]! : row) * size;
    for (let i = 0; i < size; i++) pixels[row * size + i] = dataset.images[offset + i]! / 255;
  }
  return tf.tensor4d(pixels, [count, dataset.height, dataset.width, dataset.channels]);
}
