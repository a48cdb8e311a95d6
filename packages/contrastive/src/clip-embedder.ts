import * as tf from '@tensorflow/tfjs';

/** Options of one embedding pass. */
export type ClipEmbedOptions = {
  /** Training mode (dropout, BatchNorm batch statistics). @default false */
  readonly training?: boolean;
};

/**
 * What zero-shot classification and retrieval need from a CLIP model: images and token ids to
 * L2-normalised embeddings in one shared space. `createClip()` returns one.
 */
export type ClipEmbedder = {
  /** Normalised image embeddings `[N, P]` of images `[N, H, W, C]`. */
  embedImages(images: tf.Tensor4D, options?: ClipEmbedOptions): tf.Tensor2D;
  /** Normalised text embeddings `[N, P]` of int32 token ids `[N, T]` (padded). */
  embedTexts(tokens: tf.Tensor2D, options?: ClipEmbedOptions): tf.Tensor2D;
};

/**
 * Embeds a large input in slices of `batchSize` rows (inference mode) and concatenates them.
 *
 * @param embed the embedding function (e.g. `clip.embedImages`)
 * @param input `[N, ...]`
 * @param batchSize rows per slice @default 256
 * @returns `[N, P]`; the caller disposes it
 * @example const embeddings = embedInBatches((x) => clip.embedImages(x), images, 256);
 */
export function embedInBatches<Input extends tf.Tensor>(
  embed: (input: Input) => tf.Tensor2D,
  input: Input,
  batchSize = 256,
): tf.Tensor2D {
  if (!(Number.isInteger(batchSize) && batchSize > 0)) {
    throw new RangeError(`batchSize must be a positive integer, got ${batchSize}.`);
  }
  const count = input.shape[0] ?? 0;
  if (count === 0) throw new Error('Nothing to embed: the input has no rows.');
  const parts: tf.Tensor2D[] = [];
  try {
    for (let start = 0; start < count; start += batchSize) {
      const size = Math.min(batchSize, count - start);
      parts.push(
        tf.tidy(() => {
          const begin = input.shape.map((_, axis) => (axis === 0 ? start : 0));
          const sizes = input.shape.map((length, axis) => (axis === 0 ? size : length));
          return embed(tf.slice(input, begin, sizes) as Input);
        }),
      );
    }
    return parts.length === 1 ? (parts.pop() as tf.Tensor2D) : tf.concat(parts, 0);
  } finally {
    tf.dispose(parts);
  }
}
