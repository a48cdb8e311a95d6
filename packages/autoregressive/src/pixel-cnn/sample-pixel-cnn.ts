import { SeededRandom } from '@selfsup/core';
import * as tf from '@tensorflow/tfjs';
import type { PixelCnn } from './pixel-cnn';

/** Options of {@link samplePixelCnn}. */
export type SamplePixelCnnOptions = {
  /** Images to draw. */
  readonly count: number;
  /** Seed of the Bernoulli draws: the same seed and network give the same images. @default 0 */
  readonly seed?: number;
  /** One class per image (length `count`) for a class-conditional network. */
  readonly classes?: readonly number[];
  /** Called after each row with the rows done so far (`height` in all). */
  readonly onRow?: (rowsDone: number, height: number) => void;
};

/**
 * Draws new binary images from a PixelCNN, pixel by pixel in raster order: `xᵢ ~ Bernoulli(σ(zᵢ))`
 * with `zᵢ` computed from the pixels drawn so far (van den Oord et al. 2016, §2).
 *
 * That is `H·W` forward passes (784 for MNIST). Because every row of the network's output only
 * depends on the rows above and on itself, the pass for a pixel of row `r` runs on the first
 * `r + 1` rows only, which halves the work. The draws use {@link SeededRandom}.
 *
 * @param network the PixelCNN.
 * @param options how many images, the seed, and for a class-conditional network the class of each.
 * @returns binary images `[count, H, W, 1]` (0/1 float32); dispose them after use.
 * @example
 * const digits = await samplePixelCnn(network, { count: 16, seed: 1 });
 * const sevens = await samplePixelCnn(conditional, { count: 4, classes: [7, 7, 7, 7] });
 */
export async function samplePixelCnn(
  network: PixelCnn,
  options: SamplePixelCnnOptions,
): Promise<tf.Tensor4D> {
  const { count, seed = 0, classes, onRow } = options;
  const { height, width } = network.settings;
  const classCount = network.settings.classes;
  if (!Number.isInteger(count) || count < 1) {
    throw new RangeError(`samplePixelCnn: count must be a positive integer, got ${count}.`);
  }
  if (classes !== undefined) {
    if (classCount === 0) {
      throw new Error(
        'samplePixelCnn: classes were given but the network is unconditional (create it with `classes`).',
      );
    }
    if (classes.length !== count) {
      throw new Error(
        `samplePixelCnn: give one class per image (${count}), got ${classes.length}.`,
      );
    }
    for (const label of classes) {
      if (!Number.isInteger(label) || label < 0 || label >= classCount) {
        throw new RangeError(
          `samplePixelCnn: classes must be integers in [0, ${classCount}), got ${label}.`,
        );
      }
    }
  }
  const random = new SeededRandom(seed);
  const pixels = new Float32Array(count * height * width);
  const labels = classes === undefined ? undefined : tf.tensor1d([...classes], 'int32');
  try {
    for (let row = 0; row < height; row++) {
      // The first block drops the current row of its input, so give it at least two rows.
      const rows = Math.max(row + 1, 2);
      for (let column = 0; column < width; column++) {
        const probabilities = tf.tidy(() => {
          const canvas = tf
            .tensor4d(pixels, [count, height, width, 1])
            .slice([0, 0, 0, 0], [count, rows, width, 1]);
          const logits = network.doLogits(canvas, {
            training: false,
            ...(labels === undefined ? {} : { labels }),
          });
          return tf.sigmoid(logits.slice([0, row, column, 0], [count, 1, 1, 1]).reshape([count]));
        });
        let values: Float32Array;
        try {
          values = (await probabilities.data()) as Float32Array;
        } finally {
          probabilities.dispose();
        }
        for (let image = 0; image < count; image++) {
          pixels[(image * height + row) * width + column] =
            random.nextFloat() < (values[image] ?? 0) ? 1 : 0;
        }
      }
      onRow?.(row + 1, height);
    }
  } finally {
    labels?.dispose();
  }
  return tf.tensor4d(pixels, [count, height, width, 1]);
}
