/**
 * A labeled image dataset held as compact bytes: `images` is `[count, height, width, channels]`
 * uint8 in row-major order, `labels` one class index per image.
 */
export type ImageDataset = {
  readonly id: string;
  readonly split: 'train' | 'test';
  readonly count: number;
  readonly height: number;
  readonly width: number;
  readonly channels: number;
  readonly images: Uint8Array;
  readonly labels: Uint8Array;
  readonly classNames: readonly string[];
};

/** Counts, shapes and classes of a dataset split. */
export type DatasetDescription = {
  readonly id: string;
  readonly split: string;
  readonly count: number;
  readonly shape: readonly number[];
  readonly classes: readonly string[];
  readonly countsPerClass: readonly number[];
};

/** Describes an image dataset split: counts, example shape and examples per class. */
export function describeImageDataset(dataset: ImageDataset): DatasetDescription {
  const countsPerClass = new Array<number>(dataset.classNames.length).fill(0);
  for (const label of dataset.labels) countsPerClass[label] = (countsPerClass[label] ?? 0) + 1;
  return {
    id: dataset.id,
    split: dataset.split,
    count: dataset.count,
    shape: [dataset.height, dataset.width, dataset.channels],
    classes: dataset.classNames,
    countsPerClass,
  };
}

/** A new dataset holding the examples at `indices`, in that order (copies the bytes). */
export function selectImages(dataset: ImageDataset, indices: ArrayLike<number>): ImageDataset {
  const size = dataset.height * dataset.width * dataset.channels;
  const images = new Uint8Array(indices.length * size);
  const labels = new Uint8Array(indices.length);
  for (let i = 0; i < indices.length; i++) {
    const index = indices[i]!;
    if (!(index >= 0 && index < dataset.count)) {
      throw new RangeError(
        `Index ${index} is outside ${dataset.id}/${dataset.split} (0..${dataset.count - 1}).`,
      );
    }
    images.set(dataset.images.subarray(index * size, (index + 1) * size), i * size);
    labels[i] = dataset.labels[index]!;
  }
  return { ...dataset, count: indices.length, images, labels };
}
