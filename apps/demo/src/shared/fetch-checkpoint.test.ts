import { createWavenetObjective } from '@selfsup/autoregressive';
import { initBackend, loadEncoder, restoreCheckpoint } from '@selfsup/core';
import { expectNoTensorLeak } from '@selfsup/core/test';
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type PublicServer, publicDirectory, servePublic } from '../test/serve-public';
import {
  demoModelNames,
  demoModelUrl,
  fetchCheckpointManifest,
  fetchEncoder,
  fetchModelAbout,
  restoreFromUrl,
} from './fetch-checkpoint';

/** The CLI's method name of each checkpoint's objective method. */
const cliMethodOf: Readonly<Record<string, string>> = {
  'pixel-cnn': 'pixelcnn',
  'bert-mlm': 'bert',
};

describe('checkpoints over HTTP (the committed public/models/)', () => {
  let server: PublicServer;
  let base: string;

  beforeAll(async () => {
    await initBackend({ backend: 'wasm', quiet: true });
    server = await servePublic();
    base = server.url;
  });

  afterAll(async () => {
    await server?.close();
  });

  it('every model has a valid manifest without optimizer state and an about.json that says how it was made', async () => {
    for (const name of demoModelNames) {
      const url = demoModelUrl(name, base);
      expect(url).toBe(`${base}models/${name}/`);
      const manifest = await fetchCheckpointManifest(url);
      expect(manifest.optimizer).toBeNull();
      const about = await fetchModelAbout(url);
      expect(about.name).toBe(name);
      expect(about.command).toMatch(/^selfsup pretrain /);
      expect(manifest.step).toBe(about.step);
      expect(cliMethodOf[manifest.method] ?? manifest.method).toBe(about.method);
    }
  });

  it('fetchEncoder gives the same encoder as core’s loadEncoder from the same files', async () => {
    const { encoder } = await fetchEncoder(demoModelUrl('gpt-names', base));
    const reference = await loadEncoder(`${publicDirectory}models/gpt-names`);
    try {
      expect(encoder.type).toBe('transformer');
      const fetched = encoder.model.getWeights();
      const loaded = reference.model.getWeights();
      expect(fetched.map((weight) => weight.shape)).toEqual(loaded.map((weight) => weight.shape));
      for (const [index, weight] of fetched.entries()) {
        expect(Array.from(weight.dataSync())).toEqual(Array.from(loaded[index]!.dataSync()));
      }
    } finally {
      encoder.dispose();
      reference.dispose();
    }
  });

  it('restoreFromUrl writes the same weights as core’s restoreCheckpoint, and leaks no tensor', async () => {
    const url = demoModelUrl('wavenet-audio', base);
    const manifest = await fetchCheckpointManifest(url, 'wavenet');
    const { type: _type, ...config } = manifest.encoder.config;
    const fetched = createWavenetObjective({ wavenet: config });
    const restored = createWavenetObjective({ wavenet: config });
    try {
      const before = fetched.wavenet.outputHead.getWeights()[0]!.dataSync().slice();
      await expectNoTensorLeak(() => restoreFromUrl(url, fetched as never));
      await restoreCheckpoint(`${publicDirectory}models/wavenet-audio`, restored as never);
      const parts = (objective: typeof fetched) => [
        ...objective.encoder.model.getWeights(),
        ...Object.keys(objective.heads)
          .sort()
          .flatMap((name) => objective.heads[name]!.getWeights()),
      ];
      const a = parts(fetched);
      const b = parts(restored);
      expect(a.length).toBe(b.length);
      for (const [index, weight] of a.entries()) {
        expect(Array.from(weight.dataSync())).toEqual(Array.from(b[index]!.dataSync()));
      }
      // The weights did change: the objective was built with fresh random ones.
      expect(Array.from(fetched.wavenet.outputHead.getWeights()[0]!.dataSync())).not.toEqual(
        Array.from(before),
      );
    } finally {
      fetched.dispose?.();
      restored.dispose?.();
    }
  });

  it('says what is wrong: a missing checkpoint, another method, another architecture', async () => {
    await expect(fetchCheckpointManifest(`${base}models/nothing-here/`)).rejects.toThrow(
      /HTTP 404.*make-demo-checkpoints/,
    );
    await expect(
      fetchCheckpointManifest(demoModelUrl('gpt-names', base), 'bert-mlm'),
    ).rejects.toThrow(/a 'gpt' checkpoint, not 'bert-mlm'/);
    const smaller = createWavenetObjective({ wavenet: { layers: 2, channels: 4, classes: 8 } });
    const tensors = tf.memory().numTensors;
    try {
      await expect(
        restoreFromUrl(demoModelUrl('wavenet-audio', base), smaller as never),
      ).rejects.toThrow(/another architecture/);
      expect(tf.memory().numTensors).toBe(tensors);
    } finally {
      smaller.dispose?.();
    }
  });
});
