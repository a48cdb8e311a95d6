import {
  type AudioConvEncoderOptions,
  createAudioConvEncoder,
  deriveSeed,
  type EncodeOptionsV1,
  type EncoderConfigV1,
  type EncoderFactory,
  type EncoderV1,
  type InputSpecV1,
  type JsonObject,
  LayerNormalization,
  registerLayers,
  TransformerBlock,
} from '@selfsup/core';
import * as tf from '@tensorflow/tfjs';
import { GumbelVectorQuantizer } from './gumbel-vector-quantizer';
import { WaveformNormalization } from './waveform-normalization';

/** What a {@link Wav2vec2Encoder}'s pooled output (the representation that transfers) is. */
export type Wav2vec2Representation = 'context' | 'features';

/** How the sequence is pooled over time: its mean, or its mean and maximum concatenated. */
export type Wav2vec2Pooling = 'mean' | 'mean-max';

/** Options of {@link createWav2vec2Encoder}. */
export type Wav2vec2EncoderOptions = {
  /**
   * Options of the conv feature encoder (core's `createAudioConvEncoder`): raw audio → `z_t`.
   * @default { channels: 64, activation: 'gelu', normalization: 'none' } (core's kernels 10, 8, 4, 4, 4 and strides 5, 4, 2, 2, 2: 20 ms frames at 8 kHz)
   */
  readonly featureEncoder?: AudioConvEncoderOptions;
  /** Scale each clip to zero mean, unit variance before the feature encoder. @default true */
  readonly normalizeWaveforms?: boolean;
  /** D, the width of the Transformer context network. @default 64 */
  readonly modelSize?: number;
  /** Number of Transformer blocks. @default 2 */
  readonly blocks?: number;
  /** Attention heads per block (must divide `modelSize`). @default 4 */
  readonly heads?: number;
  /** Kernel of the convolutional relative position embedding (odd). @default 15 */
  readonly positionKernelSize?: number;
  /**
   * The pooled output (`doEncode`) and `doEncodeSequence`: `'context'` is the Transformer output
   * `c_t`, `'features'` the layer-normalized feature-encoder output `z_t`.
   * @default 'context'
   */
  readonly representation?: Wav2vec2Representation;
  /** Pooling over time: `'mean'`, or `'mean-max'` (mean and maximum, `outputSize` doubles). @default 'mean' */
  readonly pooling?: Wav2vec2Pooling;
  /** Seed of every initializer. @default 0 */
  readonly seed?: number;
};

/** The `type` of the wav2vec 2.0 encoder in configs and checkpoints. */
export const wav2vec2EncoderType = 'wav2vec2';

/** The saved configuration (what `getConfig()` returns). */
type Wav2vec2EncoderConfig = EncoderConfigV1 & {
  readonly featureEncoder: JsonObject;
  readonly normalizeWaveforms: boolean;
  readonly modelSize: number;
  readonly blocks: number;
  readonly heads: number;
  readonly positionKernelSize: number;
  readonly representation: Wav2vec2Representation;
  readonly pooling: Wav2vec2Pooling;
  readonly seed: number;
  /** C, the feature encoder's channels. */
  readonly featureChannels: number;
  readonly kernelSizes: number[];
  readonly strides: number[];
};

/** The layers the pretraining path applies one by one (shared with the model). */
type Wav2vec2Layers = {
  readonly waveformNormalization: tf.layers.Layer | undefined;
  readonly featureEncoder: tf.LayersModel;
  readonly featureNormalization: tf.layers.Layer;
  readonly featureProjection: tf.layers.Layer;
  readonly positionConvolution: tf.layers.Layer;
  readonly blocks: readonly tf.layers.Layer[];
  readonly contextNormalization: tf.layers.Layer;
};

