import type { BatchSourceV1, TokenizerV1 } from '@selfsup/core';
import { deriveSeed, SeededRandom } from '@selfsup/core';
import * as tf from '@tensorflow/tfjs';
import type { DatasetDescription } from '../image-dataset';
import { fillTemplate, tokenizeCaptions } from './caption-templates';

/** The shape classes, in label order. */
export const shapeNames = ['circle', 'square', 'triangle', 'diamond', 'cross'] as const;

/** The colours and their base RGB values, in colour-label order. */
export const shapeColours = [
  { name: 'red', rgb: [220, 40, 40] },
  { name: 'green', rgb: [40, 190, 60] },
  { name: 'blue', rgb: [50, 80, 230] },
  { name: 'yellow', rgb: [235, 220, 50] },
  { name: 'purple', rgb: [150, 60, 200] },
  { name: 'orange', rgb: [245, 140, 30] },
  { name: 'cyan', rgb: [40, 210, 220] },
  { name: 'white', rgb: [240, 240, 240] },
] as const;

/** The words of each caption slot of the shapes captions. */
export const shapeCaptionWords = {
  shape: shapeNames,
  colour: shapeColours.map((colour) => colour.name),
  size: ['small', 'medium', 'large'],
  horizontal: ['left', 'centre', 'right'],
  vertical: ['top', 'middle', 'bottom'],
  place: ['on the left', 'in the centre', 'on the right'],
} as const;

/** Templates of the training captions (every one names the colour, so none is a zero-shot prompt). */
export const shapeTrainingTemplates = [
  'a {colour} {shape}',
  'a {size} {colour} {shape}',
  'a {colour} {shape} {place}',
  'a {size} {colour} {shape} {place}',
  'a {colour} {shape} near the {vertical}',
  'there is a {size} {shape} in {colour}',
  'one {colour} {shape} at the {vertical} {horizontal}',
  '{colour} {shape}, {size}, {place}',
] as const;

/** Prompt templates of zero-shot shape classification, held out of the training captions. */
export const shapePromptTemplates = [
  'a drawing of a {shape}',
  'an illustration of a {shape}',
  'a {shape} icon',
  'a simple picture showing a {shape}',
] as const;

/** Options of the shapes generator. */
export type ShapesOptions = {
  /** Image height and width in pixels. @default 32 */
  readonly size?: number;
};

/** One shapes image with its attributes and a caption. */
export type ShapesExample = {
  /** `size × size × 3` RGB bytes, row-major. */
  readonly image: Uint8Array;
  /** Shape class ({@link shapeNames}). */
  readonly label: number;
  /** Colour class ({@link shapeColours}). */
  readonly colour: number;
  /** The slot words of this image (shape, colour, size, horizontal, vertical, place). */
  readonly words: Readonly<Record<keyof typeof shapeCaptionWords, string>>;
  /** A caption from a random training template. */
  readonly caption: string;
};

/** A batch of images `[B, H, W, 3]` in [0, 1], caption ids `[B, L]` and shape classes `[B]`. */
export type CaptionBatch = {
  readonly images: tf.Tensor4D;
  readonly tokens: tf.Tensor2D;
  readonly labels: tf.Tensor1D;
};

/** Options of caption batch sources. */
export type CaptionSourceOptions = {
  /** Examples per batch. */
  readonly batchSize: number;
  /** Turns captions into ids. */
  readonly tokenizer: TokenizerV1;
  /** Tokens per caption (truncated, then padded). @default 16 */
  readonly maxLength?: number;
  /** Stop after this many batches; infinite when absent. */
  readonly batches?: number;
};

const trainingStream = 1;
const testStream = 2;

function checkSize(size: number): number {
  if (!(Number.isInteger(size) && size >= 16 && size <= 256)) {
    throw new RangeError(`size must be an integer in [16, 256], got ${size}.`);
  }
  return size;
}

/**
 * Whether point (x, y), relative to the centre and rotated into the shape's frame, is inside.
 * Every shape fits in the circle of `radius`, so it stays inside the image at any rotation.
 */
