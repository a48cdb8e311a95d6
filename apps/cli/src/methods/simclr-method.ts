import { z } from 'zod';
import type { MethodDefinition } from './method-definition';
import { prepareImageData } from './prepare-image-data';

/** `selfsup pretrain simclr`: SimCLR (Chen et al. 2020) on images. */
export const simclrMethod: MethodDefinition = {
  name: 'simclr',
  objectiveMethod: 'simclr',
  modality: 'image',
  description: 'SimCLR: contrast two augmented views of each image (NT-Xent)',
  paper: 'Chen, Kornblith, Norouzi & Hinton 2020',
  defaultData: 'mnist',
  defaultEncoder: 'conv-net',
  defaultBatchSize: 128,
  defaultLearningRate: 1e-3,
  dataParallel: {
    kind: 'in-distribution',
    note: 'BatchNorm statistics over the global batch (SyncBatchNormalization) and NT-Xent negatives gathered from every worker, as one worker on the whole batch; the augmentations are drawn per shard from the step seed, so the views differ from one worker’s',
    encoders: ['conv-net'],
  },
  optionsSchema: z.strictObject({
    projectionHiddenUnits: z.number().int().positive().optional(),
    projectionSize: z.number().int().positive().optional(),
    temperature: z.number().positive().optional(),
  }),
  prepareData: (request) => prepareImageData(request, 'simclr'),
  createObjective: async ({ encoder, seed, options, group }) => {
    const { createSimclr } = await import('@selfsup/contrastive');
    return createSimclr({
      encoder,
      seed,
      ...options,
      ...(group === undefined ? {} : { group }),
    }) as never;
  },
};