/** What {@link Wav2vec2Encoder.encodeForPretraining} returns (owned by the caller). */
export type Wav2vec2PretrainingOutputs = {
  /** Layer-normalized feature-encoder output `z_t`, `[B, T', C]`, never masked (the quantizer's input). */
  readonly features: tf.Tensor3D;
  /** Context network output `c_t`, `[B, T', D]`, computed from the masked projection. */
  readonly context: tf.Tensor3D;
};

const inputSpec: InputSpecV1 = { modality: 'audio', shape: [null, 1], dtype: 'float32' };

const defaultFeatureEncoder = {
  channels: 64,
  activation: 'gelu',
  normalization: 'none',
} as const satisfies AudioConvEncoderOptions;

/**
 * The encoder wav2vec 2.0 trains: waveform normalization, a conv feature encoder (`z_t`), a layer
 * norm, a linear projection to D, a convolutional relative position embedding and bidirectional
 * pre-LN Transformer blocks with a final layer norm (`c_t`), in one `tf.LayersModel` with outputs
 * `[pooled, context [B, T', D], features [B, T', C]]`. Built by {@link createWav2vec2Encoder};
 * reloaded with `registerWav2vec2Layers(); loadEncoder(directory, wav2vec2Encoders)`.
 */
export class Wav2vec2Encoder implements EncoderV1 {
  readonly specificationVersion = 'v1' as const;
  readonly type = wav2vec2EncoderType;
  readonly inputSpec = inputSpec;
  readonly hasPositions = true;
  /** The pooled size: {@link Wav2vec2Encoder.featureSize}, doubled by `'mean-max'` pooling. */
  readonly outputSize: number;
  /** D for the `'context'` representation, C for `'features'`. */
  readonly featureSize: number;
  /** D, the context network's width (the size of `c_t` and of the mask embedding). */
  readonly modelSize: number;
  /** C, the feature encoder's channels (the size of `z_t`, the quantizer's input). */
  readonly featureChannels: number;
  readonly model: tf.LayersModel;
  private readonly config: Wav2vec2EncoderConfig;
  private readonly layers: Wav2vec2Layers;

  private constructor(config: Wav2vec2EncoderConfig, model: tf.LayersModel) {
    this.config = config;
    this.model = model;
    this.modelSize = config.modelSize;
    this.featureChannels = config.featureChannels;
    this.featureSize =
      config.representation === 'context' ? config.modelSize : config.featureChannels;
    this.outputSize = config.pooling === 'mean-max' ? 2 * this.featureSize : this.featureSize;
    this.layers = findLayers(model, config);
  }

  /** Builds a fresh encoder from options. Prefer {@link createWav2vec2Encoder}. */
  static create(options: Wav2vec2EncoderOptions = {}): Wav2vec2Encoder {
    const {
      normalizeWaveforms = true,
      modelSize = 64,
      blocks = 2,
      heads = 4,
      positionKernelSize = 15,
      representation = 'context',
      pooling = 'mean',
      seed = 0,
    } = options;
    const positive = (value: number, name: string, minimum = 1) => {
      if (!(Number.isInteger(value) && value >= minimum)) {
        throw new Error(
          `createWav2vec2Encoder: ${name} must be an integer ≥ ${minimum}, got ${value}.`,
        );
      }
    };
    positive(modelSize, 'modelSize');
    positive(blocks, 'blocks', 0);
    positive(heads, 'heads');
    positive(positionKernelSize, 'positionKernelSize');
    positive(seed, 'seed', 0);
    if (modelSize % heads !== 0) {
      throw new Error(
        `createWav2vec2Encoder: heads (${heads}) must divide modelSize (${modelSize}); e.g. modelSize 64 with 4 heads.`,
      );
    }
    if (positionKernelSize % 2 !== 1) {
      throw new Error(
        `createWav2vec2Encoder: positionKernelSize must be odd (a centred 'same' conv), got ${positionKernelSize}.`,
      );
    }
    if (representation !== 'context' && representation !== 'features') {
      throw new Error(
        `createWav2vec2Encoder: representation must be 'context' or 'features', got '${representation}'.`,
      );
    }
    if (pooling !== 'mean' && pooling !== 'mean-max') {
      throw new Error(
        `createWav2vec2Encoder: pooling must be 'mean' or 'mean-max', got '${pooling}'.`,
      );
    }
    const featureEncoder = createAudioConvEncoder({
      ...defaultFeatureEncoder,
      seed: deriveSeed(seed, 0),
      ...options.featureEncoder,
    });
    const { type: _type, ...featureOptions } = featureEncoder.getConfig();
    const config: Wav2vec2EncoderConfig = {
      type: wav2vec2EncoderType,
      featureEncoder: featureOptions,
      normalizeWaveforms,
      modelSize,
      blocks,
      heads,
      positionKernelSize,
      representation,
      pooling,
      seed,
      featureChannels: featureEncoder.settings.channels,
      kernelSizes: [...featureEncoder.settings.kernelSizes],
      strides: [...featureEncoder.settings.strides],
    };
    return new Wav2vec2Encoder(config, buildModel(featureEncoder.model, config));
  }

