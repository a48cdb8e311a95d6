import type { EncoderFactory, ObjectiveV1 } from '@selfsup/core';
import { z } from 'zod';
import { UsageError } from '../commands/parse-flags';
import { defaultAudioClipFormat } from '../datasets/load-audio-data';
import type { MethodDefinition } from './method-definition';
import { prepareAudioData } from './prepare-audio-data';

/**
 * The `'wavenet'` encoder factory of `@selfsup/autoregressive` for `selfsup pretrain`: the data's
 * input shape (`[samples, 1]`; WaveNet takes clips of any length) is not an option of the trunk.
 */
async function wavenetEncoderFactories(): Promise<Readonly<Record<string, EncoderFactory>>> {
  const { registerWavenetLayers, wavenetEncoders, wavenetEncoderType } = await import(
    '@selfsup/autoregressive'
  );
  registerWavenetLayers();
  const factory = wavenetEncoders[wavenetEncoderType] as EncoderFactory;
  return {
    [wavenetEncoderType]: {
      create: (config) => {
        const { inputShape: _inputShape, ...options } = config as typeof config & {
          inputShape?: unknown;
        };
        return factory.create(options);
      },
      fromModel: factory.fromModel,
    },
  };
}

/**
 * `selfsup pretrain wavenet`: WaveNet (van den Oord et al. 2016), next-sample prediction over 256
 * μ-law levels with dilated causal convolutions, class-conditional on the 8 synthetic audio classes
 * by default (`encoderOptions.classes`, 0 for an unconditional model). Defaults from WaveNet's
 * full-run script: 10 layers of 32 channels (one dilation cycle 1…512, receptive field 1,025
 * samples), batches of 4 one-second clips at 8 kHz, one 4,096-sample window per batch, AdamW 2e-3,
 * gradients clipped at 1.
 */
export const wavenetMethod: MethodDefinition = {
  name: 'wavenet',
  objectiveMethod: 'wavenet',
  modality: 'audio',
  description:
    'WaveNet: predict the next audio sample (dilated causal convolutions, μ-law softmax)',
  paper: 'van den Oord et al. 2016',
  defaultData: 'synthetic-audio',
  defaultEncoder: 'wavenet',
  defaultEncoderOptions: { classes: 8 },
  defaultBatchSize: 4,
  defaultLearningRate: 2e-3,
  dataParallel: {
    kind: 'exact',
    note: 'mu-law cross-entropy averaged over the samples of each clip; the crop offset is drawn once per step from the step seed, so every shard crops where one worker would',
  },
  clipNorm: 1,
  optionsSchema: z.strictObject({
    /** Samples of the random window trained on per batch (whole clips when 0). */
    cropLength: z.number().int().min(0).optional(),
    /** Samples per second of the clips. */
    sampleRate: z.union([z.literal(8000), z.literal(16000)]).optional(),
    /** Seconds per clip (the generator takes 0.5–10). */
    clipSeconds: z.number().min(0.5).max(10).optional(),
  }),
  encoderFactories: wavenetEncoderFactories,
  prepareData: (request) =>
    prepareAudioData(
      request,
      {
        sampleRate:
          (request.options?.sampleRate as 8000 | 16000 | undefined) ??
          defaultAudioClipFormat.sampleRate,
        duration:
          (request.options?.clipSeconds as number | undefined) ?? defaultAudioClipFormat.duration,
      },
      'wavenet',
    ),
  createObjective: async ({ encoder, data, options }) => {
    const { createWavenetObjective, wavenetEncoderType } = await import('@selfsup/autoregressive');
    if (encoder.type !== wavenetEncoderType) {
      throw new UsageError(
        `wavenet trains its own dilated causal stack, got encoder '${encoder.type}': leave --encoder out (set sizes with --encoder-options '{"layers":10,"channels":32}').`,
      );
    }
    // The objective builds the WaveNet (trunk and heads) from the same config and seed.
    const { type: _type, ...wavenetOptions } = encoder.getConfig();
    encoder.dispose();
    const samples = data.inputShape[0] ?? 0;
    const cropLength = (options.cropLength as number | undefined) ?? 4096;
    return createWavenetObjective({
      wavenet: wavenetOptions,
      ...(cropLength === 0 || cropLength >= samples ? {} : { cropLength }),
    }) as unknown as ObjectiveV1<unknown>;
  },
};
