import {
  audioConvEncoderOptionsSchema,
  audioConvEncoderType,
  createEncoder,
  deriveSeed,
  type EncodeOptionsV1,
  type EncoderConfigV1,
  type EncoderFactory,
  type EncoderV1,
  FusedLstm,
  type InputSpecV1,
  orthogonalRecurrentKernel,
  registerLayers,
} from '@selfsup/core';
import * as tf from '@tensorflow/tfjs';
import { CpcWaveformStandardization, registerCpcLayers } from './cpc-waveform-standardization';

/** The autoregressive context networks {@link createCpcEncoder} can build. */
export const cpcContextNetworks = ['lstm', 'gru'] as const;
/** `'lstm'`: core's FusedLstm (fast hand-written gradient); `'gru'`: `tf.layers.gru`, the paper's choice. */
export type CpcContextNetwork = (typeof cpcContextNetworks)[number];

/** What a {@link CpcEncoder}'s pooled output (the representation that transfers) is. */
export type CpcRepresentation = 'context' | 'latent' | 'context-and-latent';

const cpcRepresentations: readonly CpcRepresentation[] = [
  'context',
  'latent',
  'context-and-latent',
];

/** How the sequence is pooled over time: its mean, or its mean and its maximum concatenated. */
export type CpcPooling = 'mean' | 'mean-max';

/** Options of {@link createCpcEncoder}. */
export type CpcEncoderOptions = {
  /**
   * The per-step latent encoder `g_enc` (audio `[B, T, 1]` → `z` `[B, T', D]`): an encoder with
   * positions whose model outputs `[pooled, features]` (core's audio conv encoder), or its config.
   * A given encoder's model becomes part of the CPC encoder, which then owns (and disposes) it.
   * @default { type: 'audio-conv', activation: 'relu', normalization: 'none' } (the paper's ReLU conv stack, 64 channels)
   */
  readonly latent?: EncoderV1 | EncoderConfigV1;
  /** The autoregressive network `g_ar`. @default 'lstm' */
  readonly contextNetwork?: CpcContextNetwork;
  /** Size of the context `c_t`. @default 64 */
  readonly contextUnits?: number;
  /**
   * The pooled output (`doEncode`) and per-position features (`doEncodeSequence`): `'context'` is
   * `c_t` (what the paper probes) averaged over time; `'latent'` is `z_t` averaged over time;
   * `'context-and-latent'` is `[c_t, z_t]` concatenated per step (size H + D), then pooled (the
   * paper notes that either can serve downstream; on the synthetic clips the two carry different
   * cues: `z_t` the spectrum of each frame, `c_t` its change over time, see the contrastive README).
   * @default 'context'
   */
  readonly representation?: CpcRepresentation;
  /**
   * Pooling over time of the representation: `'mean'`, or `'mean-max'` (mean and maximum
   * concatenated, `outputSize` doubles; the events of the synthetic clips fill 25–90% of a clip,
   * so the mean alone dilutes them with background).
   * @default 'mean'
   */
  readonly pooling?: CpcPooling;
  /**
   * Scale each clip to zero mean and unit variance before `g_enc` (a parameter-free layer
   * normalization over time), so that loudness does not scale the latents.
   * @default true (the synthetic clips' loudness spans 24 dB and the ReLU convs are nearly scale-equivariant)
   */
  readonly standardizeWaveforms?: boolean;
  /** Seed of the context network's weights. @default 0 */
  readonly seed?: number;
};

/** The `type` of the CPC encoder in configs and checkpoints. */
export const cpcEncoderType = 'cpc';

/** The default latent encoder: the paper's five strided ReLU convs, without normalisation. */
const defaultLatentConfig: EncoderConfigV1 = {
  type: audioConvEncoderType,
  activation: 'relu',
  normalization: 'none',
};

/** The configuration of a {@link CpcEncoder} (what `getConfig()` returns and `createEncoder` takes). */
type CpcEncoderConfig = EncoderConfigV1 & {
  readonly latent: EncoderConfigV1;
  readonly contextNetwork: CpcContextNetwork;
  readonly contextUnits: number;
  readonly representation: CpcRepresentation;
  readonly pooling: CpcPooling;
  readonly standardizeWaveforms: boolean;
  readonly seed: number;
  readonly latentSize: number;
};