  /**
   * Rebuilds an encoder around a model loaded from a checkpoint (call `registerWav2vec2Layers()`
   * before loading).
   *
   * @param model the loaded model (outputs `[pooled, context, features]`).
   * @param config the saved config (`type: 'wav2vec2'`).
   * @returns the encoder, sharing `model`'s weights.
   * @example const encoder = Wav2vec2Encoder.fromModel(await tf.loadLayersModel(handler), config);
   */
  static fromModel(model: tf.LayersModel, config: EncoderConfigV1): Wav2vec2Encoder {
    if (config.type !== wav2vec2EncoderType) {
      throw new Error(
        `Wav2vec2Encoder.fromModel: config.type is '${config.type}', expected '${wav2vec2EncoderType}'.`,
      );
    }
    const parsed = config as Wav2vec2EncoderConfig;
    if (
      model.outputs.length !== 3 ||
      model.outputs[1]?.shape[2] !== parsed.modelSize ||
      model.outputs[2]?.shape[2] !== parsed.featureChannels
    ) {
      throw new Error(
        `Wav2vec2Encoder.fromModel: expected a model with outputs [pooled, context [B, T', ${parsed.modelSize}], features [B, T', ${parsed.featureChannels}]]; pass the model and config saved together.`,
      );
    }
    return new Wav2vec2Encoder(structuredClone(parsed), model);
  }

  getConfig(): EncoderConfigV1 {
    return structuredClone(this.config);
  }

  /**
   * The number of frames `T'` for clips of `inputLength` samples (0 when shorter than the
   * feature encoder's receptive field).
   *
   * @param inputLength samples per clip.
   * @returns frames per clip.
   * @example createWav2vec2Encoder().outputLength(8000); // 48
   */
  outputLength(inputLength: number): number {
    let length = inputLength;
    for (const [index, kernelSize] of this.config.kernelSizes.entries()) {
      if (length < kernelSize) return 0;
      length = Math.floor((length - kernelSize) / this.config.strides[index]!) + 1;
    }
    return length;
  }

  /** Time mean (or mean and maximum) of `c_t` (`'context'`) or `z_t` (`'features'`), `[B, outputSize]`. */
  doEncode(input: tf.Tensor, options: EncodeOptionsV1): tf.Tensor2D {
    const [pooled, context, features] = this.run(input, options);
    tf.dispose([context, features]);
    return pooled as tf.Tensor2D;
  }

  /** Per-frame `c_t` (`'context'`) or `z_t` (`'features'`), `[B, T', featureSize]`. */
  doEncodeSequence(input: tf.Tensor, options: EncodeOptionsV1): tf.Tensor3D {
    const [pooled, context, features] = this.run(input, options);
    if (this.config.representation === 'context') {
      tf.dispose([pooled, features]);
      return context as tf.Tensor3D;
    }
    tf.dispose([pooled, context]);
    return features as tf.Tensor3D;
  }

