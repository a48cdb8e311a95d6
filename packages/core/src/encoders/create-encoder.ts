import type * as tf from '@tensorflow/tfjs';
import { registerLayers } from '../layers/register-layers';
import type { EncoderConfigV1, EncoderV1 } from '../spec/encoder-v1';
import { AudioConvEncoder, audioConvEncoderType } from './audio-conv-encoder';
import { ConvNetEncoder, convNetEncoderType } from './conv-net-encoder';
import { EmbeddingBagEncoder, embeddingBagEncoderType } from './embedding-bag-encoder';
import { LstmEncoder, lstmEncoderType } from './lstm-encoder';
import { MlpEncoder, mlpEncoderType } from './mlp-encoder';
import { ResNetEncoder, resNetEncoderType } from './res-net-encoder';
import { TransformerEncoder, transformerEncoderType } from './transformer-encoder';
import { VitEncoder, vitEncoderType } from './vit-encoder';
import {
  WindowedEncoder,
  type WindowedEncoderOptions,
  windowedEncoderType,
} from './windowed-encoder';

/** How to build an encoder type from its config, and how to wrap a loaded model of it. */
export type EncoderFactory = {
  readonly create: (config: EncoderConfigV1) => EncoderV1;
  readonly fromModel: (model: tf.LayersModel, config: EncoderConfigV1) => EncoderV1;
};

/** The built-in encoder types, keyed by `EncoderV1.type`. A plain table: nothing registers at import time. */
export const builtInEncoders: Readonly<Record<string, EncoderFactory>> = {
  [mlpEncoderType]: {
    create: (config) => MlpEncoder.create(withoutType(config)),
    fromModel: (model, config) => MlpEncoder.fromModel(model, config),
  },
  [convNetEncoderType]: {
    create: (config) => ConvNetEncoder.create(withoutType(config)),
    fromModel: (model, config) => ConvNetEncoder.fromModel(model, config),
  },
  [resNetEncoderType]: {
    create: (config) => ResNetEncoder.create(withoutType(config)),
    fromModel: (model, config) => ResNetEncoder.fromModel(model, config),
  },
  [audioConvEncoderType]: {
    create: (config) => AudioConvEncoder.create(withoutType(config)),
    fromModel: (model, config) => AudioConvEncoder.fromModel(model, config),
  },
  [lstmEncoderType]: {
    create: (config) => LstmEncoder.create(withoutType(config)),
    fromModel: (model, config) => LstmEncoder.fromModel(model, config),
  },
  [transformerEncoderType]: {
    create: (config) => TransformerEncoder.create(withoutType(config)),
    fromModel: (model, config) => TransformerEncoder.fromModel(model, config),
  },
  [embeddingBagEncoderType]: {
    create: (config) => EmbeddingBagEncoder.create(withoutType(config)),
    fromModel: (model, config) => EmbeddingBagEncoder.fromModel(model, config),
  },
  [vitEncoderType]: {
    create: (config) => VitEncoder.create(withoutType(config)),
    fromModel: (model, config) => VitEncoder.fromModel(model, config),
  },
};

/** The options part of a config (everything but `type`); each factory validates it with its schema. */
function withoutType<Options>(config: EncoderConfigV1): Options {
  const { type: _type, ...options } = config;
  return options as Options;
}

/** The windowed encoder's factory: its config nests the window encoder's, built with the same table. */
function windowedFactory(extra: Readonly<Record<string, EncoderFactory>>): EncoderFactory {
  const parts = (config: EncoderConfigV1) => {
    const { type: _type, encoder, ...options } = config;
    if (typeof encoder !== 'object' || encoder === null || Array.isArray(encoder)) {
      throw new Error(
        `A '${windowedEncoderType}' encoder config needs the window encoder's config under \`encoder\` (as getConfig() writes it).`,
      );
    }
    // The constructor validates the options and names any bad one.
    return { inner: encoder as EncoderConfigV1, options: options as WindowedEncoderOptions };
  };
  return {
    create: (config) => {
      const { inner, options } = parts(config);
      return new WindowedEncoder(factoryOf(inner.type, extra).create(inner), options);
    },
    fromModel: (model, config) => {
      const { inner, options } = parts(config);
      return new WindowedEncoder(factoryOf(inner.type, extra).fromModel(model, inner), options);
    },
  };
}

function factoryOf(type: string, extra: Readonly<Record<string, EncoderFactory>>): EncoderFactory {
  if (type === windowedEncoderType && extra[type] === undefined) return windowedFactory(extra);
  const factory = extra[type] ?? builtInEncoders[type];
  if (!factory) {
    const known = [
      ...Object.keys(builtInEncoders),
      windowedEncoderType,
      ...Object.keys(extra),
    ].join(', ');
    throw new Error(
      `Unknown encoder type '${type}'. Known types: ${known}. For your own encoder, pass its factory in \`encoders: { '${type}': { create, fromModel } }\`.`,
    );
  }
  return factory;
}

/**
 * Builds a fresh encoder (random weights, seeded by its config) from a config such as
 * `encoder.getConfig()` or a checkpoint manifest's.
 *
 * @param config `{ type, ...options }`.
 * @param encoders factories of encoder types outside core, by type.
 * @example const encoder = createEncoder({ type: 'conv-net', seed: 1 });
 */
export function createEncoder(
  config: EncoderConfigV1,
  encoders: Readonly<Record<string, EncoderFactory>> = {},
): EncoderV1 {
  return factoryOf(config.type, encoders).create(config);
}

/**
 * Wraps a loaded `tf.LayersModel` (e.g. from a checkpoint) as the encoder its config describes.
 * Registers core's custom layers first (they are needed to load the model in the first place).
 */
export function encoderFromModel(
  model: tf.LayersModel,
  config: EncoderConfigV1,
  encoders: Readonly<Record<string, EncoderFactory>> = {},
): EncoderV1 {
  registerLayers();
  return factoryOf(config.type, encoders).fromModel(model, config);
}

/**
 * An independent copy of an encoder: same architecture, a copy of every weight (trainable or
 * not, e.g. BatchNorm statistics). Use it to finetune one pretrained encoder many times.
 *
 * @example const copy = cloneEncoder(pretrained); // train `copy`, `pretrained` is unchanged
 */
export function cloneEncoder(
  encoder: EncoderV1,
  encoders: Readonly<Record<string, EncoderFactory>> = {},
): EncoderV1 {
  const copy = createEncoder(encoder.getConfig(), encoders);
  const weights = encoder.model.getWeights();
  copy.model.setWeights(weights);
  return copy;
}
