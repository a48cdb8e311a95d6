import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  createConvNetEncoder,
  createMlpEncoder,
  initBackend,
  pretrain,
  restoreCheckpoint,
  type TokenizerV1,
} from '@selfsup/core';
import { expectNoTensorLeak, expectTensorsClose } from '@selfsup/core/test';
import {
  allCaptions,
  captionedMnistSource,
  captionedMnistTestSet,
  type ImageDataset,
  loadMnist,
  mnistCaptionWords,
  mnistPromptTemplates,
  mnistTrainingTemplates,
  mnistZeroShotPrompts,
  selectImages,
  tokenizeCaptions,
  trainWordPieceTokenizer,
} from '@selfsup/data';
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ClipObjective, createClip } from './clip';
import { retrieve } from './clip-retrieval';
import { createClipTextEncoder } from './clip-text-encoder';
import { zeroShotAccuracy } from './clip-zero-shot';

const maxLength = 16;

function smallClip(tokenizer: TokenizerV1, seed = 1): ClipObjective {
  return createClip({
    encoder: createConvNetEncoder({ channels: [8, 16], outputSize: 32, seed }),
    textEncoder: createClipTextEncoder(tokenizer, {
      maxLength,
      embeddingSize: 32,
      layers: 1,
      heads: 2,
      seed: seed + 1,
    }),
    projectionSize: 32,
    seed: seed + 2,
  });
}

const mean = (values: readonly number[]) =>
  values.reduce((sum, value) => sum + value, 0) / values.length;

