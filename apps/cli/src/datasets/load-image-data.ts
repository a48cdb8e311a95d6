import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { ImageDataset } from '@selfsup/data';
import { UsageError } from '../commands/parse-flags';
import { findDataset, isDataPath } from './dataset-registry';

/**
 * The images of a `--data` value: a split of a built-in image dataset, or a folder of your own
 * images (one subfolder per class; with `train/` and `test/` subfolders, the split's). With
 * `limit`, only the first `limit` images.
 *
 * @param data a dataset id or a folder path.
 * @param split 'train' or 'test'.
 * @param limit keep the first `limit` images.
 * @param purpose what needs the images, for error messages (e.g. `'simclr'`).
 * @returns the images as compact bytes.
 * @throws UsageError for unknown ids, missing paths and datasets that are not images.
 * @example const test = await loadImageData('mnist', 'test', 1000, 'finetune');
 */
export async function loadImageData(
  data: string,
  split: 'train' | 'test',
  limit: number | undefined,
  purpose: string,
): Promise<ImageDataset> {
  const { loadImageFolder, selectImages } = await import('@selfsup/data');
  let dataset: ImageDataset;
  if (isDataPath(data)) {
    if (!existsSync(data)) {
      throw new UsageError(
        `--data ${data}: no such file or folder. Give a folder of images (one subfolder per class) or a dataset id (\`selfsup datasets\`).`,
      );
    }
    if (!statSync(data).isDirectory()) {
      throw new UsageError(
        `--data ${data} is a file, but ${purpose} needs images: give a folder of images (one subfolder per class).`,
      );
    }
    const splitFolder = join(data, split);
    const folder = existsSync(splitFolder) ? splitFolder : data;
    try {
      dataset = loadImageFolder(folder, { split, skipBadFiles: true });
    } catch (error) {
      throw new UsageError(`--data ${data}: ${(error as Error).message}`);
    }
  } else {
    const entry = findDataset(data);
    if (entry.loadImages === undefined) {
      throw new UsageError(
        `--data ${data} is a ${entry.modality} dataset, but ${purpose} needs images: use mnist, fashion-mnist or a folder of images.`,
      );
    }
    dataset = await entry.loadImages(split);
  }
  if (limit !== undefined && limit < dataset.count) {
    dataset = selectImages(
      dataset,
      Array.from({ length: limit }, (_, index) => index),
    );
  }
  return dataset;
}
