import type { BatchSourceV1 } from '@selfsup/core';
import type { DatasetDescription } from '../image-dataset';
import { loadMnist } from '../mnist';
import type {
  MovingMnistBatch,
  MovingMnistExample,
  MovingMnistOptions,
  MovingMnistSet,
} from './moving-mnist-generator';
import * as generator from './moving-mnist-generator';

export type {
  MovingMnistBatch,
  MovingMnistExample,
  MovingMnistOptions,
  MovingMnistSet,
} from './moving-mnist-generator';
export { movingMnistSetToTensors, shuffleFrameOrder } from './moving-mnist-generator';

/**
 * Generates one Moving MNIST sequence (Srivastava, Mansimov & Salakhutdinov 2015) from MNIST
 * digits (`loadMnist(split)` unless `options.dataset` is given); see the generator's
 * `movingMnistExample` for the generative process.
 *
 * @param seed the sequence's seed; the same seed (and dataset) gives the same bytes.
 * @param options frames (10), size (64), digits (1), dataset (MNIST train); see {@link MovingMnistOptions}.
 * @returns frames (uint8), the digits' classes and their boxes per frame.
 * @example
 * const { frames, labels } = movingMnistExample(deriveSeed(1, 0), { size: 64 });
 */
export function movingMnistExample(
  seed: number,
  options: MovingMnistOptions = {},
): MovingMnistExample {
  return generator.movingMnistExample(seed, options, loadMnist);
}

/**
 * A resumable, seeded batch source of Moving MNIST sequences `{ frames [B, F, H, W, 1], labels
 * [B], digitLabels [B, D] }`; MNIST (`loadMnist(split)` unless `dataset` is given) is read on the
 * first batch, not before.
 *
 * @param options batch size, number of batches, and {@link MovingMnistOptions}.
 * @returns the batch source, with `describe()`.
 * @example
 * const source = movingMnistSource({ batchSize: 16, frames: 10, size: 64 });
 */
export function movingMnistSource(
  options: MovingMnistOptions & { readonly batchSize: number; readonly batches?: number },
): BatchSourceV1<MovingMnistBatch> & { describe(): DatasetDescription } {
  return generator.movingMnistSource(options, loadMnist);
}

/**
 * A fixed set of Moving MNIST sequences (digits from `loadMnist('test')` unless `dataset` is
 * given), from a stream that training batches never use, as compact bytes.
 *
 * @param options `count` (default 100), `seed` (default 0) and {@link MovingMnistOptions}.
 * @returns the sequences; `movingMnistSetToTensors` makes the `[N, F, H, W, 1]` tensors.
 * @example
 * const test = movingMnistTestSet({ count: 64, size: 28 });
 */
export function movingMnistTestSet(
  options: MovingMnistOptions & { readonly count?: number; readonly seed?: number } = {},
): MovingMnistSet {
  return generator.movingMnistTestSet(options, loadMnist);
}
