import { type ImageDataset, mnistClassNames, parseIdxBytes } from '@selfsup/data/browser';

async function fetchBytes(url: string): Promise<Uint8Array> {
  const response = await fetch(url);
  if (!response.ok) {
    throw new Error(
      `Could not fetch ${url} (HTTP ${response.status}): rebuild the site (vite build writes public/data/).`,
    );
  }
  return new Uint8Array(await response.arrayBuffer());
}

/**
 * Fetches the site's small MNIST subset (written at build time by
 * `build-tools/write-mnist-subset.ts`: the first 1,024 training and 512 test images) as the
 * same {@link ImageDataset} type `@selfsup/data` gives in Node.
 *
 * @param split 'train' or 'test'.
 * @param baseUrl Where the IDX files are served. @default the site's `data/` folder
 * @returns The images `[N, 28, 28, 1]` as bytes and their labels.
 * @example
 * const train = await fetchMnistSubset('train'); // train.count === 1024
 */
export async function fetchMnistSubset(
  split: 'train' | 'test',
  baseUrl = `${import.meta.env.BASE_URL}data/`,
): Promise<ImageDataset> {
  const imagesUrl = `${baseUrl}mnist-${split}-images.idx`;
  const labelsUrl = `${baseUrl}mnist-${split}-labels.idx`;
  const [imageBytes, labelBytes] = await Promise.all([
    fetchBytes(imagesUrl),
    fetchBytes(labelsUrl),
  ]);
  const images = parseIdxBytes(imageBytes, imagesUrl);
  const labels = parseIdxBytes(labelBytes, labelsUrl);
  const [count, height, width] = images.shape as [number, number, number];
  if (labels.shape[0] !== count) {
    throw new Error(`${labelsUrl} has ${labels.shape[0]} labels for ${count} images: rebuild.`);
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