const inputSpec: InputSpecV1 = { modality: 'audio', shape: [null, 1], dtype: 'float32' };

/**
 * The encoder trained by CPC: a per-step latent encoder `g_enc` (`z_t`) followed by a causal
 * autoregressive context network `g_ar` (`c_t`), in one `tf.LayersModel` with outputs
 * `[pooled, context [B, T', H], latents [B, T', D]]`. Built by {@link createCpcEncoder}; reloaded
 * from a checkpoint with `loadEncoder(directory, cpcEncoders)`.
 */
export class CpcEncoder implements EncoderV1 {
  readonly specificationVersion = 'v1' as const;
  readonly type = cpcEncoderType;
  readonly inputSpec = inputSpec;
  readonly hasPositions = true;
  /** The pooled size: {@link CpcEncoder.featureSize}, doubled by `'mean-max'` pooling. */
  readonly outputSize: number;
  /** `contextUnits` H for the `'context'` representation, the latent size D for `'latent'`, H + D for both. */
  readonly featureSize: number;
  /** Size `D` of the latents `z_t`. */
  readonly latentSize: number;
  /** Size `H` of the contexts `c_t`. */
  readonly contextUnits: number;
  readonly model: tf.LayersModel;
  private readonly config: CpcEncoderConfig;
  private readonly geometry: { kernelSizes: number[]; strides: number[] } | undefined;

  private constructor(config: CpcEncoderConfig, model: tf.LayersModel) {
    this.config = config;
    this.model = model;
    this.latentSize = config.latentSize;
    this.contextUnits = config.contextUnits;
    this.featureSize = representationSize(config);
    this.outputSize = config.pooling === 'mean-max' ? 2 * this.featureSize : this.featureSize;
    this.geometry = audioConvGeometry(config.latent);
  }

  /** Builds a fresh encoder from options. Prefer {@link createCpcEncoder}. */
  static create(options: CpcEncoderOptions = {}): CpcEncoder {
    const {
      contextNetwork = 'lstm',
      contextUnits = 64,
      representation = 'context',
      pooling = 'mean',
      standardizeWaveforms = true,
      seed = 0,
    } = options;
    if (!cpcContextNetworks.includes(contextNetwork)) {
      throw new Error(
        `createCpcEncoder: contextNetwork must be one of ${cpcContextNetworks.join(', ')}, got '${contextNetwork}'.`,
      );
    }
    if (!(Number.isInteger(contextUnits) && contextUnits > 0)) {
      throw new Error(
        `createCpcEncoder: contextUnits must be a positive integer, got ${contextUnits}.`,
      );
    }
    if (!cpcRepresentations.includes(representation)) {
      throw new Error(
        `createCpcEncoder: representation must be one of ${cpcRepresentations.map((name) => `'${name}'`).join(', ')}, got '${representation}'.`,
      );
    }
    if (pooling !== 'mean' && pooling !== 'mean-max') {
      throw new Error(`createCpcEncoder: pooling must be 'mean' or 'mean-max', got '${pooling}'.`);
    }
    if (!(Number.isInteger(seed) && seed >= 0)) {
      throw new Error(`createCpcEncoder: seed must be a non-negative integer, got ${seed}.`);
    }
    const given = options.latent ?? defaultLatentConfig;
    const latent = isEncoder(given) ? given : createEncoder(given);
    if (latent.inputSpec.modality !== 'audio' || !latent.hasPositions) {
      throw new Error(
        `createCpcEncoder: the latent encoder must take audio and have per-position features (hasPositions), got a '${latent.type}' encoder of modality '${latent.inputSpec.modality}'; use createAudioConvEncoder().`,
      );
    }
    const latentSize = latent.featureSize;
    if (latentSize === undefined) {
      throw new Error(`createCpcEncoder: the '${latent.type}' encoder declares no featureSize.`);
    }
    const config: CpcEncoderConfig = {
      type: cpcEncoderType,
      latent: latent.getConfig(),
      contextNetwork,
      contextUnits,
      representation,
      pooling,
      standardizeWaveforms,
      seed,
      latentSize,
    };
    return new CpcEncoder(config, buildCpcModel(latent, config));
  }

