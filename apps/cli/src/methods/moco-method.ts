import type { EncoderV1, ObjectiveV1 } from '@selfsup/core';
import { z } from 'zod';
import type { MethodDefinition } from './method-definition';
import { prepareImageData } from './prepare-image-data';

type CreateMoco = (
  options: Record<string, unknown> & { encoder: EncoderV1 },
) => ObjectiveV1<unknown>;

/** `selfsup pretrain moco`: MoCo v2 (He et al. 2020; Chen et al. 2020) on images. */
export const mocoMethod: MethodDefinition = {
  name: 'moco',
  objectiveMethod: 'moco',
  modality: 'image',
  description: 'MoCo v2: contrast queries with a momentum encoder’s keys and a queue of negatives',
  paper: 'He, Fan, Wu, Xie & Girshick 2020; Chen, Fan, Girshick & He 2020',
  defaultData: 'mnist',
  defaultEncoder: 'conv-net',
  defaultBatchSize: 128,
  defaultLearningRate: 1e-3,
  dataParallel: {
    kind: 'refused',
    reason:
      'the conv-net encoder normalises with batch statistics (BatchNorm, which MoCo also shuffles across devices) and the momentum queue is filled from the whole batch: MoCo across workers needs SyncBatchNormalization and a gathered queue update, not wired into the CLI yet',
  },
  optionsSchema: z.strictObject({
    projectionHiddenUnits: z.number().int().positive().optional(),
    projectionSize: z.number().int().positive().optional(),
    temperature: z.number().positive().optional(),
    momentum: z.number().min(0).lt(1).optional(),
    queueSize: z.number().int().positive().optional(),
  }),
  prepareData: (request) => prepareImageData(request, 'moco'),
  createObjective: async ({ encoder, seed, options }) => {
    const contrastive = (await import('@selfsup/contrastive')) as Record<string, unknown>;
    const createMoco = contrastive.createMoco as CreateMoco | undefined;
    if (createMoco === undefined) {
      throw new Error(
        'This build of @selfsup/contrastive has no createMoco: rebuild it (pnpm --filter @selfsup/contrastive build).',
      );
    }
    return createMoco({ encoder, seed, ...options });
  },
};
