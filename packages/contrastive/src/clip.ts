import type { EncoderV1, LossResultV1, ObjectiveV1, StepContextV1 } from '@selfsup/core';
import { deriveSeed } from '@selfsup/core';
import * as tf from '@tensorflow/tfjs';
import type { ClipEmbedder, ClipEmbedOptions } from './clip-embedder';
import { clipInitialLogLogitScale, clipMaximumLogLogitScale, LogitScale } from './clip-logit-scale';
import { clipLoss, l2NormalizeRows } from './clip-loss';

/** Options of {@link createClip}. */
export type ClipOptions = {
  /** The image encoder; its pooled output is the representation that transfers (`objective.encoder`). */
  readonly encoder: EncoderV1;
  /** The text encoder over token ids (e.g. `createClipTextEncoder(tokenizer)`); trained and saved as head `text_encoder`. */
  readonly textEncoder: EncoderV1;
  /** Size of the shared embedding space (both linear projections). @default 64 */
  readonly projectionSize?: number;
  /** Initial learned log logit scale `s`. @default ln(1/0.07) ≈ 2.659 (CLIP) */
  readonly initialLogitScale?: number;
  /** Ceiling of `s` (the scale `exp(s)` never exceeds `exp(maximumLogitScale)`). @default ln 100 ≈ 4.605 (CLIP) */
  readonly maximumLogitScale?: number;
  /** Seed of the projections' initialisation. @default 0 */
  readonly seed?: number;
};

/** A batch of image–caption pairs: images `[B, H, W, C]` and int32 caption ids `[B, T]` padded with the tokenizer's padding id (other fields, e.g. labels, are ignored). */
export type ClipBatch = {
  readonly images: tf.Tensor4D;
  readonly tokens: tf.Tensor2D;
};

/** CLIP's objective, which also embeds images and texts for zero-shot classification and retrieval. */
export type ClipObjective = ObjectiveV1<ClipBatch> &
  ClipEmbedder & {
    /** The text encoder (its model is the head `text_encoder`). */
    readonly textEncoder: EncoderV1;
    /** The learned logit scale (its model is the head `logit_scale`). */
    readonly logitScale: LogitScale;
    /** The current scale `exp(min(s, maximum))` (e.g. 14.29 at initialisation, at most 100). */
    getLogitScale(): number;
  };

function projectionHead(name: string, inputSize: number, units: number, seed: number) {
  return tf.sequential({
    name,
    layers: [
      tf.layers.dense({
        inputShape: [inputSize],
        units,
        useBias: false,
        kernelInitializer: tf.initializers.glorotUniform({ seed: deriveSeed(seed, 1) }),
        name: `${name}_kernel`,
      }),
    ],
  });
}

/**
 * CLIP (Radford, Kim, Hallacy et al. 2021, "Learning Transferable Visual Models From Natural
 * Language Supervision"): an image encoder and a text encoder, each followed by a linear
 * projection (no bias) to a shared space and L2 normalisation; the `N × N` cosine similarities of
 * a batch's image–caption pairs, multiplied by a learned logit scale, go through a symmetric
 * cross-entropy ({@link clipLoss}) that pulls each image towards its own caption and away from
 * the other `N − 1`. The image encoder is what transfers; the text encoder embeds class prompts
 * for zero-shot classification (`zeroShotClassify`) and retrieval (`retrieve`).
 *
 * Defaults from the paper: logit scale `s` initialised at ln(1/0.07) and clamped at ln 100 (inside
 * every loss and on the variable after each step); linear projections without bias. The shared
 * space is 64-wide here (CLIP: 512–1024), sized for small encoders. Heads (all saved in
 * checkpoints): `image_projection`, `text_projection`, `text_encoder`, `logit_scale`. Metrics:
 * `imageToTextAccuracy`, `textToImageAccuracy` (batch retrieval top-1) and `logitScale`.
 *
 * @param options image and text encoders, projection size, logit scale start and ceiling, seed
 * @returns the objective, with `embedImages`, `embedTexts` and `getLogitScale`
 * @example
 * const clip = createClip({
 *   encoder: createConvNetEncoder({ outputSize: 128 }),
 *   textEncoder: createClipTextEncoder(tokenizer),
 * });
 * await pretrain(clip, captionedMnistSource({ batchSize: 128, tokenizer }), { steps: 2000 });
 */
