import * as tf from '@tensorflow/tfjs';
import { bernoulliNegativeLogLikelihood } from './bernoulli-negative-log-likelihood';
import type { PixelCnn } from './pixel-cnn';

/** The negative log-likelihood of a set of binary images under a PixelCNN. */
export type PixelCnnNll = {
  /** Mean NLL of one image in nats (the number binarized-MNIST papers report: PixelCNN 81.3). */
  readonly natsPerImage: number;
  /** Mean NLL of one pixel in nats (`natsPerImage / (H·W)`). */
  readonly natsPerPixel: number;
  /** Mean NLL of one pixel in bits (`natsPerPixel / ln 2`). */
  readonly bitsPerDim: number;
  /** Images evaluated. */
  readonly images: number;
};

/** Options of {@link pixelCnnNll}. */
export type PixelCnnNllOptions = {
  /** Images per forward pass. @default 256 */
  readonly batchSize?: number;
  /** Labels `[N]` (int32) for a class-conditional model: the NLL is then `−log p(x | y)`. */
  readonly labels?: tf.Tensor1D;
};

/**
 * The exact negative log-likelihood of binary images under a PixelCNN: `−log p(x) = −Σᵢ log
 * p(xᵢ | x₍<ᵢ₎)`, one forward pass per batch (teacher forcing), summed in float64.
 *
 * For binarized MNIST the papers report nats per image: PixelCNN (van den Oord et al. 2016)
 * 81.30, DRAW ≤ 80.97, NADE 88.86; `bitsPerDim` is the same number per pixel in bits.
 *
 * @param network the PixelCNN.
 * @param images binary images `[N, H, W, 1]` (0/1 float32: `binarizeImages` with a fixed seed).
 * @param options batch size and, for a class-conditional network, the labels.
 * @returns nats per image, nats per pixel, bits per dimension.
 * @example
 * const testSet = binarizeImages(imagesToTensor(loadMnist('test')), 0);
 * const { natsPerImage, bitsPerDim } = await pixelCnnNll(network, testSet);
 */
export async function pixelCnnNll(
  network: PixelCnn,
  images: tf.Tensor4D,
  options: PixelCnnNllOptions = {},
): Promise<PixelCnnNll> {
  const { batchSize = 256, labels } = options;
  if (!Number.isInteger(batchSize) || batchSize < 1) {
    throw new RangeError(`pixelCnnNll: batchSize must be a positive integer, got ${batchSize}.`);
  }
  if (images.rank !== 4 || images.shape[3] !== 1 || images.shape[0] < 1) {
    throw new Error(
      `pixelCnnNll takes binary images [N, H, W, 1] with N ≥ 1, got ${JSON.stringify(images.shape)}.`,
    );
  }
  const [count, height, width] = images.shape;
  if (labels !== undefined && (labels.rank !== 1 || labels.shape[0] !== count)) {
    throw new Error(
      `pixelCnnNll: labels must be [N] = [${count}], got ${JSON.stringify(labels.shape)}.`,
    );
  }
  let total = 0;
  for (let start = 0; start < count; start += batchSize) {
    const size = Math.min(batchSize, count - start);
    const sum = tf.tidy(() => {
      const batch = images.slice([start, 0, 0, 0], [size, -1, -1, -1]);
      const batchLabels = labels?.slice([start], [size]);
      const logits = network.doLogits(batch, {
        training: false,
        ...(batchLabels === undefined ? {} : { labels: batchLabels }),
      });
      return bernoulliNegativeLogLikelihood(logits, batch).sum();
    });
    try {
      total += (await sum.data())[0] ?? Number.NaN;
    } finally {
      sum.dispose();
    }
  }
  const natsPerImage = total / count;
  const natsPerPixel = natsPerImage / (height * width);
  return { natsPerImage, natsPerPixel, bitsPerDim: natsPerPixel / Math.LN2, images: count };
}
