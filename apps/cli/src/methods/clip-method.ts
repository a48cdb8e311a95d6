import { join } from 'node:path';
import type { EncoderV1, ObjectiveV1, TokenizerV1 } from '@selfsup/core';
import { z } from 'zod';
import { UsageError } from '../commands/parse-flags';
import type { MethodData, MethodDefinition } from './method-definition';

/** The caption datasets CLIP trains on, and what the tokenizer learns from. */
const captionDatasets = ['captioned-mnist', 'shapes'] as const;

/** The file of a CLIP run directory that holds its tokenizer. */
export const TOKENIZER_FILE = 'tokenizer.json';

const textEncoderSchema = z.strictObject({
  embeddingSize: z.number().int().positive().optional(),
  layers: z.number().int().positive().optional(),
  heads: z.number().int().positive().optional(),
  hiddenSize: z.number().int().positive().optional(),
});

/**
 * The tokenizer of a CLIP run on a caption dataset: WordPiece (vocabulary 200) learned from the
 * dataset's training captions only, so zero-shot prompt words it never saw are split into pieces.
 *
 * @param data 'captioned-mnist' or 'shapes'.
 * @returns the tokenizer.
 * @example const tokenizer = await captionTokenizer('captioned-mnist');
 */
export async function captionTokenizer(data: string): Promise<TokenizerV1> {
  const library = await import('@selfsup/data');
  const captions =
    data === 'shapes'
      ? library.allCaptions(library.shapeTrainingTemplates, library.shapeCaptionWords)
      : library.allCaptions(library.mnistTrainingTemplates, library.mnistCaptionWords);
  return library.trainWordPieceTokenizer([...captions], { vocabularySize: 200 });
}

/** `selfsup pretrain clip`: CLIP (Radford et al. 2021) on captioned images. */
export const clipMethod: MethodDefinition = {
  name: 'clip',
  objectiveMethod: 'clip',
  modality: 'image-text',
  description:
    'CLIP: align images with their captions (image and text encoders, learned temperature)',
  paper: 'Radford et al. 2021',
  defaultData: 'captioned-mnist',
  defaultEncoder: 'conv-net',
  defaultBatchSize: 64,
  defaultLearningRate: 1e-3,
  dataParallel: {
    kind: 'refused',
    reason:
      'the contrastive loss takes the other captions and images of the batch as negatives and the image encoder uses BatchNorm: CLIP across workers needs allGather and SyncBatchNormalization, not wired into the CLI yet',
  },
  optionsSchema: z.strictObject({
    projectionSize: z.number().int().positive().optional(),
    maxLength: z.number().int().min(4).optional(),
    textEncoder: textEncoderSchema.optional(),
  }),
  prepareData: async (request): Promise<MethodData> => {
    if (!(captionDatasets as readonly string[]).includes(request.data)) {
      throw new UsageError(
        `--data ${request.data}: clip trains on captioned images: use ${captionDatasets.join(' or ')}.`,
      );
    }
    const library = await import('@selfsup/data');
    const tokenizer = await captionTokenizer(request.data);
    const maxLength = 16;
    let source: MethodData['source'];
    let inputShape: number[];
    if (request.data === 'shapes') {
      source = library.shapesSource({ batchSize: request.batchSize, tokenizer, maxLength });
      inputShape = [32, 32, 3];
    } else {
      let dataset = library.loadMnist('train');
      if (request.limit !== undefined && request.limit < dataset.count) {
        dataset = library.selectImages(
          dataset,
          Array.from({ length: request.limit }, (_, index) => index),
        );
      }
      source = library.captionedMnistSource({
        batchSize: request.batchSize,
        tokenizer,
        maxLength,
        dataset,
      });
      inputShape = [dataset.height, dataset.width, dataset.channels];
    }
    return {
      source,
      inputShape,
      reference: {
        id: request.data,
        split: 'train',
        ...(request.limit === undefined ? {} : { limit: request.limit }),
      },
      extra: { tokenizer },
      // saveTokenizer writes atomically (temporary file + rename).
      save: async (directory) => library.saveTokenizer(tokenizer, join(directory, TOKENIZER_FILE)),
    };
  },
  createObjective: async ({ encoder, data, seed, options }) => {
    const contrastive = await import('@selfsup/contrastive');
    const tokenizer = data.extra?.tokenizer as TokenizerV1;
    const maxLength = (options.maxLength as number | undefined) ?? 16;
    const textOptions = (options.textEncoder ?? {}) as Record<string, unknown>;
    return contrastive.createClip({
      encoder: encoder as EncoderV1,
      textEncoder: contrastive.createClipTextEncoder(tokenizer, {
        maxLength,
        embeddingSize: 32,
        layers: 1,
        heads: 2,
        seed: seed + 1,
        ...textOptions,
      }),
      ...(options.projectionSize === undefined
        ? {}
        : { projectionSize: options.projectionSize as number }),
      seed: seed + 2,
    }) as unknown as ObjectiveV1<unknown>;
  },
};