function inside(shape: number, x: number, y: number, radius: number): boolean {
  switch (shape) {
    case 0:
      return x * x + y * y <= radius * radius;
    case 1:
      return Math.abs(x) <= 0.7 * radius && Math.abs(y) <= 0.7 * radius;
    case 2: {
      // Equilateral triangle pointing up (y grows downwards), centred on its centroid.
      const height = 1.5 * radius;
      const top = -radius;
      if (y < top || y > top + height) return false;
      return Math.abs(x) <= (((y - top) / height) * radius * Math.sqrt(3)) / 2;
    }
    case 3:
      return Math.abs(x) + Math.abs(y) <= radius;
    default:
      return (
        (Math.abs(x) <= radius / 3 && Math.abs(y) <= 0.94 * radius) ||
        (Math.abs(y) <= radius / 3 && Math.abs(x) <= 0.94 * radius)
      );
  }
}

/**
 * Generates one shapes image: a coloured circle, square, triangle, diamond or cross on a dark
 * noisy background, rasterised in JS (2 × 2 supersampling), with a caption.
 *
 * Generative process (all draws from `SeededRandom(seed)`): shape and colour uniform; radius
 * 15–38% of the image (small < 22%, large > 30%); centre uniform where the shape fits (its third
 * of the image names the position); rotation ±15°; colour jitter ±25 per channel; background a
 * dark grey (0–60) with ±8 pixel noise; the caption fills a uniformly drawn
 * {@link shapeTrainingTemplates} template. Procedural: no external data or license.
 *
 * @param seed the example's seed; the same seed gives the same bytes and caption.
 * @param options image size (32); see {@link ShapesOptions}.
 * @returns the image, its classes, slot words and caption.
 * @example const { image, caption } = shapesExample(deriveSeed(1, 0)); // 'a small red circle on the left'
 */
export function shapesExample(seed: number, options: ShapesOptions = {}): ShapesExample {
  const size = checkSize(options.size ?? 32);
  const random = new SeededRandom(seed);
  const label = random.nextInt(shapeNames.length);
  const colour = random.nextInt(shapeColours.length);
  const radiusFraction = 0.15 + 0.23 * random.nextFloat();
  const radius = radiusFraction * size;
  const centreX = radius + random.nextFloat() * (size - 2 * radius);
  const centreY = radius + random.nextFloat() * (size - 2 * radius);
  const rotation = ((random.nextFloat() - 0.5) * Math.PI) / 6;
  const base = shapeColours[colour]!.rgb;
  const rgb = base.map((value) =>
    Math.max(0, Math.min(255, value + (random.nextFloat() - 0.5) * 50)),
  );
  const background = random.nextFloat() * 60;
  const image = new Uint8Array(size * size * 3);
  const cos = Math.cos(rotation);
  const sin = Math.sin(rotation);
  for (let row = 0; row < size; row++) {
    for (let column = 0; column < size; column++) {
      let coverage = 0;
      for (const [dy, dx] of [
        [0.25, 0.25],
        [0.25, 0.75],
        [0.75, 0.25],
        [0.75, 0.75],
      ] as const) {
        const x = column + dx - centreX;
        const y = row + dy - centreY;
        if (inside(label, cos * x + sin * y, -sin * x + cos * y, radius)) coverage += 0.25;
      }
      for (let channel = 0; channel < 3; channel++) {
        const noise = (random.nextFloat() - 0.5) * 16;
        const value = coverage * rgb[channel]! + (1 - coverage) * background + noise;
        image[(row * size + column) * 3 + channel] = Math.max(0, Math.min(255, Math.round(value)));
      }
    }
  }
  const third = (value: number) => Math.min(2, Math.floor((3 * value) / size));
  const words = {
    shape: shapeNames[label]!,
    colour: shapeColours[colour]!.name,
    size: radiusFraction < 0.22 ? 'small' : radiusFraction > 0.3 ? 'large' : 'medium',
    horizontal: shapeCaptionWords.horizontal[third(centreX)]!,
    vertical: shapeCaptionWords.vertical[third(centreY)]!,
    place: shapeCaptionWords.place[third(centreX)]!,
  };
  const template = shapeTrainingTemplates[random.nextInt(shapeTrainingTemplates.length)]!;
  return { image, label, colour, words, caption: fillTemplate(template, words) };
}

/**
 * The zero-shot prompts of every shape class: `prompts[c]` fills each {@link shapePromptTemplates}
 * template with class `c` (CLIP-style prompt ensembling: average the text embeddings per class).
 *
 * @returns one list of prompts per class, in label order.
 * @example shapesZeroShotPrompts()[0]; // ['a drawing of a circle', ...]
 */
