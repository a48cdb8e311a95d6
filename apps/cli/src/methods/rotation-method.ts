import { z } from 'zod';
import type { MethodDefinition } from './method-definition';
import { prepareImageData } from './prepare-image-data';

/** `selfsup pretrain rotation`: rotation prediction (Gidaris et al. 2018) on square images. */
export const rotationMethod: MethodDefinition = {
  name: 'rotation',
  objectiveMethod: 'rotation-prediction',
  modality: 'image',
  description: 'Rotation prediction: tell which of 4 quarter turns an image was given',
  paper: 'Gidaris, Singh & Komodakis 2018',
  defaultData: 'mnist',
  defaultEncoder: 'conv-net',
  defaultBatchSize: 64,
  defaultLearningRate: 2e-3,
  dataParallel: {
    kind: 'refused',
    reason:
      'the conv-net encoder normalises with batch statistics (BatchNorm), which N workers would compute over 1/N of the batch: rotation across workers needs SyncBatchNormalization, not wired into the CLI yet',
  },
  optionsSchema: z.strictObject({
    headHiddenUnits: z.number().int().min(0).optional(),
    rotations: z.enum(['all', 'one']).optional(),
  }),
  prepareData: (request) => prepareImageData(request, 'rotation'),
  createObjective: async ({ encoder, seed, options }) => {
    const { createRotationPrediction } = await import('@selfsup/pretext-tasks');
    return createRotationPrediction({ encoder, seed, ...options }) as never;
  },
};
