import type { EncoderFactory, ObjectiveV1 } from '@selfsup/core';
import { z } from 'zod';
import { UsageError } from '../commands/parse-flags';
import { defaultAudioClipFormat } from '../datasets/load-audio-data';
import type { MethodDefinition } from './method-definition';
import { prepareAudioData } from './prepare-audio-data';

/** The `'wav2vec2'` encoder factory of `@selfsup/masked-prediction`, its layers registered. */
async function wav2vec2EncoderFactories(): Promise<Readonly<Record<string, EncoderFactory>>> {
  const library = await import('@selfsup/masked-prediction');
  // An older build of the package has no wav2vec 2.0: say how to fix it rather than fail on `undefined`.
  if (typeof library.registerWav2vec2Layers !== 'function') {
    throw new Error(
      'This build of @selfsup/masked-prediction has no wav2vec 2.0: rebuild it (pnpm --filter @selfsup/masked-prediction build), then run the command again.',
    );
  }
  library.registerWav2vec2Layers();
  return library.wav2vec2Encoders;
}

/**
 * `selfsup pretrain wav2vec2`: wav2vec 2.0 (Baevski, Zhou, Mohamed & Auli 2020) on raw audio: span
 * masking of the conv features, a Transformer context network, and a contrastive task against
 * Gumbel-softmax quantized targets. Defaults from the package's example: 2 Transformer blocks,
 * batches of 16 one-second clips at 8 kHz, learning rate 5e-3, gradients clipped at 5.
 */
export const wav2vec2Method: MethodDefinition = {
  name: 'wav2vec2',
  objectiveMethod: 'wav2vec2',
  modality: 'audio',
  description: 'wav2vec 2.0: identify the quantized audio frames hidden under masks (contrastive)',
  paper: 'Baevski, Zhou, Mohamed & Auli 2020',
  defaultData: 'synthetic-audio',
  defaultEncoder: 'wav2vec2',
  defaultEncoderOptions: { blocks: 2 },
  defaultBatchSize: 16,
  defaultLearningRate: 5e-3,
  dataParallel: {
    kind: 'refused',
    reason:
      'the diversity loss is computed from the codebook usage of the whole batch (batch coupling): wav2vec 2.0 across workers needs the usage all-reduced, not wired into the CLI yet',
  },
  clipNorm: 5,
  optionsSchema: z.strictObject({
    maskProbability: z.number().gt(0).lt(1).optional(),
    maskLength: z.number().int().positive().optional(),
    negatives: z.number().int().positive().optional(),
    /** Samples per second of the clips. */
    sampleRate: z.union([z.literal(8000), z.literal(16000)]).optional(),
    /** Seconds per clip (the generator takes 0.5–10). */
    clipSeconds: z.number().min(0.5).max(10).optional(),
  }),
  encoderFactories: wav2vec2EncoderFactories,
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
      'wav2vec2',
    ),
  createObjective: async ({ encoder, seed, options }) => {
    const { createWav2vec2, Wav2vec2Encoder } = await import('@selfsup/masked-prediction');
    if (!(encoder instanceof Wav2vec2Encoder)) {
      throw new UsageError(
        `wav2vec2 trains its own encoder (conv features and a Transformer), got '${encoder.type}': leave --encoder out (sizes with --encoder-options '{"blocks":2,"modelSize":64}').`,
      );
    }
    const { sampleRate: _sampleRate, clipSeconds: _clipSeconds, ...objectiveOptions } = options;
    return createWav2vec2({
      encoder,
      seed,
      ...objectiveOptions,
    }) as unknown as ObjectiveV1<unknown>;
  },
};