export function shapesZeroShotPrompts(): string[][] {
  return shapeNames.map((shape) =>
    shapePromptTemplates.map((template) => fillTemplate(template, { shape })),
  );
}

function describeShapes(size: number, split: string, labels?: Int32Array): DatasetDescription {
  const countsPerClass = new Array<number>(shapeNames.length).fill(0);
  for (const label of labels ?? []) countsPerClass[label]! += 1;
  return {
    id: `shapes-${size}`,
    split,
    count: labels?.length ?? Number.POSITIVE_INFINITY,
    shape: [size, size, 3],
    classes: shapeNames,
    countsPerClass,
  };
}

/**
 * A resumable, seeded {@link BatchSourceV1} of shapes image–caption pairs `{ images [B, H, W, 3],
 * tokens [B, L], labels [B] }` for CLIP-style training (see {@link shapesExample}).
 *
 * Example `j` of batch `p` is `shapesExample(deriveSeed(seed, 1, p × B + j))`: batches are a pure
 * function of (seed, position); infinite unless `batches` is given.
 *
 * @param options batch size, tokenizer, caption length (16), number of batches, image size (32).
 * @returns the batch source, with `describe()`.
 * @example const source = shapesSource({ batchSize: 64, tokenizer });
 */
export function shapesSource(
  options: CaptionSourceOptions & ShapesOptions,
): BatchSourceV1<CaptionBatch> & { describe(): DatasetDescription } {
  const { batchSize, tokenizer, maxLength = 16, batches: batchCount } = options;
  const size = checkSize(options.size ?? 32);
  if (!(Number.isInteger(batchSize) && batchSize > 0)) {
    throw new RangeError(`batchSize must be a positive integer, got ${batchSize}.`);
  }
  return {
    specificationVersion: 'v1',
    *batches({ position, seed }) {
      for (let batch = position; batchCount === undefined || batch < batchCount; batch++) {
        const examples = Array.from({ length: batchSize }, (_, row) =>
          shapesExample(deriveSeed(seed, trainingStream, batch * batchSize + row), { size }),
        );
        const pixels = new Float32Array(batchSize * size * size * 3);
        examples.forEach((example, row) => {
          for (let i = 0; i < example.image.length; i++)
            pixels[row * example.image.length + i] = example.image[i]! / 255;
        });
        yield {
          images: tf.tensor4d(pixels, [batchSize, size, size, 3]),
          tokens: tokenizeCaptions(
            examples.map((example) => example.caption),
            tokenizer,
            maxLength,
          ),
          labels: tf.tensor1d(
            examples.map((example) => example.label),
            'int32',
          ),
        };
      }
    },
    describe: () => describeShapes(size, 'train', undefined),
  };
}

/** A fixed labeled set of images with captions, as compact arrays. */
export type CaptionedImageSet = {
  readonly count: number;
  readonly height: number;
  readonly width: number;
  readonly channels: number;
  /** `count × height × width × channels` bytes. */
  readonly images: Uint8Array;
  readonly labels: Int32Array;
  readonly captions: readonly string[];
  readonly classNames: readonly string[];
  describe(): DatasetDescription;
};

/**
 * A fixed, class-balanced shapes set (example `i` has shape `i mod 5`), from a stream that
 * training batches never use; for zero-shot evaluation with {@link shapesZeroShotPrompts}.
 *
 * @param options `count` (default 500), `seed` (default 0), image size (32).
 * @returns compact arrays with captions.
 * @example const test = shapesTestSet({ count: 200 });
 */
export function shapesTestSet(
  options: ShapesOptions & { readonly count?: number; readonly seed?: number } = {},
): CaptionedImageSet {
  const { count = 500, seed = 0 } = options;
  const size = checkSize(options.size ?? 32);
  const images = new Uint8Array(count * size * size * 3);
  const labels = new Int32Array(count);
  const captions: string[] = [];
  for (let i = 0, attempt = 0; i < count; attempt++) {
    const example = shapesExample(deriveSeed(seed, testStream, attempt), { size });
    if (example.label !== i % shapeNames.length) continue;
    images.set(example.image, i * size * size * 3);
    labels[i] = example.label;
    captions.push(example.caption);
    i++;
  }
  return {
    count,
    height: size,
    width: size,
    channels: 3,
    images,
    labels,
    captions,
    classNames: shapeNames,
    describe: () => describeShapes(size, 'test', labels),
  };
}
