import type { EncoderConfigV1, EncoderFactory, ObjectiveV1 } from '@selfsup/core';
import { z } from 'zod';
import { UsageError } from '../commands/parse-flags';
import { defaultAudioClipFormat } from '../datasets/load-audio-data';
import type { MethodDefinition } from './method-definition';
import { prepareAudioData } from './prepare-audio-data';

const optionsSchema = z.strictObject({
  /** K: future latent steps predicted from each context (the objective's `predictionSteps`). */
  predictionSteps: z.number().int().positive().optional(),
  /** Samples per second of the clips. */
  sampleRate: z.union([z.literal(8000), z.literal(16000)]).optional(),
  /** Seconds per clip (the generator takes 0.5–10). */
  clipSeconds: z.number().min(0.5).max(10).optional(),
});

/**
 * The CPC encoder the CLI builds by default, the one of CPC's acceptance run
 * (`packages/contrastive/scripts/cpc-full-run.mjs --channels 64 --context-units 64`, linear probe
 * 92.9% on the synthetic audio): core's audio conv stack (the paper's five strided convs, 160×
 * downsampling) at 64 channels with ReLU and no normalisation, a 64-unit LSTM context network, and
 * the time mean and maximum of `[c_t, z_t]` as the pooled representation (chosen on validation
 * clips over `c_t` or `z_t` alone, see the contrastive README).
 */
const defaultCpcEncoderOptions = {
  latent: { type: 'audio-conv', channels: 64, activation: 'relu', normalization: 'none' },
  contextNetwork: 'lstm',
  contextUnits: 64,
  representation: 'context-and-latent',
  pooling: 'mean-max',
} as const;

/**
 * The `'cpc'` encoder factory of `@selfsup/contrastive`, with the run's seed also seeding the
 * latent encoder when its config has none (checkpoints record the seed, so reloading is exact).
 */
async function cpcEncoderFactories(): Promise<Readonly<Record<string, EncoderFactory>>> {
  const contrastive = await import('@selfsup/contrastive');
  // An older build of the package has no CPC: say how to fix it rather than fail on `undefined`.
  const factory = (contrastive.cpcEncoders as typeof contrastive.cpcEncoders | undefined)?.cpc;
  if (factory === undefined || typeof contrastive.registerCpcLayers !== 'function') {
    throw new Error(
      'This build of @selfsup/contrastive has no CPC encoder: rebuild it (pnpm --filter @selfsup/contrastive build), then run the command again.',
    );
  }
  contrastive.registerCpcLayers();
  const { cpcEncoderType } = contrastive;
  return {
    [cpcEncoderType]: {
      create: (config) => {
        const latent = config.latent as EncoderConfigV1 | undefined;
        if (latent === undefined || latent.seed !== undefined || config.seed === undefined) {
          return factory.create(config);
        }
        return factory.create({ ...config, latent: { ...latent, seed: config.seed } });
      },
      fromModel: factory.fromModel,
    },
  };
}

/**
 * `selfsup pretrain cpc`: Contrastive Predictive Coding (van den Oord, Li & Vinyals 2018) on raw
 * audio clips. Defaults from CPC's full-run script: batch 16, learning rate 5e-3, gradients
 * clipped at global norm 5, K = 6 predicted steps, 1 s clips at 8 kHz, and the encoder of
 * {@link defaultCpcEncoderOptions}.
 */
export const cpcMethod: MethodDefinition = {
  name: 'cpc',
  objectiveMethod: 'cpc',
  modality: 'audio',
  description: 'CPC: predict future latents of raw audio from a causal context (InfoNCE)',
  paper: 'van den Oord, Li & Vinyals 2018',
  defaultData: 'synthetic-audio',
  defaultEncoder: 'cpc',
  defaultEncoderOptions: defaultCpcEncoderOptions,
  defaultBatchSize: 16,
  defaultLearningRate: 5e-3,
  dataParallel: {
    kind: 'exact',
    note: 'InfoNCE scores every latent of the global batch (gathered from every worker in rank order) and the encoder has no batch statistics, so N workers compute what one worker computes on the whole batch',
  },
  clipNorm: 5,
  optionsSchema,
  encoderFactories: cpcEncoderFactories,
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
      'cpc',
    ),
  createObjective: async ({ encoder, data, seed, options, group }) => {
    const { createCpc, CpcEncoder } = await import('@selfsup/contrastive');
    if (!(encoder instanceof CpcEncoder)) {
      throw new UsageError(
        `cpc trains the 'cpc' encoder (a latent audio encoder followed by a context network), got '${encoder.type}': leave --encoder out, and set the latent encoder with encoderOptions.latent (e.g. {"latent":{"type":"audio-conv","channels":16}}).`,
      );
    }
    const predictionSteps = (options.predictionSteps as number | undefined) ?? 6;
    const samples = data.inputShape[0] ?? 0;
    const steps = encoder.outputLength(samples);
    if (steps !== undefined && steps <= predictionSteps) {
      throw new UsageError(
        `cpc: clips of ${samples} samples give ${steps} latent steps, too few to predict ${predictionSteps} steps ahead: raise methodOptions.clipSeconds or lower methodOptions.predictionSteps.`,
      );
    }
    return createCpc({
      encoder,
      predictionSteps,
      seed,
      ...(group === undefined ? {} : { group }),
    }) as unknown as ObjectiveV1<unknown>;
  },
};
