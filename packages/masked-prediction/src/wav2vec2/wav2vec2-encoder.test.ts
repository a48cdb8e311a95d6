import { createEncoder, encode, initBackend } from '@selfsup/core';
import { expectNoTensorLeak, expectTensorsClose } from '@selfsup/core/test';
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  createWav2vec2Encoder,
  registerWav2vec2Layers,
  Wav2vec2Encoder,
  wav2vec2Encoders,
} from './wav2vec2-encoder';

/** Small: 16 conv channels, D = 16, one block; 0.5 s at 8 kHz → 23 frames. */
const small = (options: Parameters<typeof createWav2vec2Encoder>[0] = {}) =>
  createWav2vec2Encoder({
    featureEncoder: { channels: 12 },
    modelSize: 16,
    blocks: 1,
    heads: 2,
    positionKernelSize: 5,
    seed: 3,
    ...options,
  });

describe('createWav2vec2Encoder', () => {
  beforeAll(async () => {
    await initBackend({ backend: 'wasm', quiet: true });
  });

  it('maps waveforms to per-frame contexts and features, and pools them over time', () => {
    const encoder = small();
    expect(encoder.outputLength(4000)).toBe(23);
    expect(encoder.outputLength(8000)).toBe(48);
    expect(encoder.outputLength(100)).toBe(0);
    expect([encoder.outputSize, encoder.featureSize, encoder.featureChannels]).toEqual([
      16, 16, 12,
    ]);
    tf.tidy(() => {
      const audio = tf.randomUniform([3, 4000, 1], -0.5, 0.5, 'float32', 1);
      const pooled = encoder.doEncode(audio, { training: false });
      const sequence = encoder.doEncodeSequence(audio, { training: false });
      expect(pooled.shape).toEqual([3, 16]);
      expect(sequence.shape).toEqual([3, 23, 16]);
      expectTensorsClose(pooled, tf.mean(sequence, 1));
      // Waveform normalization: 20 dB quieter changes the representation only through ε.
      expectTensorsClose(encoder.doEncode(tf.mul(audio, 0.1), { training: false }), pooled, {
        rtol: 5e-2,
        atol: 1e-2,
        relativeNorm: 2e-2,
      });
    });
    const features = small({ representation: 'features', pooling: 'mean-max' });
    expect([features.outputSize, features.featureSize]).toEqual([24, 12]);
    tf.tidy(() => {
      const audio = tf.randomUniform([2, 4000, 1], -0.5, 0.5, 'float32', 2);
      const sequence = features.doEncodeSequence(audio, { training: false });
      expect(sequence.shape).toEqual([2, 23, 12]);
      expectTensorsClose(
        features.doEncode(audio, { training: false }),
        tf.concat([tf.mean(sequence, 1), tf.max(sequence, 1)], 1),
      );
    });
    encoder.dispose();
    features.dispose();
  });

  it('pretraining path: equals the model unmasked; a mask changes c_t but never z_t', () => {
    const encoder = small();
    tf.tidy(() => {
      const audio = tf.randomUniform([2, 4000, 1], -0.5, 0.5, 'float32', 3);
      const [, context, features] = encoder.model.apply(audio, { training: false }) as tf.Tensor[];
      const plain = encoder.encodeForPretraining(audio, { training: false });
      expectTensorsClose(plain.context, context!);
      expectTensorsClose(plain.features, features!);
      const maskValues = new Float32Array(46);
      maskValues.fill(1, 5, 15);
      const mask = tf.tensor2d(maskValues, [2, 23]);
      const masked = encoder.encodeForPretraining(audio, {
        training: false,
        mask,
        maskEmbedding: tf.ones([16]),
      });
      expectTensorsClose(masked.features, features!);
      const change = tf.sum(tf.abs(tf.sub(masked.context, context!)), 2).arraySync() as number[][];
      for (let frame = 5; frame < 15; frame++) expect(change[0]![frame]).toBeGreaterThan(1e-3);
      // Clip 1 has no masked frame: attention stays within a clip, so it is untouched.
      for (const value of change[1]!) expect(value).toBeLessThan(1e-4);
      expect(() =>
        encoder.encodeForPretraining(audio, {
          training: false,
          mask: tf.zeros([2, 22]),
          maskEmbedding: tf.ones([16]),
        }),
      ).toThrow(/mask must be/);
      expect(() => encoder.encodeForPretraining(audio, { training: false, mask })).toThrow(
        /together/,
      );
    });
    encoder.dispose();
  });

  it('survives a save and load, rebuilds from its config, leaks nothing, explains bad input', async () => {
    const encoder = small();
    const audio = tf.randomUniform([2, 4000, 1], -0.5, 0.5, 'float32', 4);
    let artifacts: tf.io.ModelArtifacts | undefined;
    await encoder.model.save(
      tf.io.withSaveHandler(async (saved) => {
        artifacts = saved;
        return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
      }),
    );
    registerWav2vec2Layers();
    const loaded = Wav2vec2Encoder.fromModel(
      await tf.loadLayersModel(tf.io.fromMemory(artifacts!)),
      encoder.getConfig(),
    );
    const rebuilt = createEncoder(encoder.getConfig(), wav2vec2Encoders);
    tf.tidy(() => {
      const expected = encoder.doEncode(audio, { training: false });
      expectTensorsClose(loaded.doEncode(audio, { training: false }), expected);
      expectTensorsClose(rebuilt.doEncode(audio, { training: false }), expected);
      expectTensorsClose(encode(encoder, audio), expected);
    });
    await expectNoTensorLeak(() => {
      tf.dispose(encoder.doEncode(audio, { training: true }));
      tf.dispose(Object.values(encoder.encodeForPretraining(audio, { training: true })));
      const { value, grads } = tf.variableGrads(() =>
        tf.tidy(() => tf.mean(tf.square(encoder.doEncode(audio, { training: true }))) as tf.Scalar),
      );
      tf.dispose([value, ...Object.values(grads)]);
    });
    expect(() => encoder.doEncode(tf.zeros([2, 4000]), { training: false })).toThrow(/\[B, T, 1\]/);
    expect(() => encoder.doEncode(tf.zeros([2, 100, 1]), { training: false })).toThrow(
      /longer clips/,
    );
    expect(() => createWav2vec2Encoder({ modelSize: 10, heads: 4 })).toThrow(/divide/);
    expect(() => createWav2vec2Encoder({ positionKernelSize: 4 })).toThrow(/odd/);
    expect(() =>
      Wav2vec2Encoder.fromModel(loaded.model, { ...encoder.getConfig(), type: 'other' }),
    ).toThrow(/expected 'wav2vec2'/);
    tf.dispose(audio);
    for (const item of [encoder, loaded, rebuilt]) item.dispose();
  });
});
