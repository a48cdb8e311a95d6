import * as tf from '@tensorflow/tfjs';
import { z } from 'zod';
import { BatchNormalization } from '../layers/batch-normalization';
import { deriveSeed } from '../random/seeded-random';
import type { EncodeOptionsV1, EncoderConfigV1 } from '../spec/encoder-v1';
import { LayersEncoder } from './layers-encoder';
import { validateEncoderOptions } from './validate-encoder-options';

const positiveInteger = z.number().int().positive();

/**
 * Options of {@link createAudioConvEncoder}. The default stack, kernels (10, 8, 4, 4, 4) and
 * strides (5, 4, 2, 2, 2), downsamples 160×: 10 ms frames at 16 kHz, 20 ms at 8 kHz, with a
 * receptive field of 465 samples (29 ms at 16 kHz). wav2vec 2.0 uses 7 layers of 512 channels
 * (320×); this is scaled down for short 8–16 kHz clips.
 */
export const audioConvEncoderOptionsSchema = z
  .strictObject({
    /** Kernel size of each 1-D conv (one layer per entry). @default [10, 8, 4, 4, 4] */
    kernelSizes: z.array(positiveInteger).min(1).default([10, 8, 4, 4, 4]),
    /** Stride of each 1-D conv (same length as `kernelSizes`). @default [5, 4, 2, 2, 2] */
    strides: z.array(positiveInteger).min(1).default([5, 4, 2, 2, 2]),
    /** Channels of every conv: the feature size `D`. @default 64 */
    channels: positiveInteger.default(64),
    /** Activation after each normalization. `gelu` is the exact (erf) form. @default 'gelu' */
    activation: z.enum(['gelu', 'relu']).default('gelu'),
    /**
     * Normalization after each conv: `layer` normalizes each position over channels (wav2vec 2.0's
     * layer-norm variant), `batch` is BatchNormalization, `none` gives the convs a bias instead.
     * @default 'layer'
     */
    normalization: z.enum(['layer', 'batch', 'none']).default('layer'),
    /** Seed of the weight initializers. @default 0 */
    seed: z.number().int().min(0).default(0),
  })
  .refine((options) => options.kernelSizes.length === options.strides.length, {
    message: 'kernelSizes and strides must have the same length (one entry per conv layer)',
    path: ['strides'],
  });

/** What {@link createAudioConvEncoder} accepts (every field optional). */
export type AudioConvEncoderOptions = z.input<typeof audioConvEncoderOptionsSchema>;
/** {@link AudioConvEncoderOptions} with the defaults filled in. */
export type AudioConvEncoderSettings = z.output<typeof audioConvEncoderOptionsSchema>;

/** The `type` of the audio conv encoder in configs and checkpoints. */
export const audioConvEncoderType = 'audio-conv';

/**
 * A wav2vec 2.0 / CPC-style waveform encoder: strided 1-D convs turn raw audio `[B, T, 1]` into
 * per-frame features `[B, T', D]` ({@link AudioConvEncoder.doEncodeSequence}) and their mean over
 * time `[B, D]` ({@link AudioConvEncoder.doEncode}).
 *
 * Built by {@link createAudioConvEncoder}; rebuilt around a loaded model by {@link AudioConvEncoder.fromModel}.
 */
export class AudioConvEncoder extends LayersEncoder {
  /** The options in effect (defaults filled in). */
  readonly settings: AudioConvEncoderSettings;
  /** Input samples per output frame: the product of the strides. */
  readonly downsamplingFactor: number;
  /** Input samples that one output frame sees. */
  readonly receptiveField: number;

  private constructor(settings: AudioConvEncoderSettings, model: tf.LayersModel) {
    super({
      type: audioConvEncoderType,
      config: { type: audioConvEncoderType, ...settings },
      inputSpec: { modality: 'audio', shape: [null, 1], dtype: 'float32' },
      outputSize: settings.channels,
      featureSize: settings.channels,
      model,
    });
    this.settings = settings;
    this.downsamplingFactor = settings.strides.reduce((product, stride) => product * stride, 1);
    let field = 1;
    let jump = 1;
    settings.kernelSizes.forEach((kernelSize, index) => {
      field += (kernelSize - 1) * jump;
      jump *= settings.strides[index]!;
    });
    this.receptiveField = field;
  }

  /** Builds a fresh, seeded encoder from options. Prefer {@link createAudioConvEncoder}. */
  static create(options: AudioConvEncoderOptions = {}): AudioConvEncoder {
    const settings = validateEncoderOptions(
      'createAudioConvEncoder',
      audioConvEncoderOptionsSchema,
      options,
    );
    return new AudioConvEncoder(settings, buildAudioConvModel(settings));
  }

  /**
   * Rebuilds an encoder around a model loaded with `tf.loadLayersModel` (call
   * `registerVisionLayers()` first) and the config from {@link AudioConvEncoder.getConfig}.
   *
   * @param model the loaded model.
   * @param config the saved encoder config (`type: 'audio-conv'`).
   * @returns the encoder, sharing `model`'s weights.
   * @example const encoder = AudioConvEncoder.fromModel(await tf.loadLayersModel(handler), config);
   */
  static fromModel(model: tf.LayersModel, config: EncoderConfigV1): AudioConvEncoder {
    const { type, ...options } = config;
    if (type !== audioConvEncoderType) {
      throw new Error(
        `AudioConvEncoder.fromModel: config.type is '${type}', expected '${audioConvEncoderType}'.`,
      );
    }
    const settings = validateEncoderOptions(
      'AudioConvEncoder.fromModel',
      audioConvEncoderOptionsSchema,
      options,
    );
    if (model.outputs.length !== 2 || model.outputs[0]?.shape[1] !== settings.channels) {
      throw new Error(
        `AudioConvEncoder.fromModel: expected a model with outputs [pooled [B, ${settings.channels}], features [B, T', ${settings.channels}]]; pass the model and config saved together.`,
      );
    }
    return new AudioConvEncoder(settings, model);
  }

