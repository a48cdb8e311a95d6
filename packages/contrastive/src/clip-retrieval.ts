import * as tf from '@tensorflow/tfjs';
import { type ClipEmbedder, embedInBatches } from './clip-embedder';

/** Options of {@link retrieve}. */
export type RetrievalOptions = {
  /** The cut-offs `k` of recall@k. @default [1, 5, 10] */
  readonly ks?: readonly number[];
  /** Rows embedded (and ranked) per slice. @default 256 */
  readonly batchSize?: number;
};

/** Recall@k of both directions, keyed by `k`. */
export type RetrievalResult = {
  /** Share of images whose own caption is among the `k` captions most similar to it. */
  readonly imageToText: Readonly<Record<number, number>>;
  /** Share of captions whose own image is among the `k` images most similar to it. */
  readonly textToImage: Readonly<Record<number, number>>;
  /** Number of image–caption pairs. */
  readonly count: number;
};

/** Similarities closer than this count as ties (identical captions embed equal up to rounding). */
const tieTolerance = 1e-6;

function checkKs(ks: readonly number[]): void {
  if (ks.length === 0 || !ks.every((k) => Number.isInteger(k) && k > 0)) {
    throw new RangeError(`ks must be positive integers, got ${JSON.stringify(ks)}.`);
  }
}

/**
 * Recall@k of a square similarity matrix whose diagonal holds the matching pairs: for row `i`, the
 * share of rows whose own column `i` ranks within the first `k` columns. Ties are counted
 * fairly: a positive that ties with `t` other columns behind `g` strictly better ones sits at a
 * uniformly random place among `g … g + t` (values within 1e-6 tie), so it scores `clamp((k − g) / (t + 1), 0, 1)` (many
 * captions are identical, e.g. 'a handwritten seven', and must not all count as first).
 *
 * @param similarities `[N, N]`, row `i`'s positive at column `i`
 * @param ks cut-offs @default [1, 5, 10]
 * @returns recall@k for each `k`, keyed by `k`
 * @example recallAtK(tf.eye(3), [1]); // { 1: 1 }
 */
export function recallAtK(
  similarities: tf.Tensor2D,
  ks: readonly number[] = [1, 5, 10],
): Record<number, number> {
  checkKs(ks);
  const [rows, columns] = similarities.shape;
  if (similarities.rank !== 2 || rows !== columns) {
    throw new Error(
      `recallAtK needs a square similarity matrix [N, N], got ${JSON.stringify(similarities.shape)}.`,
    );
  }
  const values = similarities.dataSync();
  const totals = ks.map(() => 0);
  for (let row = 0; row < rows; row++) {
    const offset = row * columns;
    const positive = values[offset + row] as number;
    let better = 0;
    let ties = 0;
    for (let column = 0; column < columns; column++) {
      if (column === row) continue;
      const value = values[offset + column] as number;
      if (Math.abs(value - positive) <= tieTolerance) ties++;
      else if (value > positive) better++;
    }
    ks.forEach((k, index) => {
      totals[index] =
        (totals[index] as number) + Math.min(1, Math.max(0, (k - better) / (ties + 1)));
    });
  }
  return Object.fromEntries(ks.map((k, index) => [k, (totals[index] as number) / rows]));
}

/**
 * Image–text retrieval with a CLIP model (Radford et al. 2021 §3.2 style): embeds `N` images
 * and their `N` captions (pair `i` matches), ranks every caption for every image by cosine
 * similarity and every image for every caption, and reports recall@k (ties counted fairly, see
 * {@link recallAtK}).
 *
 * @param clip a CLIP model (e.g. from `createClip`)
 * @param images `[N, H, W, C]`
 * @param texts int32 caption ids `[N, T]` (e.g. `clipTokenize(captions, tokenizer, 16)`), row `i` the caption of image `i`
 * @param options `ks` ([1, 5, 10]) and `batchSize` (256)
 * @returns image→text and text→image recall@k, and the number of pairs
 * @example
 * const { imageToText, textToImage } = retrieve(clip, images, clipTokenize(captions, tokenizer));
 * imageToText[5]; // recall@5
 */
export function retrieve(
  clip: ClipEmbedder,
  images: tf.Tensor4D,
  texts: tf.Tensor2D,
  options: RetrievalOptions = {},
): RetrievalResult {
  const { ks = [1, 5, 10], batchSize = 256 } = options;
  checkKs(ks);
  const count = images.shape[0];
  if (texts.shape[0] !== count) {
    throw new Error(
      `retrieve needs one caption per image, got ${count} images and ${texts.shape[0]} captions.`,
    );
  }
  const similarities = tf.tidy(() => {
    const imageEmbeddings = embedInBatches(
      (slice: tf.Tensor4D) => clip.embedImages(slice, { training: false }),
      images,
      batchSize,
    );
    const textEmbeddings = embedInBatches(
      (slice: tf.Tensor2D) => clip.embedTexts(slice, { training: false }),
      texts,
      batchSize,
    );
    return tf.matMul(imageEmbeddings, tf.transpose(textEmbeddings)) as tf.Tensor2D;
  });
  try {
    const transposed = tf.transpose(similarities);
    try {
      return {
        imageToText: recallAtK(similarities, ks),
        textToImage: recallAtK(transposed, ks),
        count,
      };
    } finally {
      transposed.dispose();
    }
  } finally {
    similarities.dispose();
  }
}