  /**
   * The forward pass of pretraining: the unmasked features `z_t` (the quantizer's input) and the
   * context `c_t` computed after the projected features of the masked frames are replaced by the
   * mask embedding (wav2vec 2.0 §3.1). The same layers as the model, applied one by one; without
   * `mask` it equals the model's outputs.
   *
   * @param input audio `[B, T, 1]`.
   * @param options training mode; `mask` `[B, T']` (1 = masked) and `maskEmbedding` `[D]` together.
   * @returns `{ features, context }`, owned by the caller.
   * @example const { features, context } = encoder.encodeForPretraining(audio, { training: true, mask, maskEmbedding });
   */
  encodeForPretraining(
    input: tf.Tensor,
    options: EncodeOptionsV1 & { readonly mask?: tf.Tensor2D; readonly maskEmbedding?: tf.Tensor },
  ): Wav2vec2PretrainingOutputs {
    this.checkInput(input);
    const { mask, maskEmbedding } = options;
    if ((mask === undefined) !== (maskEmbedding === undefined)) {
      throw new Error('encodeForPretraining: pass mask and maskEmbedding together, or neither.');
    }
    const kwargs = { training: options.training };
    const layers = this.layers;
    return tf.tidy(() => {
      const waveforms =
        layers.waveformNormalization === undefined
          ? input
          : (layers.waveformNormalization.apply(input, kwargs) as tf.Tensor);
      const [, raw] = layers.featureEncoder.apply(waveforms, kwargs) as tf.Tensor[];
      const features = layers.featureNormalization.apply(raw!, kwargs) as tf.Tensor3D;
      let projected = layers.featureProjection.apply(features, kwargs) as tf.Tensor3D;
      if (mask !== undefined && maskEmbedding !== undefined) {
        const [batch, frames] = projected.shape;
        if (mask.shape[0] !== batch || mask.shape[1] !== frames) {
          throw new Error(
            `encodeForPretraining: mask must be [B, T'] = [${batch}, ${frames}], got ${JSON.stringify(mask.shape)}.`,
          );
        }
        const weight = tf.expandDims(mask.cast('float32'), 2);
        projected = tf.add(
          tf.mul(projected, tf.sub(1, weight)),
          tf.mul(weight, tf.reshape(maskEmbedding, [1, 1, this.modelSize])),
        ) as tf.Tensor3D;
      }
      const positions = layers.positionConvolution.apply(projected, kwargs) as tf.Tensor3D;
      let context = tf.add(projected, positions) as tf.Tensor3D;
      for (const block of layers.blocks) context = block.apply(context, kwargs) as tf.Tensor3D;
      context = layers.contextNormalization.apply(context, kwargs) as tf.Tensor3D;
      return { features, context };
    });
  }

  dispose(): void {
    this.model.dispose();
  }

  private checkInput(input: tf.Tensor): void {
    if (input.rank !== 3 || input.shape[2] !== 1) {
      throw new Error(
        `The 'wav2vec2' encoder takes waveforms [B, T, 1], got shape ${JSON.stringify(input.shape)}; add the channel axis (x.expandDims(-1)).`,
      );
    }
    if (this.outputLength(input.shape[1]!) < 1) {
      throw new Error(
        `The 'wav2vec2' encoder needs longer clips than ${input.shape[1]} samples (not one frame out of its feature encoder); pad the clips or use smaller kernels.`,
      );
    }
  }

  private run(input: tf.Tensor, options: EncodeOptionsV1): [tf.Tensor, tf.Tensor, tf.Tensor] {
    this.checkInput(input);
    return this.model.apply(input, { training: options.training }) as [
      tf.Tensor,
      tf.Tensor,
      tf.Tensor,
    ];
  }
}

const layerNames = {
  waveformNormalization: 'waveform_normalization',
  featureNormalization: 'feature_normalization',
  featureProjection: 'feature_projection',
  positionConvolution: 'position_convolution',
  contextNormalization: 'context_normalization',
  block: (index: number) => `context_block_${index}`,
};

