import type { EncodeOptionsV1, EncoderConfigV1, EncoderV1, InputSpecV1 } from '@selfsup/core';
import * as tf from '@tensorflow/tfjs';
import { type ElmoBiLm, maskedMean } from './elmo-bi-lm';

/** The `type` of the ELMo feature encoder made by {@link createElmoEncoder}. */
export const elmoFeatureEncoderType = 'elmo-features';

/**
 * Which per-token features an ELMo encoder gives:
 * - `'mix'`: ELMo's scalar mix `γ Σ_j s_j h_j` (2d);
 * - `'token-and-mix'`: `[x_k; ELMo_k]`, the static embedding next to the mix, which is what the
 *   paper feeds its task models (§3.3) (3d);
 * - `'layers'`: every layer side by side `[x, h_1, …, h_L]` ((2L + 1)d), for a probe that weighs
 *   the layers itself (any scalar mix is one linear map of it).
 */
export type ElmoFeatures = 'mix' | 'token-and-mix' | 'layers';

/** Options of {@link createElmoEncoder}. */
export type ElmoEncoderOptions = {
  /** The per-token features. @default 'mix' */
  readonly features?: ElmoFeatures;
};

/**
 * Wraps a biLM as an {@link EncoderV1} of per-token features `[B, T, D]` and their mean over real
 * (non-padding) positions `[B, D]`, for finetuning and probes (Peters et al. 2018, §3.3).
 *
 * The encoder shares the biLM's weights and `model` (so `finetune(..., { mode: 'full' })` after
 * `elmo.setBiLmTrainable(false)` learns only the scalar mix and the head, the paper's recipe);
 * `dispose()` frees nothing: dispose the biLM. The biLM itself is the `'mix'` encoder.
 *
 * @param elmo the biLM from {@link createElmo}.
 * @param options `features` (default `'mix'`).
 * @returns the encoder (`type: 'elmo-features'`).
 * @example
 * const encoder = createElmoEncoder(elmo, { features: 'token-and-mix' }); // [x; ELMo], 3d
 * const probe = await finetune(encoder, train, { mode: 'linear-probe' });
 */
export function createElmoEncoder(elmo: ElmoBiLm, options: ElmoEncoderOptions = {}): EncoderV1 {
  const { features = 'mix' } = options;
  const { size, layers, paddingId } = elmo.settings;
  const featureSize = { mix: 2 * size, 'token-and-mix': 3 * size, layers: (2 * layers + 1) * size }[
    features
  ];
  if (featureSize === undefined) {
    throw new RangeError(
      `createElmoEncoder: features must be 'mix', 'token-and-mix' or 'layers', got ${String(features)}.`,
    );
  }
  const inputSpec: InputSpecV1 = { modality: 'tokens', shape: [null], dtype: 'int32' };
  const encodeSequence = (tokens: tf.Tensor, options: EncodeOptionsV1): tf.Tensor3D =>
    tf.tidy(() => {
      if (features === 'mix') return elmo.doEncodeSequence(tokens, options);
      const { embeddings, forward, backward } = elmo.encodeLayers(tokens, options);
      if (features === 'layers') {
        return tf.concat(
          [embeddings, ...forward.flatMap((layer, index) => [layer, backward[index]!])],
          -1,
        ) as tf.Tensor3D;
      }
      const mix = elmo.scalarMix.apply([
        tf.concat([embeddings, embeddings], -1),
        ...forward.map((layer, index) => tf.concat([layer, backward[index]!], -1)),
      ]) as tf.Tensor3D;
      return tf.concat([embeddings, mix], -1) as tf.Tensor3D;
    });
  return {
    specificationVersion: 'v1',
    type: elmoFeatureEncoderType,
    inputSpec,
    outputSize: featureSize,
    featureSize,
    hasPositions: true,
    model: elmo.model,
    getConfig: (): EncoderConfigV1 => ({
      ...elmo.getConfig(),
      type: elmoFeatureEncoderType,
      features,
    }),
    doEncodeSequence: encodeSequence,
    doEncode: (tokens: tf.Tensor, options: EncodeOptionsV1): tf.Tensor2D =>
      tf.tidy(() => maskedMean(encodeSequence(tokens, options), tokens, paddingId)),
    dispose: () => {},
  };
}
