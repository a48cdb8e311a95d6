import type { BatchSourceV1 } from '@selfsup/core';
import type { DatasetDescription, ImageDataset } from '../image-dataset';
import { loadMnist } from '../mnist';
import * as generator from './captioned-mnist-generator';
import type { CaptionBatch, CaptionedImageSet, CaptionSourceOptions } from './shapes';

export type { CaptionedMnistExample } from './captioned-mnist-generator';
export {
  captionMnistImage,
  mnistCaptionWords,
  mnistPromptTemplates,
  mnistTrainingTemplates,
  mnistZeroShotPrompts,
} from './captioned-mnist-generator';

/**
 * A resumable, seeded batch source of MNIST image–caption pairs `{ images [B, 28, 28, 1], tokens
 * [B, L], labels [B] }` for CLIP-style training; MNIST (`loadMnist('train')` unless `dataset` is
 * given) is read on the first batch, not before. See the generator's `captionedMnistSource`.
 *
 * @param options batch size, tokenizer, caption length (16), number of batches, and the image
 *   dataset (default `loadMnist('train')`).
 * @returns the batch source, with `describe()`.
 * @example const source = captionedMnistSource({ batchSize: 128, tokenizer });
 */
export function captionedMnistSource(
  options: CaptionSourceOptions & { readonly dataset?: ImageDataset },
): BatchSourceV1<CaptionBatch> & { describe(): DatasetDescription } {
  return generator.captionedMnistSource(options, loadMnist);
}

/**
 * A fixed captioned set: the first `count` images of a dataset (default `loadMnist('test')`), each
 * with a seeded caption; for zero-shot evaluation with `mnistZeroShotPrompts`.
 *
 * @param options `count` (default 1000), `seed` (default 0), `dataset` (default `loadMnist('test')`).
 * @returns compact arrays with captions.
 * @example const test = captionedMnistTestSet({ count: 500 });
 */
export function captionedMnistTestSet(
  options: {
    readonly count?: number;
    readonly seed?: number;
    readonly dataset?: ImageDataset;
  } = {},
): CaptionedImageSet {
  return generator.captionedMnistTestSet(options, loadMnist);
}