function findLayers(model: tf.LayersModel, config: Wav2vec2EncoderConfig): Wav2vec2Layers {
  const featureEncoder = model.layers.find((layer) => layer instanceof tf.LayersModel);
  if (featureEncoder === undefined) {
    throw new Error('Wav2vec2Encoder: the model holds no feature encoder (a nested model).');
  }
  return {
    waveformNormalization: config.normalizeWaveforms
      ? model.getLayer(layerNames.waveformNormalization)
      : undefined,
    featureEncoder: featureEncoder as tf.LayersModel,
    featureNormalization: model.getLayer(layerNames.featureNormalization),
    featureProjection: model.getLayer(layerNames.featureProjection),
    positionConvolution: model.getLayer(layerNames.positionConvolution),
    blocks: Array.from({ length: config.blocks }, (_, index) =>
      model.getLayer(layerNames.block(index)),
    ),
    contextNormalization: model.getLayer(layerNames.contextNormalization),
  };
}

function buildModel(featureModel: tf.LayersModel, config: Wav2vec2EncoderConfig): tf.LayersModel {
  registerWav2vec2Layers();
  const input = tf.input({ shape: [null, 1], name: 'waveforms' });
  const waveforms = config.normalizeWaveforms
    ? (new WaveformNormalization({ name: layerNames.waveformNormalization }).apply(
        input,
      ) as tf.SymbolicTensor)
    : input;
  const [, raw] = featureModel.apply(waveforms) as tf.SymbolicTensor[];
  const features = new LayerNormalization({ name: layerNames.featureNormalization }).apply(
    raw!,
  ) as tf.SymbolicTensor;
  const projected = tf.layers
    .dense({
      units: config.modelSize,
      kernelInitializer: tf.initializers.glorotUniform({ seed: deriveSeed(config.seed, 1) }),
      name: layerNames.featureProjection,
    })
    .apply(features) as tf.SymbolicTensor;
  // wav2vec 2.0's relative position embedding: a wide conv over time, GELU, added to the input.
  const positions = tf.layers
    .conv1d({
      filters: config.modelSize,
      kernelSize: config.positionKernelSize,
      padding: 'same',
      activation: 'gelu',
      kernelInitializer: tf.initializers.randomNormal({
        mean: 0,
        stddev: Math.sqrt(4 / (config.positionKernelSize * config.modelSize)),
        seed: deriveSeed(config.seed, 2),
      }),
      name: layerNames.positionConvolution,
    })
    .apply(projected) as tf.SymbolicTensor;
  let context = tf.layers
    .add({ name: 'add_positions' })
    .apply([projected, positions]) as tf.SymbolicTensor;
  for (let index = 0; index < config.blocks; index++) {
    context = new TransformerBlock({
      heads: config.heads,
      seed: deriveSeed(config.seed, 10, index),
      residualStddev: 0.02 / Math.sqrt(2 * Math.max(1, config.blocks)),
      name: layerNames.block(index),
    }).apply(context) as tf.SymbolicTensor;
  }
  context = new LayerNormalization({ name: layerNames.contextNormalization }).apply(
    context,
  ) as tf.SymbolicTensor;
  const sequence = config.representation === 'context' ? context : features;
  const mean = tf.layers
    .globalAveragePooling1d({ name: `${config.representation}_mean` })
    .apply(sequence) as tf.SymbolicTensor;
  const pooled =
    config.pooling === 'mean'
      ? mean
      : (tf.layers
          .concatenate({ axis: -1, name: 'mean_max_representation' })
          .apply([
            mean,
            tf.layers
              .globalMaxPooling1d({ name: `${config.representation}_maximum` })
              .apply(sequence) as tf.SymbolicTensor,
          ]) as tf.SymbolicTensor);
  return tf.model({
    inputs: input,
    outputs: [pooled, context, features],
    name: 'wav2vec2_encoder',
  });
}

