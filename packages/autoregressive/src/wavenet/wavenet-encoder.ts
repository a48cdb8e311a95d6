import type {
  EncodeOptionsV1,
  EncoderConfigV1,
  EncoderFactory,
  EncoderV1,
  InputSpecV1,
} from '@selfsup/core';
import * as tf from '@tensorflow/tfjs';
import {
  resolveWavenetSettings,
  type WavenetOptions,
  type WavenetSettings,
} from './wavenet-settings';
import { WavenetStack } from './wavenet-stack';

/** The `type` of the WaveNet encoder in configs and checkpoints. */
export const wavenetEncoderType = 'wavenet';

const inputSpec: InputSpecV1 = { modality: 'audio', shape: [null, 1], dtype: 'float32' };

/**
 * The part of a WaveNet that transfers: the trunk ({@link WavenetStack}) in one `tf.LayersModel`
 * (waveform `[B, T, 1]` → `ReLU(Σ skips)` `[B, T, S]`). `doEncodeSequence` returns those per-sample
 * features, `doEncode` their mean over time. Class conditioning and the 256-way output head are
 * heads of the objective, not part of the encoder. Built by `createWavenet`; reloaded with
 * `registerWavenetLayers(); await loadEncoder(directory, wavenetEncoders)`.
 */
export class WavenetEncoder implements EncoderV1 {
  readonly specificationVersion = 'v1' as const;
  readonly type = wavenetEncoderType;
  readonly inputSpec = inputSpec;
  readonly hasPositions = true;
  readonly outputSize: number;
  readonly featureSize: number;
  readonly model: tf.LayersModel;
  /** The trunk layer (weights, dilations). */
  readonly stack: WavenetStack;
  private readonly settings: WavenetSettings;

  private constructor(settings: WavenetSettings, model: tf.LayersModel) {
    const stack = model.layers.find((layer) => layer instanceof WavenetStack);
    if (stack === undefined) {
      throw new Error(
        'WavenetEncoder: the model has no WavenetStack layer; pass the model saved with its config (and call registerWavenetLayers() before loading).',
      );
    }
    this.settings = settings;
    this.model = model;
    this.stack = stack as WavenetStack;
    this.outputSize = settings.skipChannels;
    this.featureSize = settings.skipChannels;
  }

  /**
   * Builds a fresh encoder (weights seeded by `options.seed`).
   *
   * @param options the architecture (see {@link WavenetOptions}); `classes` and the local
   *   conditioning (`controls`, `controlHop`) are recorded but unused here.
   * @returns the encoder.
   * @example const encoder = WavenetEncoder.create({ layers: 10, channels: 32 });
   */
  static create(options: WavenetOptions = {}): WavenetEncoder {
    const settings = resolveWavenetSettings(options);
    const { classes: _classes, controls: _controls, controlHop: _hop, ...stackSettings } = settings;
    const input = tf.input({ shape: [null, 1], name: 'wavenet_audio' });
    const stack = new WavenetStack({ ...stackSettings, name: 'wavenet_stack' });
    const output = stack.apply(input) as tf.SymbolicTensor;
    const model = tf.model({ inputs: input, outputs: output, name: 'wavenet_encoder' });
    return new WavenetEncoder(settings, model);
  }

  /**
   * Wraps a loaded model (call `registerWavenetLayers()` before loading it).
   *
   * @param model the model saved by a checkpoint.
   * @param config the saved config (`type: 'wavenet'`).
   * @returns the encoder, sharing the model's weights.
   * @example const encoder = WavenetEncoder.fromModel(await tf.loadLayersModel(handler), config);
   */
  static fromModel(model: tf.LayersModel, config: EncoderConfigV1): WavenetEncoder {
    if (config.type !== wavenetEncoderType) {
      throw new Error(
        `WavenetEncoder.fromModel: config.type is '${config.type}', expected '${wavenetEncoderType}'.`,
      );
    }
    const { type: _type, ...options } = config;
    return new WavenetEncoder(resolveWavenetSettings(options as WavenetOptions), model);
  }

  getConfig(): EncoderConfigV1 {
    return { type: wavenetEncoderType, ...this.settings };
  }

  doEncode(input: tf.Tensor, options: EncodeOptionsV1): tf.Tensor2D {
    return tf.tidy(() => this.doEncodeSequence(input, options).mean(1) as tf.Tensor2D);
  }

  doEncodeSequence(input: tf.Tensor, options: EncodeOptionsV1): tf.Tensor3D {
    if (input.rank !== 3 || input.shape[2] !== 1) {
      throw new Error(
        `WavenetEncoder expects waveforms [B, T, 1] in [-1, 1], got ${JSON.stringify(input.shape)}.`,
      );
    }
    return this.model.apply(input, { training: options.training }) as tf.Tensor3D;
  }

  dispose(): void {
    this.model.dispose();
  }
}

/**
 * The WaveNet encoder factory by type, for `createEncoder` / `loadEncoder`:
 * `registerWavenetLayers(); await loadEncoder(directory, wavenetEncoders)`.
 */
export const wavenetEncoders: Readonly<Record<string, EncoderFactory>> = {
  [wavenetEncoderType]: {
    create: (config) => {
      const { type: _type, ...options } = config;
      return WavenetEncoder.create(options as WavenetOptions);
    },
    fromModel: (model, config) => WavenetEncoder.fromModel(model, config),
  },
};