export function createClip(options: ClipOptions): ClipObjective {
  const {
    encoder,
    textEncoder,
    projectionSize = 64,
    initialLogitScale = clipInitialLogLogitScale,
    maximumLogitScale = clipMaximumLogLogitScale,
    seed = 0,
  } = options;
  if (encoder?.inputSpec?.modality !== 'image') {
    throw new Error(
      `CLIP needs an image encoder as 'encoder', got a '${encoder?.inputSpec?.modality}' encoder (e.g. createConvNetEncoder()).`,
    );
  }
  if (textEncoder?.inputSpec?.modality !== 'tokens') {
    throw new Error(
      `CLIP needs a text encoder over token ids as 'textEncoder', got a '${textEncoder?.inputSpec?.modality}' encoder ` +
        '(e.g. createClipTextEncoder(tokenizer)).',
    );
  }
  if (textEncoder.model === encoder.model)
    throw new Error('CLIP needs two different encoders for images and texts.');
  if (!(Number.isInteger(projectionSize) && projectionSize > 0)) {
    throw new RangeError(`projectionSize must be a positive integer, got ${projectionSize}.`);
  }
  const logitScale = new LogitScale({
    inputShape: [null],
    initialValue: initialLogitScale,
    maximum: maximumLogitScale,
    name: 'logit_scale',
  });
  const imageProjection = projectionHead(
    'image_projection',
    encoder.outputSize,
    projectionSize,
    seed,
  );
  const textProjection = projectionHead(
    'text_projection',
    textEncoder.outputSize,
    projectionSize,
    seed + 1,
  );
  const logitScaleHead = tf.sequential({ name: 'logit_scale', layers: [logitScale] });

  const embedImages = (images: tf.Tensor4D, embedOptions: ClipEmbedOptions = {}): tf.Tensor2D => {
    if (images.rank !== 4) {
      throw new Error(
        `CLIP embeds images [N, H, W, C], got shape ${JSON.stringify(images.shape)}.`,
      );
    }
    const training = embedOptions.training ?? false;
    return tf.tidy(() =>
      l2NormalizeRows(
        imageProjection.apply(encoder.doEncode(images, { training }), {
          training,
        }) as tf.Tensor2D,
      ),
    );
  };
  const embedTexts = (tokens: tf.Tensor2D, embedOptions: ClipEmbedOptions = {}): tf.Tensor2D => {
    if (tokens.rank !== 2 || tokens.dtype !== 'int32') {
      throw new Error(
        `CLIP embeds texts as int32 token ids [N, T], got ${tokens.dtype} of shape ${JSON.stringify(tokens.shape)}. ` +
          'Tokenize them first (clipTokenize(texts, tokenizer, maxLength)).',
      );
    }
    const training = embedOptions.training ?? false;
    return tf.tidy(() =>
      l2NormalizeRows(
        textProjection.apply(textEncoder.doEncode(tokens, { training }), {
          training,
        }) as tf.Tensor2D,
      ),
    );
  };

  return {
    specificationVersion: 'v1',
    method: 'clip',
    encoder,
    textEncoder,
    logitScale,
    heads: {
      image_projection: imageProjection,
      logit_scale: logitScaleHead,
      text_encoder: textEncoder.model,
      text_projection: textProjection,
    },
    getConfig: () => ({
      method: 'clip',
      projectionSize,
      initialLogitScale,
      maximumLogitScale,
      seed,
      textEncoder: textEncoder.getConfig(),
    }),
    embedImages,
    embedTexts,
    getLogitScale(): number {
      return tf.tidy(() => logitScale.scale().dataSync()[0] as number);
    },
    doLoss(batch: ClipBatch, context: StepContextV1): LossResultV1 {
      const images = batch?.images;
      const tokens = batch?.tokens;
      if (!(images instanceof tf.Tensor) || !(tokens instanceof tf.Tensor)) {
        throw new Error(
          'CLIP batches are { images: [B, H, W, C], tokens: int32 [B, T] } (e.g. captionedMnistSource()).',
        );
      }
      if (images.shape[0] !== tokens.shape[0]) {
        throw new Error(
          `CLIP needs one caption per image, got ${images.shape[0]} images and ${tokens.shape[0]} captions.`,
        );
      }
      if (images.shape[0] < 2)
        throw new Error('CLIP needs at least 2 image–caption pairs per batch (the negatives).');
      const imageEmbeddings = embedImages(images, { training: context.training });
      const textEmbeddings = embedTexts(tokens, { training: context.training });
      const scale = logitScale.scale();
      const { loss, imageToTextAccuracy, textToImageAccuracy } = clipLoss(
        imageEmbeddings,
        textEmbeddings,
        scale,
      );
      return {
        loss,
        metrics: { imageToTextAccuracy, textToImageAccuracy, logitScale: scale },
      };
    },
    doAfterStep(): void {
      logitScale.clampInPlace();
    },
    dispose() {
      imageProjection.dispose();
      textProjection.dispose();
      logitScaleHead.dispose();
      textEncoder.dispose();
      encoder.dispose();
    },
  };
}
