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
    kind: 'refused',
    reason:
      'NT-Xent takes its negatives from the batch and the conv-net encoder normalises with batch statistics (BatchNorm), so N workers would each see 1/N of the negatives and statistics: SimCLR across workers needs SyncBatchNormalization and allGather, not wired into the CLI yet',
  },
  optionsSchema: z.strictObject({
    projectionHiddenUnits: z.number().int().positive().optional(),
    projectionSize: z.number().int().positive().optional(),
    temperature: z.number().positive().optional(),
  }),
  prepareData: (request) => prepareImageData(request, 'simclr'),
  createObjective: async ({ encoder, seed, options }) => {
    const { createSimclr } = await import('@selfsup/contrastive');
    return createSimclr({ encoder, seed, ...options }) as never;
  },
};
