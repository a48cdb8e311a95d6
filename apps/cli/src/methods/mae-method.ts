import type { EncoderFactory, ObjectiveV1, VitEncoder } from '@selfsup/core';
import { z } from 'zod';
import { UsageError } from '../commands/parse-flags';
import type { MethodDefinition } from './method-definition';
import { prepareImageData } from './prepare-image-data';

/**
 * Core's `'vit'` factory for `selfsup pretrain mae`: the data's image shape becomes the ViT's
 * `imageShape` (core's ViT takes `imageShape`, not `inputShape`). Registers MAE's custom layer
 * first, so that every command that opens an MAE checkpoint can load it.
 */
async function maeEncoderFactories(): Promise<Readonly<Record<string, EncoderFactory>>> {
  const { builtInEncoders } = await import('@selfsup/core');
  // Loading an MAE checkpoint (compare, finetune, embed…) needs its mask-token layer registered.
  const { registerMaeLayers } = await import('@selfsup/masked-prediction');
  registerMaeLayers();
  const vit = builtInEncoders.vit as EncoderFactory;
  return {
    vit: {
      create: (config) => {
        const { inputShape, ...options } = config;
        return vit.create(
          inputShape === undefined ? options : { ...options, imageShape: inputShape },
        );
      },
      fromModel: vit.fromModel,
    },
  };
}

/**
 * `selfsup pretrain mae`: masked autoencoders (He et al. 2022) on a ViT: 75% of the patches hidden,
 * the encoder sees the visible ones only, a light decoder predicts the hidden patches' normalized
 * pixels. Defaults from MAE's full-run script: ViT of 4 blocks × 64 dims, 4 × 4 patches, mean
 * pooling; batch 64, learning rate 1e-3.
 */
export const maeMethod: MethodDefinition = {
  name: 'mae',
  objectiveMethod: 'mae',
  modality: 'image',
  description: 'MAE: reconstruct the hidden 75% of image patches (masked autoencoder, ViT)',
  paper: 'He, Chen, Xie, Li, Dollár & Girshick 2022',
  defaultData: 'mnist',
  defaultEncoder: 'vit',
  defaultEncoderOptions: { patchSize: 4, embeddingSize: 64, layers: 4, heads: 4, pooling: 'mean' },
  defaultBatchSize: 64,
  defaultLearningRate: 1e-3,
  dataParallel: {
    kind: 'in-distribution',
    note: 'the pixel loss is a mean over the same number of hidden patches per image (a LayerNorm ViT, no batch coupling), but each shard draws its masks from the step seed, so masks differ from one worker’s',
  },
  optionsSchema: z.strictObject({
    maskRatio: z.number().gt(0).lt(1).optional(),
    decoderLayers: z.number().int().positive().optional(),
    decoderEmbeddingSize: z.number().int().positive().optional(),
    decoderHeads: z.number().int().positive().optional(),
    normPixLoss: z.boolean().optional(),
  }),
  encoderFactories: maeEncoderFactories,
  prepareData: (request) => prepareImageData(request, 'mae'),
  createObjective: async ({ encoder, seed, options }) => {
    const { createMae } = await import('@selfsup/masked-prediction');
    if (encoder.type !== 'vit') {
      throw new UsageError(
        `mae trains a ViT (it hides patches), got '${encoder.type}': use --encoder vit (the default), sizes with --encoder-options '{"patchSize":4,"embeddingSize":64}'.`,
      );
    }
    return createMae({
      encoder: encoder as VitEncoder,
      seed,
      ...options,
    }) as unknown as ObjectiveV1<unknown>;
  },
};
