import { initBackend } from '@selfsup/core';
import { expectNoTensorLeak } from '@selfsup/core/test';
import { loadMnist, mnistZeroShotPrompts } from '@selfsup/data';
import { imagesToTensor } from '@selfsup/data/browser';
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoModelUrl } from '../shared/fetch-checkpoint';
import { type PublicServer, servePublic } from '../test/serve-public';
import { fetchClip, retrieveImages } from './clip-checkpoint';

describe('fetchClip', () => {
  let server: PublicServer;

  beforeAll(async () => {
    await initBackend({ backend: 'wasm', quiet: true });
    server = await servePublic();
  });

  afterAll(async () => {
    await server?.close();
  });

  it('rebuilds the CLI’s CLIP: prompts retrieve their digits, ranked per image', async () => {
    const model = await fetchClip(demoModelUrl('clip-mnist', server.url));
    const test = loadMnist('test');
    const images = imagesToTensor(
      test,
      Array.from({ length: 300 }, (_, index) => index),
    );
    const embeddings = tf.tidy(() => model.clip.embedImages(images, { training: false }));
    try {
      // Each digit's first zero-shot prompt; count the right digits among the top 8.
      let rawHits = 0;
      let rankedHits = 0;
      for (const [digit, prompts] of mnistZeroShotPrompts().entries()) {
        const prompt = prompts[0] ?? '';
        const hits = (indices: number[]) =>
          indices.filter((index) => test.labels[index] === digit).length;
        rawHits += hits(retrieveImages(model, embeddings, prompt).indices);
        rankedHits += hits(
          retrieveImages(model, embeddings, prompt, {
            referencePrompts: mnistZeroShotPrompts().flat(),
          }).indices,
        );
      }
      console.info(
        `CLIP retrieval, right digits among the top 8 of 300 (10 prompts): raw cosine ${rawHits}/80, per-image softmax ${rankedHits}/80`,
      );
      // Chance is 8/80; the per-image softmax beats the hub-prone raw ranking.
      expect(rankedHits).toBeGreaterThanOrEqual(40);
      expect(rankedHits).toBeGreaterThan(rawHits);
      expect(() => retrieveImages(model, embeddings, '  ')).toThrow(/Type a prompt/);
      await expectNoTensorLeak(() =>
        retrieveImages(model, embeddings, 'a 7', { referencePrompts: ['a 1'] }),
      );
    } finally {
      tf.dispose([images, embeddings]);
      model.clip.dispose?.();
    }
  });
});
