import {
  createConvNetEncoder,
  createVitEncoder,
  initBackend,
  maskPatches,
  pretrain,
  registerSequenceLayers,
  type VitEncoder,
} from '@selfsup/core';
import { expectNoTensorLeak } from '@selfsup/core/test';
import { imageBatchSource, imagesToTensor, loadMnist, selectImages } from '@selfsup/data';
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMae } from './mae';
import { registerMaeLayers } from './mae-mask-token';

const tinyVit = (): VitEncoder =>
  createVitEncoder({
    imageShape: [28, 28, 1],
    patchSize: 7,
    embeddingSize: 32,
    layers: 1,
    heads: 2,
    pooling: 'mean',
    seed: 3,
  });

const tinyMae = () =>
  createMae({ encoder: tinyVit(), decoderLayers: 1, decoderEmbeddingSize: 32, seed: 5 });

const maxAbsDifference = (a: tf.Tensor, b: tf.Tensor): number =>
  tf.tidy(() => tf.max(tf.abs(tf.sub(a, b))).dataSync()[0] ?? Number.NaN);

describe('createMae', () => {
  let digits: tf.Tensor4D;

  beforeAll(async () => {
    await initBackend({ backend: 'wasm', quiet: true });
    digits = imagesToTensor(loadMnist('test'), [0, 1, 2, 3]);
  });

  afterAll(() => {
    digits.dispose();
  });

  it('encodes only the visible patches: hidden pixels change neither features nor predictions', () => {
    const mae = tinyMae();
    tf.tidy(() => {
      const reference = mae.forward(digits, { seed: 11 });
      // 16 patches of 7×7, 75% masked: 4 visible, plus [CLS].
      expect(reference.latent.shape).toEqual([4, 5, 32]);
      expect(reference.keepIndices.shape).toEqual([4, 4]);
      expect(reference.mask.sum().dataSync()[0]).toBe(4 * 12);
      const pixelMask = mae.encoder.unpatchify(tf.tile(reference.mask.expandDims(-1), [1, 1, 49]));
      const noise = tf.randomUniform(digits.shape, 0, 1, 'float32', 8);
      const hiddenChanged = tf.add(digits, tf.mul(noise, pixelMask)) as tf.Tensor4D;
      const hidden = mae.forward(hiddenChanged, { seed: 11 });
      expect(maxAbsDifference(hidden.latent, reference.latent)).toBeLessThan(1e-6);
      expect(maxAbsDifference(hidden.predictions, reference.predictions)).toBeLessThan(1e-6);
      // Targets of hidden patches did change, so the loss sees them.
      expect(maxAbsDifference(hidden.targets, reference.targets)).toBeGreaterThan(0.1);
      const visibleChanged = tf.add(digits, tf.mul(noise, tf.sub(1, pixelMask))) as tf.Tensor4D;
      const visible = mae.forward(visibleChanged, { seed: 11 });
      expect(maxAbsDifference(visible.latent, reference.latent)).toBeGreaterThan(1e-3);
      // The loss ignores visible patches: changing their targets alone leaves it equal.
      const { loss: sameLoss } = tf.tidy(() => ({
        loss: tf.div(
          tf.sum(
            tf.mul(
              tf.mean(tf.squaredDifference(reference.predictions, reference.targets), -1),
              reference.mask,
            ),
          ),
          tf.sum(reference.mask),
        ),
      }));
      expect(sameLoss.dataSync()[0]).toBeCloseTo(reference.loss.dataSync()[0] ?? 0, 5);
    });
    mae.dispose();
  });

  it("decodes in patch order: the training path equals the decoder model's own graph", () => {
    const mae = tinyMae();
    tf.tidy(() => {
      const { keepIndices, restoreIndices, mask } = maskPatches(2, 16, 7);
      const latent = tf.randomNormal([2, 5, 32], 0, 1, 'float32', 9) as tf.Tensor3D;
      const predictions = mae.decoder.decode(latent, restoreIndices, { training: false });
      // Reference: put each visible token at its patch's row ([CLS] first), zeros elsewhere, and
      // let the saved graph fill the masked rows with the [MASK] token.
      const rows = latent.arraySync();
      const keep = keepIndices.arraySync();
      const features = rows.map((tokens, example) => {
        const ordered = Array.from({ length: 17 }, () => new Array<number>(32).fill(0));
        ordered[0] = tokens[0] ?? [];
        keep[example]?.forEach((patch, index) => {
          ordered[1 + patch] = tokens[1 + index] ?? [];
        });
        return ordered;
      });
      const fullMask = tf.concat([tf.zeros([2, 1]), mask], 1);
      const reference = (
        mae.decoder.model.predict([tf.tensor3d(features), fullMask]) as tf.Tensor
      ).slice([0, 1, 0], [2, 16, 49]);
      expect(predictions.shape).toEqual([2, 16, 49]);
      expect(maxAbsDifference(predictions, reference)).toBeLessThan(1e-4);
    });
    mae.dispose();
  });

  it('leaks no tensor in its loss, its training step or its config', async () => {
    const mae = tinyMae();
    await expectNoTensorLeak(async () => {
      const loss = tf.tidy(
        () => mae.doLoss({ images: digits }, { step: 0, seed: 1, training: true }).loss,
      );
      expect(Number.isFinite(loss.dataSync()[0])).toBe(true);
      loss.dispose();
      const forwarded = mae.forward(digits, { seed: 2, maskRatio: 0.5 });
      expect(forwarded.keepIndices.shape).toEqual([4, 8]);
      tf.dispose(Object.values(forwarded));
    });
    const digitsSet = selectImages(loadMnist('test'), [0, 1, 2, 3, 4, 5, 6, 7]);
    await pretrain(mae, imageBatchSource(digitsSet, { batchSize: 4 }), { steps: 1 });
    await expectNoTensorLeak(() =>
      pretrain(mae, imageBatchSource(digitsSet, { batchSize: 4 }), { steps: 2, seed: 1 }),
    );
    expect(mae.getConfig()).toMatchObject({ method: 'mae', maskRatio: 0.75, normPixLoss: true });
    mae.dispose();
  });

  it('learns to predict hidden MNIST patches better than the all-zeros guess (held-out digits)', async () => {
    const mae = tinyMae();
    const mnist = loadMnist('test');
    const train = selectImages(
      mnist,
      Array.from({ length: 1024 }, (_, index) => index),
    );
    const heldOut = imagesToTensor(
      mnist,
      Array.from({ length: 128 }, (_, index) => 5000 + index),
    );
    // With normalized targets, predicting 0 (each patch's mean) scores mean(target²) on the
    // hidden patches: the loss of a decoder that learned nothing about the digits.
    const evaluate = () =>
      tf.tidy(() => {
        const { loss, targets, mask } = mae.forward(heldOut, { seed: 99 });
        const zeroGuess = tf.div(
          tf.sum(tf.mul(tf.mean(tf.square(targets), -1), mask)),
          tf.sum(mask),
        );
        return { loss: loss.dataSync()[0] ?? Number.NaN, zeroGuess: zeroGuess.dataSync()[0] ?? 0 };
      });
    const before = evaluate();
    // getWeights() returns the variables themselves: copy the value before training.
    const maskTokenBefore = (
      mae.decoder.model.getLayer('mask_token').getWeights()[0] as tf.Tensor
    ).clone();
    const result = await pretrain(mae, imageBatchSource(train, { batchSize: 32 }), {
      steps: 80,
      learningRate: 1e-2,
      beta2: 0.95,
      warmupSteps: 5,
      seed: 4,
    });
    const after = evaluate();
    const mean = (values: number[]) =>
      values.reduce((sum, value) => sum + value, 0) / values.length;
    expect(mean(result.history.slice(-10))).toBeLessThan(mean(result.history.slice(0, 5)));
    expect(after.loss).toBeLessThan(before.loss);
    expect(after.loss).toBeLessThan(0.96 * after.zeroGuess);
    // The [MASK] token is a trained weight.
    const maskTokenAfter = mae.decoder.model.getLayer('mask_token').getWeights()[0] as tf.Tensor;
    expect(maxAbsDifference(maskTokenAfter, maskTokenBefore)).toBeGreaterThan(1e-4);
    maskTokenBefore.dispose();
    heldOut.dispose();
    mae.dispose();
  });

  it('saves a decoder that tf.loadLayersModel rebuilds after registerMaeLayers()', async () => {
    const mae = tinyMae();
    let artifacts: tf.io.ModelArtifacts | undefined;
    await mae.heads.decoder?.save(
      tf.io.withSaveHandler(async (saved) => {
        artifacts = saved;
        return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
      }),
    );
    registerSequenceLayers();
    registerMaeLayers();
    const loaded = await tf.loadLayersModel(tf.io.fromMemory(artifacts as tf.io.ModelArtifacts));
    const original = mae.heads.decoder?.getWeights() ?? [];
    const copy = loaded.getWeights();
    expect(copy.length).toBe(original.length);
    copy.forEach((weight, index) => {
      expect(maxAbsDifference(weight, original[index] as tf.Tensor)).toBe(0);
    });
    // The frozen sin-cos positions are not trained.
    const trainable = mae.heads.decoder?.trainableWeights.map((weight) => weight.originalName);
    expect(trainable?.some((name) => name.includes('position'))).toBe(false);
    loaded.dispose();
    mae.dispose();
  });

  it('refuses a non-ViT encoder and a mask ratio that hides every patch, naming the fix', () => {
    const convNet = createConvNetEncoder({ channels: [4], outputSize: 8, seed: 1 });
    expect(() => createMae({ encoder: convNet as unknown as VitEncoder })).toThrow(
      /createVitEncoder/,
    );
    convNet.dispose();
    const encoder = tinyVit();
    expect(() => createMae({ encoder, maskRatio: 1 })).toThrow(/maskRatio must be in \[0, 1\)/);
    expect(() => createMae({ encoder, maskRatio: 0.99 })).toThrow(/leaves none of the 16/);
    expect(() => createMae({ encoder, decoderEmbeddingSize: 30 })).toThrow(/multiple of 4/);
    encoder.dispose();
  });
});