describe('createClip', () => {
  let tokenizer: TokenizerV1;
  let digits: ImageDataset;
  let directory: string;

  beforeAll(async () => {
    await initBackend({ backend: 'wasm', quiet: true });
    // The tokenizer sees the training captions only, never the zero-shot prompts.
    tokenizer = trainWordPieceTokenizer(
      [...allCaptions(mnistTrainingTemplates, mnistCaptionWords)],
      {
        vocabularySize: 200,
      },
    );
    digits = selectImages(
      loadMnist('train'),
      Array.from({ length: 2000 }, (_, i) => i),
    );
    directory = await mkdtemp(join(tmpdir(), 'selfsup-clip-'));
  });

  afterAll(async () => {
    await rm(directory, { recursive: true, force: true });
  });

  it('learns from captions alone to classify held-out MNIST digits zero-shot from unseen prompts', async () => {
    const clip = smallClip(tokenizer);
    const imageToText: number[] = [];
    const result = await pretrain(
      clip,
      captionedMnistSource({ batchSize: 32, tokenizer, dataset: digits }),
      {
        steps: 120,
        learningRate: 3e-3,
        seed: 1,
        onProgress: (event) => {
          imageToText.push(event.metrics.imageToTextAccuracy ?? Number.NaN);
        },
      },
    );
    // The loss starts near ln 32 ≈ 3.47 and falls well below it.
    expect(mean(result.history.slice(0, 5))).toBeGreaterThan(2.8);
    expect(mean(result.history.slice(-10))).toBeLessThan(mean(result.history.slice(0, 5)) - 0.8);
    expect(mean(imageToText.slice(-10))).toBeGreaterThan(mean(imageToText.slice(0, 5)) + 0.1);

    const test = captionedMnistTestSet({ count: 300 });
    const images = tf.tidy(() =>
      tf.tensor4d(Float32Array.from(test.images), [test.count, 28, 28, 1]).div(255),
    ) as tf.Tensor4D;
    // Prompts from templates held out of training ('a photo of the number seven', ...).
    const accuracy = zeroShotAccuracy(clip, images, test.labels, {
      tokenizer,
      prompts: mnistZeroShotPrompts(),
      maxLength,
    });
    expect(accuracy).toBeGreaterThan(0.3); // chance: 0.1
    const oneTemplate = zeroShotAccuracy(clip, images, test.labels, {
      tokenizer,
      classNames: mnistCaptionWords.name,
      templates: [mnistPromptTemplates[3].replace('{name}', '{}')],
      maxLength,
    });
    expect(oneTemplate).toBeGreaterThan(0.2);

    const captions = tokenizeCaptions(test.captions, tokenizer, maxLength);
    const retrieval = retrieve(clip, images, captions);
    // Chance recall@10 among 300 captions is 10/300.
    expect(retrieval.imageToText[10]).toBeGreaterThan(0.1);
    expect(retrieval.textToImage[10]).toBeGreaterThan(0.1);
    tf.dispose([images, captions]);
    clip.dispose();
  });

  it('leaks no tensor per step and clamps the logit scale at 100, even within a step', async () => {
    const clip = smallClip(tokenizer, 3);
    const source = captionedMnistSource({ batchSize: 8, tokenizer, dataset: digits });
    expect(clip.getLogitScale()).toBeCloseTo(1 / 0.07, 3);
    await pretrain(clip, source, { steps: 1, seed: 0 });
    // The scale's own gradient would take it above 100: start it there.
    tf.tidy(() => clip.heads.logit_scale!.setWeights([tf.scalar(6)]));
    const scales: number[] = [];
    await expectNoTensorLeak(() =>
      pretrain(clip, source, {
        steps: 2,
        learningRate: 1,
        optimizer: 'sgd',
        seed: 1,
        onProgress: (event) => {
          scales.push(event.metrics.logitScale ?? Number.NaN);
        },
      }),
    );
    expect(scales[0]).toBeCloseTo(100, 2);
    for (const scale of scales) expect(scale).toBeLessThanOrEqual(100 + 1e-3);
    expect(clip.logitScale.getLogScale().dataSync()[0]).toBeLessThanOrEqual(Math.log(100) + 1e-6);
    expect(clip.getLogitScale()).toBeLessThanOrEqual(100 + 1e-3);

    const batch = (
      source.batches({ position: 0, seed: 0 }) as Iterator<{
        images: tf.Tensor4D;
        tokens: tf.Tensor2D;
        labels: tf.Tensor1D;
      }>
    ).next().value!;
    const parameters = [
      ...clip.encoder.model.trainableWeights,
      ...Object.values(clip.heads).flatMap((head) => head.trainableWeights),
    ].map((weight) => weight.read() as tf.Variable);
    await expectNoTensorLeak(() => {
      const { value, grads } = tf.variableGrads(
        () => clip.doLoss(batch, { step: 0, seed: 1, training: true }).loss,
        parameters,
      );
      expect(Object.keys(grads)).toHaveLength(parameters.length);
      expect(Number.isFinite(value.dataSync()[0]!)).toBe(true);
      tf.dispose([value, grads]);
    });
    tf.dispose(batch);
    clip.dispose();
  });

  it('saves the text encoder, projections and logit scale in checkpoints', async () => {
    const clip = smallClip(tokenizer, 5);
    const source = captionedMnistSource({ batchSize: 8, tokenizer, dataset: digits });
    await pretrain(clip, source, { steps: 2, seed: 2, checkpoint: { directory } });
    expect(Object.keys(clip.heads).sort()).toEqual([
      'image_projection',
      'logit_scale',
      'text_encoder',
      'text_projection',
    ]);
    const restored = smallClip(tokenizer, 9);
    const { manifest } = await restoreCheckpoint(directory, restored);
    expect(manifest.method).toBe('clip');
    expect(manifest.objective.projectionSize).toBe(32);
    expect(restored.getLogitScale()).toBeCloseTo(clip.getLogitScale(), 6);
    expect(restored.getLogitScale()).not.toBeCloseTo(1 / 0.07, 6);
    tf.tidy(() => {
      const tokens = tokenizeCaptions(
        ['a handwritten seven', 'the numeral 3, upright'],
        tokenizer,
        maxLength,
      );
      expectTensorsClose(restored.embedTexts(tokens), clip.embedTexts(tokens), {
        label: 'restored text embeddings',
      });
    });
    clip.dispose();
    restored.dispose();
  });

  it('says what is wrong with its encoders and batches', () => {
    const textEncoder = createClipTextEncoder(tokenizer, {
      embeddingSize: 16,
      layers: 1,
      heads: 2,
    });
    const vector = createMlpEncoder({ inputShape: [4], hiddenSizes: [4] });
    expect(() => createClip({ encoder: textEncoder, textEncoder })).toThrow(/image encoder/);
    const image = createConvNetEncoder({ channels: [4], outputSize: 4 });
    expect(() => createClip({ encoder: image, textEncoder: vector })).toThrow(/text encoder/);
    const clip = smallClip(tokenizer, 7);
    const context = { step: 0, seed: 0, training: false };
    tf.tidy(() => {
      expect(() =>
        clip.doLoss(
          { images: tf.zeros([2, 28, 28, 1]), tokens: tf.zeros([3, 4], 'int32') },
          context,
        ),
      ).toThrow(/one caption per image/);
      expect(() =>
        clip.doLoss(
          { images: tf.zeros([1, 28, 28, 1]), tokens: tf.zeros([1, 4], 'int32') },
          context,
        ),
      ).toThrow(/at least 2/);
      expect(() => clip.embedTexts(tf.zeros([2, 4]) as tf.Tensor2D)).toThrow(/int32 token ids/);
    });
    for (const encoder of [textEncoder, vector, image]) encoder.dispose();
    clip.dispose();
  });
});