  /**
   * The number of output frames `T'` for `inputLength` samples (valid convs:
   * `T_{i+1} = ⌊(T_i − k_i)/s_i⌋ + 1`), or 0 when the clip is shorter than one receptive field.
   *
   * @param inputLength samples per clip.
   * @returns frames per clip.
   * @example createAudioConvEncoder().outputLength(16000); // 98
   */
  outputLength(inputLength: number): number {
    let length = inputLength;
    for (const [index, kernelSize] of this.settings.kernelSizes.entries()) {
      if (length < kernelSize) return 0;
      length = Math.floor((length - kernelSize) / this.settings.strides[index]!) + 1;
    }
    return length;
  }

  /** Mean of the per-frame features over time, `[B, D]`. */
  override doEncode(input: tf.Tensor, options: EncodeOptionsV1): tf.Tensor2D {
    const [pooled, features] = this.run(input, options);
    features.dispose();
    return pooled as tf.Tensor2D;
  }

  /** Per-frame features `[B, T', D]`, `T' = outputLength(T)`. */
  doEncodeSequence(input: tf.Tensor, options: EncodeOptionsV1): tf.Tensor3D {
    const [pooled, features] = this.run(input, options);
    pooled.dispose();
    return features as tf.Tensor3D;
  }

  /** Applies the model: `[pooled [B, D], features [B, T', D]]` (the caller disposes what it does not use). */
  private run(input: tf.Tensor, options: EncodeOptionsV1): [tf.Tensor, tf.Tensor] {
    if (input.rank !== 3 || input.shape[2] !== 1) {
      throw new Error(
        `The 'audio-conv' encoder takes waveforms [B, T, 1], got shape ${JSON.stringify(input.shape)}; add the channel axis (x.expandDims(-1)).`,
      );
    }
    const length = input.shape[1]!;
    if (this.outputLength(length) < 1) {
      throw new Error(
        `The 'audio-conv' encoder needs at least ${this.receptiveField} samples per clip (its receptive field), got ${length}; pad the clips or use smaller kernels.`,
      );
    }
    const [pooled, features] = this.model.apply(input, {
      training: options.training,
    }) as tf.Tensor[];
    return [pooled!, features!];
  }
}

function buildAudioConvModel(settings: AudioConvEncoderSettings): tf.LayersModel {
  const input = tf.input({ shape: [null, 1], name: 'waveforms' });
  let x: tf.SymbolicTensor = input;
  settings.kernelSizes.forEach((kernelSize, index) => {
    const layer = index + 1;
    x = tf.layers
      .conv1d({
        filters: settings.channels,
        kernelSize,
        strides: settings.strides[index]!,
        padding: 'valid',
        useBias: settings.normalization === 'none',
        kernelInitializer: tf.initializers.heNormal({ seed: deriveSeed(settings.seed, index) }),
        name: `conv_${layer}`,
      })
      .apply(x) as tf.SymbolicTensor;
    if (settings.normalization === 'layer') {
      x = tf.layers
        .layerNormalization({ axis: -1, name: `layer_normalization_${layer}` })
        .apply(x) as tf.SymbolicTensor;
    } else if (settings.normalization === 'batch') {
      x = new BatchNormalization({ name: `batch_normalization_${layer}` }).apply(
        x,
      ) as tf.SymbolicTensor;
    }
    x = tf.layers
      .activation({ activation: settings.activation, name: `activation_${layer}` })
      .apply(x) as tf.SymbolicTensor;
  });
  const pooled = tf.layers
    .globalAveragePooling1d({ name: 'representation' })
    .apply(x) as tf.SymbolicTensor;
  return tf.model({ inputs: input, outputs: [pooled, x], name: 'audio_conv_encoder' });
}

/**
 * Creates a wav2vec 2.0 / CPC-style raw-waveform encoder (an {@link EncoderV1}): Baevski et al.
 * 2020, "wav2vec 2.0: A Framework for Self-Supervised Learning of Speech Representations"
 * (feature encoder), and van den Oord et al. 2018, "Representation Learning with Contrastive
 * Predictive Coding" (strided conv encoder).
 *
 * Each layer is a valid strided conv1d → normalization → activation. Audio `[B, T, 1]` in
 * [-1, 1] gives per-frame features `[B, T', channels]` (`doEncodeSequence`, the `z_t` of CPC and
 * wav2vec 2.0) and their mean over frames `[B, channels]` (`doEncode`). `outputLength(T)`,
 * `downsamplingFactor` and `receptiveField` give the frame geometry (e.g. for masking spans).
 *
 * @param options see {@link audioConvEncoderOptionsSchema}; all optional.
 * @returns the encoder; `getConfig()` rebuilds it, `AudioConvEncoder.fromModel` reloads it.
 * @example
 * const encoder = createAudioConvEncoder(); // 16000 samples → 98 frames × 64
 * const frames = encoder.doEncodeSequence(waveforms, { training: true });
 */
export function createAudioConvEncoder(options: AudioConvEncoderOptions = {}): AudioConvEncoder {
  return AudioConvEncoder.create(options);
}