  /**
   * Rebuilds an encoder around a model loaded from a checkpoint (call {@link registerCpcLayers}
   * before loading: `registerCpcLayers(); await loadEncoder(directory, cpcEncoders)`).
   *
   * @param model the loaded model (outputs `[pooled, context, latents]`).
   * @param config the saved config (`type: 'cpc'`).
   * @returns the encoder, sharing `model`'s weights.
   * @example const encoder = CpcEncoder.fromModel(await tf.loadLayersModel(handler), config);
   */
  static fromModel(model: tf.LayersModel, config: EncoderConfigV1): CpcEncoder {
    if (config.type !== cpcEncoderType) {
      throw new Error(
        `CpcEncoder.fromModel: config.type is '${config.type}', expected '${cpcEncoderType}'.`,
      );
    }
    const parsed = config as CpcEncoderConfig;
    if (
      model.outputs.length !== 3 ||
      model.outputs[1]?.shape[2] !== parsed.contextUnits ||
      model.outputs[2]?.shape[2] !== parsed.latentSize
    ) {
      throw new Error(
        `CpcEncoder.fromModel: expected a model with outputs [pooled, context [B, T', ${parsed.contextUnits}], latents [B, T', ${parsed.latentSize}]]; pass the model and config saved together.`,
      );
    }
    return new CpcEncoder(structuredClone(parsed), model);
  }

  getConfig(): EncoderConfigV1 {
    return structuredClone(this.config);
  }

  /**
   * The number of latent steps `T'` for clips of `inputLength` samples, when the latent encoder
   * is core's audio conv encoder (0 when the clip is shorter than its receptive field).
   *
   * @param inputLength samples per clip.
   * @returns latent steps per clip, or `undefined` for other latent encoders.
   * @example createCpcEncoder().outputLength(8000); // 49
   */
  outputLength(inputLength: number): number | undefined {
    if (this.geometry === undefined) return undefined;
    let length = inputLength;
    for (const [index, kernelSize] of this.geometry.kernelSizes.entries()) {
      if (length < kernelSize) return 0;
      length = Math.floor((length - kernelSize) / this.geometry.strides[index]!) + 1;
    }
    return length;
  }

  /** Time pooling of the context `c_t` (`'context'`), the latents `z_t` (`'latent'`) or both, `[B, outputSize]`. */
  doEncode(input: tf.Tensor, options: EncodeOptionsV1): tf.Tensor2D {
    const [pooled, context, latents] = this.run(input, options);
    tf.dispose([context, latents]);
    return pooled as tf.Tensor2D;
  }

  /** Per-step contexts `c_t` (`'context'`), latents `z_t` (`'latent'`) or `[c_t, z_t]`, `[B, T', featureSize]`. */
  doEncodeSequence(input: tf.Tensor, options: EncodeOptionsV1): tf.Tensor3D {
    const [pooled, context, latents] = this.run(input, options);
    pooled?.dispose();
    switch (this.config.representation) {
      case 'context':
        latents?.dispose();
        return context as tf.Tensor3D;
      case 'latent':
        context?.dispose();
        return latents as tf.Tensor3D;
      default: {
        const both = tf.concat([context as tf.Tensor3D, latents as tf.Tensor3D], -1);
        tf.dispose([context, latents]);
        return both;
      }
    }
  }

  /**
   * Both sequences CPC needs, in one forward pass: the latents `z_t` `[B, T', D]` and the causal
   * contexts `c_t` `[B, T', H]` (`c_t` depends on `z_1..z_t` only).
   *
   * @param input audio `[B, T, 1]`.
   * @param options training mode.
   * @returns `{ latents, context }`, owned by the caller.
   * @example const { latents, context } = encoder.encodeLatentsAndContext(audio, { training: true });
   */
  encodeLatentsAndContext(
    input: tf.Tensor,
    options: EncodeOptionsV1,
  ): { latents: tf.Tensor3D; context: tf.Tensor3D } {
    const [pooled, context, latents] = this.run(input, options);
    pooled.dispose();
    return { latents: latents as tf.Tensor3D, context: context as tf.Tensor3D };
  }

  dispose(): void {
    this.model.dispose();
  }

