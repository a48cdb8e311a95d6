import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../backend/init-backend';
import { SeededRandom } from '../random/seeded-random';
import { expectTensorsClose } from '../test/compare-tensors';
import { AudioConvEncoder, createAudioConvEncoder } from './audio-conv-encoder';
import {
  expectEncoderMatchesCpu,
  expectEncoderStepLeaksNothing,
  expectRoundTrip,
} from './vision-encoder-checks';

function seededWaveforms(seed: number, batch: number, length: number): tf.Tensor3D {
  const random = new SeededRandom(seed);
  return tf.tensor3d(
    Float32Array.from({ length: batch * length }, () => 2 * random.nextFloat() - 1),
    [batch, length, 1],
  );
}

const small = { kernelSizes: [4, 3], strides: [2, 2], channels: 5 };

describe('createAudioConvEncoder', () => {
  beforeAll(async () => {
    await initBackend({ backend: 'wasm' });
  });

  it('defaults to five strided convs (10,5)(8,4)(4,2)(4,2)(4,2): 160× downsampling, 465-sample receptive field', () => {
    const encoder = createAudioConvEncoder();
    expect(encoder.downsamplingFactor).toBe(160);
    expect(encoder.receptiveField).toBe(465);
    expect(encoder.outputLength(16000)).toBe(98);
    expect(encoder.outputLength(8000)).toBe(48);
    expect(encoder.outputLength(464)).toBe(0);
    expect(encoder.outputLength(465)).toBe(1);
    expect([encoder.outputSize, encoder.featureSize, encoder.hasPositions]).toEqual([64, 64, true]);
    expect(encoder.inputSpec).toEqual({ modality: 'audio', shape: [null, 1], dtype: 'float32' });
    encoder.dispose();
  });

  it('gives per-frame features [B, T′, D] of outputLength(T) frames and their mean as the pooled output', () => {
    const encoder = createAudioConvEncoder({
      ...small,
      normalization: 'batch',
      activation: 'relu',
    });
    for (const length of [20, 33]) {
      const waveforms = seededWaveforms(length, 2, length);
      tf.tidy(() => {
        const features = encoder.doEncodeSequence(waveforms, { training: false });
        expect(features.shape).toEqual([2, encoder.outputLength(length), 5]);
        const pooled = encoder.doEncode(waveforms, { training: false });
        expect(pooled.shape).toEqual([2, 5]);
        expectTensorsClose(pooled, tf.mean(features, 1));
      });
      waveforms.dispose();
    }
    const tooShort = seededWaveforms(1, 1, 5);
    expect(() => encoder.doEncode(tooShort, { training: false })).toThrow(/at least 8 samples/);
    expect(() => encoder.doEncode(tf.zeros([1, 20]), { training: false })).toThrow(/\[B, T, 1\]/);
    tooShort.dispose();
    encoder.dispose();
  });

  for (const normalization of ['layer', 'batch', 'none'] as const) {
    it(`trains with ${normalization} normalization (gradients for every trainable weight) without leaking tensors`, async () => {
      const encoder = createAudioConvEncoder({ ...small, normalization });
      const waveforms = seededWaveforms(2, 2, 24);
      expect(await expectEncoderStepLeaksNothing(encoder, waveforms)).toBe(
        encoder.model.trainableWeights.length,
      );
      encoder.dispose();
      waveforms.dispose();
    });
  }

  it('round-trips through getConfig, save/load and fromModel with identical outputs', async () => {
    const encoder = createAudioConvEncoder({ ...small, normalization: 'batch', seed: 5 });
    const waveforms = seededWaveforms(3, 2, 30);
    tf.dispose(encoder.doEncode(waveforms, { training: true }));
    const loaded = await expectRoundTrip(encoder, AudioConvEncoder.fromModel, waveforms);
    expect(loaded.outputLength(30)).toBe(encoder.outputLength(30));
    encoder.dispose();
    loaded.dispose();
    waveforms.dispose();
  });

  it('rejects kernel sizes and strides of different lengths', () => {
    expect(() => createAudioConvEncoder({ kernelSizes: [4, 4], strides: [2] })).toThrow(
      /same length/,
    );
  });

  it('gives the same output and weight gradients on wasm as on cpu (training mode)', async () => {
    await expectEncoderMatchesCpu(
      () => createAudioConvEncoder({ ...small, seed: 1 }),
      () => seededWaveforms(7, 2, 26),
    );
  });
});
