import type { EncoderFactory, ObjectiveV1 } from '@selfsup/core';
import { z } from 'zod';
import { UsageError } from '../commands/parse-flags';
import type { MethodDefinition } from './method-definition';
import { prepareImageData } from './prepare-image-data';

/**
 * The `'pixel-cnn'` encoder factory of `@selfsup/autoregressive` for `selfsup pretrain`: the
 * data's image shape `[H, W, 1]` becomes the network's `height` and `width`.
 */
async function pixelCnnEncoderFactories(): Promise<Readonly<Record<string, EncoderFactory>>> {
  const { pixelCnnEncoderFactory, pixelCnnEncoderType, registerPixelCnnLayers } = await import(
    '@selfsup/autoregressive'
  );
  registerPixelCnnLayers();
  return {
    [pixelCnnEncoderType]: {
      create: (config) => {
        const { inputShape, ...options } = config;
        if (!Array.isArray(inputShape)) return pixelCnnEncoderFactory.create(options);
        const [height, width, channels] = inputShape as number[];
        if (channels !== 1) {
          throw new UsageError(
            `pixelcnn models binary (black and white) images, got ${channels} channels: use a grey dataset such as mnist or fashion-mnist.`,
          );
        }
        return pixelCnnEncoderFactory.create({ ...options, height, width } as never);
      },
      fromModel: pixelCnnEncoderFactory.fromModel,
    },
  };
}

/**
 * `selfsup pretrain pixelcnn`: Gated PixelCNN (van den Oord et al. 2016) on binarized grey images:
 * one Bernoulli logit per pixel in raster order, maximum likelihood with images re-binarized each
 * step. Defaults from PixelCNN's full run: 5 gated blocks of 16 channels, output bias −1.9 (the
 * log-odds of the mean MNIST pixel), batch 64, learning rate 1e-2, gradients clipped at 1.
 */
export const pixelCnnMethod: MethodDefinition = {
  name: 'pixelcnn',
  objectiveMethod: 'pixel-cnn',
  modality: 'image',
  description: 'PixelCNN: predict each pixel from the ones above and to the left (gated, binary)',
  paper: 'van den Oord, Kalchbrenner, Vinyals, Espeholt, Graves & Kavukcuoglu 2016',
  defaultData: 'mnist',
  defaultEncoder: 'pixel-cnn',
  defaultEncoderOptions: { channels: 16, blocks: 5, outputBias: -1.9 },
  defaultBatchSize: 64,
  defaultLearningRate: 1e-2,
  dataParallel: {
    kind: 'in-distribution',
    note: 'the Bernoulli NLL is a mean over pixels of each image, no batch coupling; stochastic binarization is drawn per shard from the step seed (exact with methodOptions.binarize none)',
  },
  clipNorm: 1,
  optionsSchema: z.strictObject({
    /** `'stochastic'`: re-binarize each batch (default); `'none'`: the data is binary already. */
    binarize: z.enum(['stochastic', 'none']).optional(),
  }),
  encoderFactories: pixelCnnEncoderFactories,
  prepareData: (request) => prepareImageData(request, 'pixelcnn'),
  createObjective: async ({ encoder, options }) => {
    const { createPixelCnnObjective, PixelCnn } = await import('@selfsup/autoregressive');
    if (!(encoder instanceof PixelCnn)) {
      throw new UsageError(
        `pixelcnn trains its own masked network, got encoder '${encoder.type}': leave --encoder out (sizes with --encoder-options '{"channels":16,"blocks":5}').`,
      );
    }
    return createPixelCnnObjective({
      network: encoder,
      ...(options.binarize === undefined
        ? {}
        : { binarize: options.binarize as 'stochastic' | 'none' }),
    }) as unknown as ObjectiveV1<unknown>;
  },
};