  private run(input: tf.Tensor, options: EncodeOptionsV1): [tf.Tensor, tf.Tensor, tf.Tensor] {
    if (input.rank !== 3 || input.shape[2] !== 1) {
      throw new Error(
        `The 'cpc' encoder takes waveforms [B, T, 1], got shape ${JSON.stringify(input.shape)}; add the channel axis (x.expandDims(-1)).`,
      );
    }
    const length = input.shape[1]!;
    const steps = this.outputLength(length);
    if (steps !== undefined && steps < 1) {
      throw new Error(
        `The 'cpc' encoder's latent encoder needs longer clips than ${length} samples (not one latent step); pad the clips or use smaller kernels.`,
      );
    }
    return this.model.apply(input, { training: options.training }) as [
      tf.Tensor,
      tf.Tensor,
      tf.Tensor,
    ];
  }
}

function isEncoder(value: EncoderV1 | EncoderConfigV1): value is EncoderV1 {
  return (value as EncoderV1).specificationVersion === 'v1' && 'model' in value;
}

/** Kernel sizes and strides of an audio conv latent encoder config, else `undefined`. */
function audioConvGeometry(
  latent: EncoderConfigV1,
): { kernelSizes: number[]; strides: number[] } | undefined {
  if (latent.type !== audioConvEncoderType) return undefined;
  const { type: _type, ...options } = latent;
  const parsed = audioConvEncoderOptionsSchema.safeParse(options);
  return parsed.success
    ? { kernelSizes: parsed.data.kernelSizes, strides: parsed.data.strides }
    : undefined;
}

/** Size of the per-step representation: H, D, or H + D. */
function representationSize(config: CpcEncoderConfig): number {
  switch (config.representation) {
    case 'context':
      return config.contextUnits;
    case 'latent':
      return config.latentSize;
    default:
      return config.contextUnits + config.latentSize;
  }
}

/** The latent encoder's per-position output among its model's outputs (rank 3, size D). */
function latentFeatures(
  latent: EncoderV1,
  outputs: tf.SymbolicTensor | tf.SymbolicTensor[],
): { pooled: tf.SymbolicTensor; features: tf.SymbolicTensor } {
  const list = Array.isArray(outputs) ? outputs : [outputs];
  const features = list.find(
    (output) => output.shape.length === 3 && output.shape[2] === latent.featureSize,
  );
  const pooled = list.find(
    (output) => output.shape.length === 2 && output.shape[1] === latent.outputSize,
  );
  if (features === undefined || pooled === undefined) {
    throw new Error(
      `createCpcEncoder: the '${latent.type}' encoder's model must output [pooled [B, ${latent.outputSize}], features [B, T', ${latent.featureSize}]] (as core's audio conv encoder does).`,
    );
  }
  return { pooled, features };
}

function buildCpcModel(latent: EncoderV1, config: CpcEncoderConfig): tf.LayersModel {
  const input = tf.input({ shape: [null, 1], name: 'waveforms' });
  const waveforms = config.standardizeWaveforms
    ? (new CpcWaveformStandardization({ name: 'waveform_standardization' }).apply(
        input,
      ) as tf.SymbolicTensor)
    : input;
  const { pooled: latentPooled, features: latents } = latentFeatures(
    latent,
    latent.model.apply(waveforms) as tf.SymbolicTensor | tf.SymbolicTensor[],
  );
  const units = config.contextUnits;
  const kernelSeed = deriveSeed(config.seed, 1);
  const recurrentSeed = deriveSeed(config.seed, 2);
  const recurrent =
    config.contextNetwork === 'lstm'
      ? new FusedLstm({ units, seed: kernelSeed, name: 'context' })
      : tf.layers.gru({
          units,
          returnSequences: true,
          recurrentActivation: 'sigmoid',
          kernelInitializer: tf.initializers.glorotUniform({ seed: kernelSeed }),
          recurrentInitializer: 'zeros',
          name: 'context',
        });
  const context = recurrent.apply(latents) as tf.SymbolicTensor;
  // Orthogonal recurrent kernels (Keras' default for both), seeded.
  // (getWeights returns the variables themselves: only the new kernel is disposed.)
  const [kernel, recurrentKernel, bias] = recurrent.getWeights();
  if (kernel === undefined || recurrentKernel === undefined || bias === undefined) {
    throw new Error('createCpcEncoder: the context network has no [kernel, recurrent, bias].');
  }
  const gates = config.contextNetwork === 'lstm' ? 4 : 3;
  const orthogonal = orthogonalRecurrentKernel(units, gates, recurrentSeed);
  recurrent.setWeights([kernel, orthogonal, bias]);
  orthogonal.dispose();
  const representationName = config.representation.replaceAll('-', '_');
  const sequence =
    config.representation === 'context'
      ? context
      : config.representation === 'latent'
        ? latents
        : (tf.layers
            .concatenate({ axis: -1, name: 'context_and_latent' })
            .apply([context, latents]) as tf.SymbolicTensor);
  const mean =
    config.representation === 'latent'
      ? latentPooled
      : (tf.layers
          .globalAveragePooling1d({ name: `${representationName}_representation` })
          .apply(sequence) as tf.SymbolicTensor);
  const pooled =
    config.pooling === 'mean'
      ? mean
      : (tf.layers
          .concatenate({ axis: -1, name: 'mean_max_representation' })
          .apply([
            mean,
            tf.layers
              .globalMaxPooling1d({ name: `${representationName}_maximum` })
              .apply(sequence) as tf.SymbolicTensor,
          ]) as tf.SymbolicTensor);
  registerLayers();
  registerCpcLayers();
  return tf.model({ inputs: input, outputs: [pooled, context, latents], name: 'cpc_encoder' });
}

