import type { ObjectiveV1 } from '@selfsup/core';
import { z } from 'zod';
import { UsageError } from '../commands/parse-flags';
import type { MethodData, MethodDefinition } from './method-definition';

/** The video datasets frame-order prediction trains on. */
const videoDatasets = ['moving-mnist'] as const;

/** Frame size and clip length of the default Moving MNIST clips (small enough for a CPU run). */
const defaultFrameSize = 40;
const defaultFrames = 6;

/**
 * `selfsup pretrain frame-order`: frame-order prediction (Misra, Zitnick & Hebert 2016; Lee et al.
 * 2017's order classes) on Moving MNIST clips (`movingMnistSource`): the encoder sees each frame of
 * a 3-frame tuple, and an MLP head over the concatenated features tells the order (`n!/2` classes,
 * forwards and backwards merged). Clips of 6 frames of 40 × 40 by default.
 */
export const frameOrderMethod: MethodDefinition = {
  name: 'frame-order',
  objectiveMethod: 'frame-order',
  modality: 'video',
  description: 'Frame-order prediction: tell the temporal order of shuffled video frames',
  paper: 'Misra, Zitnick & Hebert 2016; Lee et al. 2017',
  defaultData: 'moving-mnist',
  defaultEncoder: 'conv-net',
  defaultBatchSize: 16,
  defaultLearningRate: 1e-3,
  dataParallel: {
    kind: 'refused',
    reason:
      'the conv-net encoder normalises with batch statistics (BatchNorm), which N workers would compute over 1/N of the batch: frame-order across workers needs SyncBatchNormalization, not wired into the CLI yet',
  },
  optionsSchema: z.strictObject({
    /** Frames per tuple. */
    tupleLength: z.number().int().min(2).max(5).optional(),
    /** `'permutation'` (order classes) or `'binary'` (in order vs shuffled). */
    task: z.enum(['permutation', 'binary']).optional(),
    headHiddenUnits: z.number().int().positive().optional(),
    /** Frames per Moving MNIST clip. */
    frames: z.number().int().min(2).max(20).optional(),
    /** Frame height and width (28 or more). */
    frameSize: z.number().int().min(28).max(64).optional(),
  }),
  prepareData: async (request): Promise<MethodData> => {
    if (!(videoDatasets as readonly string[]).includes(request.data)) {
      throw new UsageError(
        `--data ${request.data}: frame-order trains on video clips: use ${videoDatasets.join(' or ')}.`,
      );
    }
    const frames = (request.options?.frames as number | undefined) ?? defaultFrames;
    const size = (request.options?.frameSize as number | undefined) ?? defaultFrameSize;
    const tupleLength = (request.options?.tupleLength as number | undefined) ?? 3;
    if (tupleLength > frames) {
      throw new UsageError(
        `frame-order: tuples of ${tupleLength} frames need clips of at least ${tupleLength} frames, got ${frames}: raise methodOptions.frames or lower methodOptions.tupleLength.`,
      );
    }
    const { movingMnistSource } = await import('@selfsup/data');
    return {
      source: movingMnistSource({ batchSize: request.batchSize, frames, size }),
      inputShape: [size, size, 1],
      reference: { id: request.data, split: 'train', frames, size },
    };
  },
  createObjective: async ({ encoder, seed, options }) => {
    const { createFrameOrderPrediction } = await import('@selfsup/pretext-tasks');
    const { frames: _frames, frameSize: _frameSize, ...objectiveOptions } = options;
    return createFrameOrderPrediction({
      encoder,
      seed,
      ...objectiveOptions,
    }) as unknown as ObjectiveV1<unknown>;
  },
};
