import type { EncodeOptionsV1, EncoderConfigV1, EncoderV1, InputSpecV1 } from '@selfsup/core';
import * as tf from '@tensorflow/tfjs';
import { type ElmoBiLm, maskedMean } from './elmo-bi-lm';

/** The `type` of the static (context-free) baseline encoder. */
export const elmoStaticEncoderType = 'elmo-static';

/**
 * The static baseline of an ELMo biLM: its own context-free token embedding (layer 0) as an
 * {@link EncoderV1}, per-token features `[B, T, d]` and their mean over real positions `[B, d]`.
 *
 * It shares the biLM's embedding table (same vocabulary, same training), so comparing the two
 * isolates what context adds, as the paper's "word vectors alone" rows do. A token gets one vector
 * whatever its context. The weights belong to the biLM: `dispose()` frees nothing, dispose the biLM.
 *
 * @param elmo the biLM from {@link createElmo}.
 * @returns the encoder (`type: 'elmo-static'`, outputSize d).
 * @example
 * const baseline = createElmoStaticEncoder(elmo);
 * const probe = await finetune(baseline, train, { mode: 'linear-probe' });
 */
export function createElmoStaticEncoder(elmo: ElmoBiLm): EncoderV1 {
  const { size, paddingId } = elmo.settings;
  const embedding = elmo.tokenEmbedding;
  const input = tf.input({ shape: [null], dtype: 'int32', name: 'tokens' });
  const embedded = embedding.apply(input) as tf.SymbolicTensor;
  const pooled = tf.layers
    .globalAveragePooling1d({ name: 'static_representation' })
    .apply(embedded) as tf.SymbolicTensor;
  const model = tf.model({ inputs: input, outputs: [pooled, embedded], name: 'elmo_static' });
  const inputSpec: InputSpecV1 = { modality: 'tokens', shape: [null], dtype: 'int32' };
  const encodeSequence = (tokens: tf.Tensor): tf.Tensor3D => {
    if (tokens.rank !== 2 || tokens.dtype !== 'int32') {
      throw new Error(
        `The 'elmo-static' encoder takes int32 token ids [B, T], got ${tokens.dtype} of shape ${JSON.stringify(tokens.shape)}.`,
      );
    }
    return embedding.apply(tokens) as tf.Tensor3D;
  };
  return {
    specificationVersion: 'v1',
    type: elmoStaticEncoderType,
    inputSpec,
    outputSize: size,
    featureSize: size,
    hasPositions: true,
    model,
    getConfig: (): EncoderConfigV1 => ({ ...elmo.getConfig(), type: elmoStaticEncoderType }),
    doEncode: (tokens: tf.Tensor, _options: EncodeOptionsV1): tf.Tensor2D =>
      tf.tidy(() => maskedMean(encodeSequence(tokens), tokens, paddingId)),
    doEncodeSequence: (tokens: tf.Tensor, _options: EncodeOptionsV1): tf.Tensor3D =>
      tf.tidy(() => encodeSequence(tokens)),
    dispose: () => {},
  };
}