/**
 * Creates the encoder that Contrastive Predictive Coding trains (van den Oord, Li & Vinyals 2018,
 * "Representation Learning with Contrastive Predictive Coding", §2 and §3.1): a strided conv
 * encoder `g_enc` maps raw audio to latents `z_t`, and a causal autoregressive network `g_ar`
 * summarises `z_{≤t}` into the context `c_t`.
 *
 * Paper (audio): five ReLU convs, strides (5, 4, 2, 2, 2), kernels (10, 8, 4, 4, 4), 512 channels
 * (160× downsampling, 10 ms steps at 16 kHz), a GRU of 256 units. Defaults here: the same conv
 * stack scaled to 64 channels, ReLU, without normalisation (a training step of the stack on
 * 16 × 8000 samples took 4.7 s with core's defaults GELU + LayerNorm, 2.1 s with ReLU + LayerNorm
 * and 0.16 s with ReLU alone on wasm; BatchNorm would leak information between the clips whose
 * latents serve as negatives), and a 64-unit context network. The context network defaults to core's FusedLstm:
 * `tf.layers.gru` trains on wasm but its step (B 16, T 49, 64 units) took 300 ms against 96 ms for
 * FusedLstm; choose `contextNetwork: 'gru'` for the paper's GRU. The representation that transfers
 * (`doEncode`) is the time mean of `c_t`, as the paper probes `c_t`; `representation: 'latent'`
 * gives the time mean of `z_t` instead and `'context-and-latent'` that of both; `pooling: 'mean-max'` adds the time maximum. Each clip is standardised (zero mean, unit variance)
 * before `g_enc` unless `standardizeWaveforms: false`.
 *
 * @param options latent encoder, context network and units, representation, seed; all optional.
 * @returns the encoder; pass it to `createCpc`. Reload with `registerCpcLayers(); loadEncoder(dir, cpcEncoders)`.
 * @example
 * const encoder = createCpcEncoder({ latent: createAudioConvEncoder({ channels: 32, activation: 'relu', normalization: 'none' }) });
 * const pooled = encoder.doEncode(audio, { training: false }); // [B, 64]
 */
export function createCpcEncoder(options: CpcEncoderOptions = {}): CpcEncoder {
  return CpcEncoder.create(options);
}

/**
 * The encoder factory of the `'cpc'` type, for core's `loadEncoder`, `createEncoder`,
 * `cloneEncoder` and `labelEfficiency` (which know only core's encoder types).
 *
 * @example const encoder = await loadEncoder('runs/cpc', cpcEncoders);
 */
export const cpcEncoders: Readonly<Record<string, EncoderFactory>> = {
  [cpcEncoderType]: {
    create: (config) => {
      const {
        latent,
        contextNetwork,
        contextUnits,
        representation,
        pooling,
        standardizeWaveforms,
        seed,
      } = config as CpcEncoderConfig;
      return CpcEncoder.create({
        latent,
        contextNetwork,
        contextUnits,
        representation,
        pooling,
        standardizeWaveforms,
        seed,
      });
    },
    fromModel: (model, config) => CpcEncoder.fromModel(model, config),
  },
};