let registered = false;

/**
 * Registers the layers of wav2vec 2.0 (the encoder's waveform normalization, the quantizer head's
 * {@link GumbelVectorQuantizer}, and core's layers they use) with `tf.serialization`, so that `tf.loadLayersModel` and
 * `loadEncoder(directory, wav2vec2Encoders)` can rebuild it. Idempotent; nothing is registered at
 * import time.
 *
 * @example
 * registerWav2vec2Layers();
 * const encoder = await loadEncoder('runs/wav2vec2', wav2vec2Encoders);
 */
export function registerWav2vec2Layers(): void {
  registerLayers();
  if (registered) return;
  tf.serialization.registerClass(WaveformNormalization);
  tf.serialization.registerClass(GumbelVectorQuantizer);
  registered = true;
}

/**
 * Creates the encoder that wav2vec 2.0 trains (Baevski, Zhou, Mohamed & Auli 2020, "wav2vec 2.0:
 * A Framework for Self-Supervised Learning of Speech Representations", §2 and §4.2), scaled down
 * for 1 s clips at 8 kHz on tfjs-wasm.
 *
 * Paper (BASE): 7 conv layers of 512 channels (320×, 20 ms frames at 16 kHz), GELU, group norm in
 * the first layer; layer norm and a projection to 768; a relative position conv (kernel 128,
 * 16 groups) added to the input; 12 Transformer blocks of 768 dims, 8 heads. Defaults here: each
 * clip normalized to zero mean and unit variance (the paper's LARGE `normalize` setting; it
 * replaces the group norm, whose gradient is slow on wasm), core's five GELU convs (kernels 10, 8,
 * 4, 4, 4; strides 5, 4, 2, 2, 2: 160×, 20 ms frames at 8 kHz: 48 frames per 1 s clip) at 64 channels, a
 * layer norm, a projection to D = 64, a position conv of kernel 15 (300 ms) with GELU, 2 pre-LN
 * blocks (4 heads, MLP 4×) and a final layer norm.
 *
 * The representation that transfers (`doEncode`) is the time mean of the context `c_t`
 * (`representation: 'context'`, what the paper fine-tunes) or of the normalized features `z_t`
 * (`'features'`); see `docs/wav2vec2.md` for which probes better on the synthetic clips.
 *
 * @param options feature encoder, sizes, representation, pooling, seed; all optional.
 * @returns the encoder; pass it to `createWav2vec2`.
 * @example
 * const encoder = createWav2vec2Encoder({ blocks: 2 });
 * const pooled = encoder.doEncode(audio, { training: false }); // [B, 64]
 */
export function createWav2vec2Encoder(options: Wav2vec2EncoderOptions = {}): Wav2vec2Encoder {
  return Wav2vec2Encoder.create(options);
}

/**
 * The encoder factory of the `'wav2vec2'` type, for core's `loadEncoder`, `createEncoder`,
 * `cloneEncoder` and `labelEfficiency` (which know only core's encoder types).
 *
 * @example const encoder = await loadEncoder('runs/wav2vec2', wav2vec2Encoders);
 */
export const wav2vec2Encoders: Readonly<Record<string, EncoderFactory>> = {
  [wav2vec2EncoderType]: {
    create: (config) => {
      const parsed = config as Wav2vec2EncoderConfig;
      return Wav2vec2Encoder.create({
        featureEncoder: parsed.featureEncoder as AudioConvEncoderOptions,
        normalizeWaveforms: parsed.normalizeWaveforms,
        modelSize: parsed.modelSize,
        blocks: parsed.blocks,
        heads: parsed.heads,
        positionKernelSize: parsed.positionKernelSize,
        representation: parsed.representation,
        pooling: parsed.pooling,
        seed: parsed.seed,
      });
    },
    fromModel: (model, config) => Wav2vec2Encoder.fromModel(model, config),
  },
};
