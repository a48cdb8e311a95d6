import {
  cloneEncoder,
  createAudioConvEncoder,
  createMlpEncoder,
  encoderFromModel,
  initBackend,
} from '@selfsup/core';
import { expectNoTensorLeak } from '@selfsup/core/test';
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { type CpcContextNetwork, cpcEncoders, createCpcEncoder } from './cpc-encoder';
import { registerCpcLayers } from './cpc-waveform-standardization';

/** A tiny encoder: 3 convs (kernels 4, 4, 2; strides 4, 2, 2: 16× downsampling), 8 channels. */
const tinyEncoder = (contextNetwork: CpcContextNetwork = 'lstm') =>
  createCpcEncoder({
    latent: createAudioConvEncoder({
      kernelSizes: [4, 4, 2],
      strides: [4, 2, 2],
      channels: 8,
      activation: 'relu',
      normalization: 'none',
      seed: 3,
    }),
    contextNetwork,
    contextUnits: 6,
    seed: 4,
  });

describe('createCpcEncoder', () => {
  beforeAll(async () => {
    await initBackend({ backend: 'wasm', quiet: true });
  });

  it('gives latents [B, T′, D], contexts [B, T′, H] and a pooled context [B, H]', () => {
    const encoder = tinyEncoder();
    const audio = tf.randomUniform([3, 200, 1], -0.5, 0.5, 'float32', 1);
    const steps = encoder.outputLength(200)!;
    expect(steps).toBe(12); // 200 → 50 → 24 → 12
    const { latents, context } = encoder.encodeLatentsAndContext(audio, { training: false });
    expect(latents.shape).toEqual([3, steps, 8]);
    expect(context.shape).toEqual([3, steps, 6]);
    const pooled = encoder.doEncode(audio, { training: false });
    expect(pooled.shape).toEqual([3, encoder.outputSize]);
    const meanContext = tf.mean(context, 1);
    expect(Math.max(...tf.abs(tf.sub(pooled, meanContext)).dataSync())).toBeLessThan(1e-6);
    expect(encoder.doEncodeSequence(audio, { training: false }).shape).toEqual([3, steps, 6]);
    const meanMax = createCpcEncoder({ ...encoder.getConfig(), pooling: 'mean-max' });
    meanMax.model.setWeights(encoder.model.getWeights());
    expect([meanMax.outputSize, meanMax.featureSize]).toEqual([12, 6]);
    const both = meanMax.doEncode(audio, { training: false });
    const expected = tf.concat([meanContext, tf.max(context, 1)], 1);
    expect(Math.max(...tf.abs(tf.sub(both, expected)).dataSync())).toBeLessThan(1e-6);
    tf.dispose([audio, latents, context, pooled, meanContext, both, expected]);
    meanMax.dispose();
    encoder.dispose();
  });

  for (const contextNetwork of ['lstm', 'gru'] as const) {
    it(`is causal with a ${contextNetwork} context: c_t does not change when samples after step t change`, () => {
      const encoder = tinyEncoder(contextNetwork);
      const length = 256;
      const audio = tf.randomUniform([2, length, 1], -0.5, 0.5, 'float32', 2);
      // Latent step t sees samples [16t, 16t + 24) (receptive field 24); perturb from sample 128 on.
      const cut = 128;
      const noise = tf.randomUniform([2, length - cut, 1], -0.5, 0.5, 'float32', 3);
      const perturbed = tf.concat([tf.slice(audio, [0, 0, 0], [2, cut, 1]), noise], 1);
      // Standardisation uses the whole clip's mean and variance: compare without it.
      const plain = createCpcEncoder({ ...encoder.getConfig(), standardizeWaveforms: false });
      plain.model.setWeights(encoder.model.getWeights());
      const before = plain.encodeLatentsAndContext(audio, { training: false }).context;
      const after = plain.encodeLatentsAndContext(perturbed, { training: false }).context;
      const difference = tf.abs(tf.sub(before, after)).max(2).max(0).arraySync() as number[];
      const lastUntouched = Math.floor((cut - 24) / 16); // steps 0..6 end before sample 128
      for (let step = 0; step <= lastUntouched; step++) expect(difference[step]).toBe(0);
      expect(difference[difference.length - 1]).toBeGreaterThan(1e-4);
      tf.dispose([audio, noise, perturbed, before, after]);
      plain.dispose();
      encoder.dispose();
    });
  }

  it('reloads from its saved model and config, clones, and probes z with representation "latent"', async () => {
    registerCpcLayers();
    const encoder = tinyEncoder();
    const audio = tf.randomUniform([2, 120, 1], -1, 1, 'float32', 5);
    let artifacts: tf.io.ModelArtifacts | undefined;
    await encoder.model.save(
      tf.io.withSaveHandler(async (saved) => {
        artifacts = saved;
        return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
      }),
    );
    const loaded = encoderFromModel(
      await tf.loadLayersModel(tf.io.fromMemory(artifacts!)),
      encoder.getConfig(),
      cpcEncoders,
    );
    const clone = cloneEncoder(encoder, cpcEncoders);
    const expected = encoder.doEncode(audio, { training: false });
    for (const other of [loaded, clone]) {
      const actual = other.doEncode(audio, { training: false });
      expect(Math.max(...tf.abs(tf.sub(actual, expected)).dataSync())).toBeLessThan(1e-6);
      actual.dispose();
    }
    const latent = createCpcEncoder({ ...encoder.getConfig(), representation: 'latent' });
    latent.model.setWeights(encoder.model.getWeights());
    expect(latent.outputSize).toBe(8);
    const pooledLatents = latent.doEncode(audio, { training: false });
    const { latents, context } = encoder.encodeLatentsAndContext(audio, { training: false });
    const meanLatents = tf.mean(latents, 1);
    expect(Math.max(...tf.abs(tf.sub(pooledLatents, meanLatents)).dataSync())).toBeLessThan(1e-5);
    tf.dispose([audio, expected, pooledLatents, latents, context, meanLatents]);
    for (const other of [loaded, clone, latent, encoder]) other.dispose();
  });

  it("pools [c_t, z_t] with representation 'context-and-latent', reloads it, and leaks nothing", async () => {
    registerCpcLayers();
    const encoder = tinyEncoder();
    const both = createCpcEncoder({
      ...encoder.getConfig(),
      representation: 'context-and-latent',
      pooling: 'mean-max',
    });
    both.model.setWeights(encoder.model.getWeights());
    expect([both.featureSize, both.outputSize]).toEqual([6 + 8, 2 * (6 + 8)]);
    const audio = tf.randomUniform([2, 200, 1], -0.5, 0.5, 'float32', 11);
    const { latents, context } = encoder.encodeLatentsAndContext(audio, { training: false });
    const steps = tf.concat([context, latents], -1);
    const expected = tf.concat([tf.mean(steps, 1), tf.max(steps, 1)], 1);
    const before = tf.memory().numTensors;
    const pooled = both.doEncode(audio, { training: false });
    const sequence = both.doEncodeSequence(audio, { training: false });
    expect(tf.memory().numTensors).toBe(before + 2);
    expect(sequence.shape).toEqual([2, steps.shape[1], 14]);
    expect(Math.max(...tf.abs(tf.sub(pooled, expected)).dataSync())).toBeLessThan(1e-5);
    expect(Math.max(...tf.abs(tf.sub(sequence, steps)).dataSync())).toBeLessThan(1e-6);
    const reloaded = cloneEncoder(both, cpcEncoders);
    const again = reloaded.doEncode(audio, { training: false });
    expect(Math.max(...tf.abs(tf.sub(again, pooled)).dataSync())).toBeLessThan(1e-6);
    expect(() => createCpcEncoder({ representation: 'both' as never })).toThrow(
      /representation must be one of 'context', 'latent', 'context-and-latent', got 'both'/,
    );
    tf.dispose([audio, latents, context, steps, expected, pooled, sequence, again]);
    for (const other of [reloaded, both, encoder]) other.dispose();
  });

  it('standardizes each clip, so a louder copy of a clip gets the same representation', () => {
    const encoder = tinyEncoder();
    const audio = tf.randomUniform([2, 160, 1], -0.2, 0.2, 'float32', 7);
    const louder = tf.mul(audio, 4);
    const quiet = encoder.doEncode(audio, { training: false });
    const loud = encoder.doEncode(louder, { training: false });
    expect(Math.max(...tf.abs(tf.sub(quiet, loud)).dataSync())).toBeLessThan(1e-4);
    const standardized = encoder.model.getLayer('waveform_standardization').apply(louder);
    const { mean, variance } = tf.moments(standardized as tf.Tensor, [1, 2]);
    expect(Math.max(...tf.abs(mean).dataSync())).toBeLessThan(1e-5);
    expect(Math.max(...tf.abs(tf.sub(variance, 1)).dataSync())).toBeLessThan(1e-3);
    tf.dispose([audio, louder, quiet, loud, standardized as tf.Tensor, mean, variance]);
    encoder.dispose();
  });

  it('frees every weight, leaks nothing per pass, and rejects bad inputs and options', async () => {
    const before = tf.memory().numTensors;
    const encoder = tinyEncoder();
    const audio = tf.randomUniform([2, 100, 1], -1, 1, 'float32', 6);
    const gru = tinyEncoder('gru');
    for (const each of [encoder, gru]) {
      await expectNoTensorLeak(() => {
        const { value, grads } = tf.variableGrads(() =>
          tf.mean(each.encodeLatentsAndContext(audio, { training: true }).context),
        );
        // 3 conv kernels + 3 biases + the context network's kernel, recurrent kernel and bias.
        expect(Object.keys(grads)).toHaveLength(9);
        tf.dispose([value, ...Object.values(grads)]);
      });
    }
    gru.dispose();
    const flat = tf.zeros([2, 100]);
    const short = tf.zeros([2, 10, 1]);
    expect(() => encoder.doEncode(flat, { training: false })).toThrow(/waveforms \[B, T, 1\]/);
    expect(() => encoder.doEncode(short, { training: false })).toThrow(/longer clips/);
    expect(() => createCpcEncoder({ contextUnits: 0 })).toThrow(/contextUnits/);
    const mlp = createMlpEncoder();
    expect(() => createCpcEncoder({ latent: mlp })).toThrow(/must take audio/);
    tf.dispose([audio, flat, short]);
    mlp.dispose();
    encoder.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });
});
