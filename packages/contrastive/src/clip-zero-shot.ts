import type { TokenizerV1 } from '@selfsup/core';
import * as tf from '@tensorflow/tfjs';
import { type ClipEmbedder, embedInBatches } from './clip-embedder';
import { l2NormalizeRows } from './clip-loss';
import { clipTokenize } from './clip-tokenize';

/** CLIP's default prompt template (Radford et al. 2021, §3.1.4). */
export const clipDefaultTemplates = ['a photo of a {}.'] as const;

/** Options of {@link zeroShotClassify} and {@link zeroShotAccuracy}. */
export type ZeroShotOptions = {
  /** Turns prompts into token ids (the tokenizer the text encoder was trained with). */
  readonly tokenizer: TokenizerV1;
  /** Class names, in label order; each fills every `{…}` placeholder of every template. */
  readonly classNames?: readonly string[];
  /** Prompt templates with a `{}` (or any `{slot}`) placeholder. @default ['a photo of a {}.'] (CLIP) */
  readonly templates?: readonly string[];
  /** Ready prompts per class, in label order (instead of `classNames` × `templates`), e.g. `mnistZeroShotPrompts()`. */
  readonly prompts?: readonly (readonly string[])[];
  /** Tokens per prompt (truncated, then padded). @default 16 */
  readonly maxLength?: number;
  /** Images embedded per slice. @default 256 */
  readonly batchSize?: number;
};

function classPrompts(options: ZeroShotOptions): readonly (readonly string[])[] {
  const { classNames, prompts, templates = clipDefaultTemplates } = options;
  if ((prompts === undefined) === (classNames === undefined)) {
    throw new Error(
      'Zero-shot classification needs either classNames (with templates) or prompts per class, not both.',
    );
  }
  const perClass =
    prompts ??
    (classNames ?? []).map((name) =>
      templates.map((template) => template.replace(/\{\w*\}/g, name)),
    );
  if (perClass.length < 2) {
    throw new Error(`Zero-shot classification needs at least 2 classes, got ${perClass.length}.`);
  }
  perClass.forEach((list, label) => {
    if (list.length === 0) {
      throw new Error(
        `Class ${label} has no prompt: give at least one template or prompt per class.`,
      );
    }
  });
  return perClass;
}

/**
 * The zero-shot classifier weights `[C, P]`: per class, the normalised mean of the normalised
 * text embeddings of its prompts (CLIP's prompt ensembling, Radford et al. 2021 §3.1.4: the mean
 * is taken in embedding space, then renormalised).
 *
 * @param clip a CLIP model (e.g. from `createClip`)
 * @param options tokenizer and the prompts (`classNames` × `templates`, or `prompts`)
 * @returns `[C, P]` unit rows; the caller disposes the tensor
 * @example const weights = zeroShotClassEmbeddings(clip, { tokenizer, prompts: mnistZeroShotPrompts() });
 */
export function zeroShotClassEmbeddings(clip: ClipEmbedder, options: ZeroShotOptions): tf.Tensor2D {
  const perClass = classPrompts(options);
  const flat = perClass.flat();
  const tokens = clipTokenize(flat, options.tokenizer, options.maxLength ?? 16);
  try {
    return tf.tidy(() => {
      const embeddings = clip.embedTexts(tokens, { training: false });
      const means: tf.Tensor1D[] = [];
      let start = 0;
      for (const list of perClass) {
        means.push(embeddings.slice([start, 0], [list.length, -1]).mean(0) as tf.Tensor1D);
        start += list.length;
      }
      return l2NormalizeRows(tf.stack(means) as tf.Tensor2D);
    });
  } finally {
    tokens.dispose();
  }
}

/**
 * Classifies images without labels (zero-shot, Radford et al. 2021 §3.1): each image goes to the
 * class whose prompt-ensemble embedding ({@link zeroShotClassEmbeddings}) is most cosine-similar
 * to the image's embedding.
 *
 * @param clip a CLIP model (e.g. from `createClip`)
 * @param images `[N, H, W, C]`
 * @param options tokenizer, `classNames` × `templates` or `prompts`, `maxLength` (16), `batchSize` (256)
 * @returns the predicted class of each image
 * @example
 * const predicted = zeroShotClassify(clip, images, { tokenizer, classNames: ['zero', 'one'], templates: ['a photo of a {}.'] });
 */
export function zeroShotClassify(
  clip: ClipEmbedder,
  images: tf.Tensor4D,
  options: ZeroShotOptions,
): Int32Array {
  const classes = zeroShotClassEmbeddings(clip, options);
  try {
    const predictions = tf.tidy(() => {
      const imageEmbeddings = embedInBatches(
        (slice: tf.Tensor4D) => clip.embedImages(slice, { training: false }),
        images,
        options.batchSize ?? 256,
      );
      return tf.argMax(tf.matMul(imageEmbeddings, tf.transpose(classes)), 1).cast('int32');
    });
    try {
      return new Int32Array(predictions.dataSync());
    } finally {
      predictions.dispose();
    }
  } finally {
    classes.dispose();
  }
}

/**
 * Zero-shot accuracy: the share of images that {@link zeroShotClassify} assigns to their label.
 *
 * @param clip a CLIP model (e.g. from `createClip`)
 * @param images `[N, H, W, C]`
 * @param labels the true class of each image (`N` integers)
 * @param options as for {@link zeroShotClassify}
 * @returns accuracy in [0, 1]
 * @example
 * const accuracy = zeroShotAccuracy(clip, images, labels, { tokenizer, prompts: mnistZeroShotPrompts() });
 */
export function zeroShotAccuracy(
  clip: ClipEmbedder,
  images: tf.Tensor4D,
  labels: ArrayLike<number> | tf.Tensor1D,
  options: ZeroShotOptions,
): number {
  const truth = labels instanceof tf.Tensor ? labels.dataSync() : labels;
  if (truth.length !== images.shape[0]) {
    throw new Error(
      `zeroShotAccuracy got ${images.shape[0]} images but ${truth.length} labels: give one label per image.`,
    );
  }
  const predicted = zeroShotClassify(clip, images, options);
  let correct = 0;
  for (let index = 0; index < predicted.length; index++)
    if (predicted[index] === truth[index]) correct++;
  return correct / predicted.length;
}
