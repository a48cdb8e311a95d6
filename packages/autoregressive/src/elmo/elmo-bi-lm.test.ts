import { initBackend } from '@selfsup/core';
import { expectNoTensorLeak, expectTensorsClose } from '@selfsup/core/test';
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { createElmo, ElmoBiLm } from './elmo-bi-lm';
import { createElmoEncoder } from './elmo-encoder';
import { createElmoStaticEncoder } from './elmo-static-encoder';
import { registerElmoLayers } from './register-elmo-layers';
import { reversePaddedSequences, sequenceLengths } from './reverse-padded-sequences';

const vocabularySize = 23;
const tiny = (extra: { paddingId?: number; softmax?: 'tied' | 'untied' } = {}) =>
  createElmo({ vocabularySize, size: 8, layers: 2, seed: 3, ...extra });

/** Random ids in [1, V) (0 is kept for padding), seeded. */
const randomTokens = (rows: number, length: number, seed: number): number[][] => {
  let state = seed;
  return Array.from({ length: rows }, () =>
    Array.from({ length }, () => {
      state = (state * 1_103_515_245 + 12_345) % 2_147_483_648;
      return 1 + (state % (vocabularySize - 1));
    }),
  );
};

const layerValues = (elmo: ReturnType<typeof tiny>, tokens: number[][]) =>
  tf.tidy(() => {
    const ids = tf.tensor2d(tokens, undefined, 'int32');
    const { embeddings, forward, backward } = elmo.encodeLayers(ids, { training: false });
    return { embeddings, forward, backward };
  });

describe('createElmo (wasm)', () => {
  beforeAll(async () => {
    await initBackend({ backend: 'wasm', quiet: true });
  });

  it('gives per-token features [B, T, 2d], their mean, every layer, and a static baseline [B, T, d]', async () => {
    const elmo = tiny();
    const tokens = tf.tensor2d(randomTokens(3, 7, 1), undefined, 'int32');
    await expectNoTensorLeak(() => {
      const outputs = tf.tidy(() => {
        const features = elmo.doEncodeSequence(tokens, { training: false });
        const pooled = elmo.doEncode(tokens, { training: false });
        const layers = elmo.representationLayers(tokens, { training: false });
        expect(features.shape).toEqual([3, 7, 16]);
        expect(pooled.shape).toEqual([3, 16]);
        expect(layers.map((layer) => layer.shape)).toEqual([
          [3, 7, 16],
          [3, 7, 16],
          [3, 7, 16],
        ]);
        // The scalar mix starts as a uniform average (s_j = 1/3, γ = 1).
        expectTensorsClose(features, tf.div(tf.addN(layers), 3), { atol: 1e-5 });
        expectTensorsClose(pooled, tf.mean(features, 1), { atol: 1e-5 });
        return [features, pooled];
      });
      tf.dispose(outputs);
    });
    const baseline = createElmoStaticEncoder(elmo);
    await expectNoTensorLeak(() => {
      tf.tidy(() => {
        const features = baseline.doEncodeSequence!(tokens, { training: false });
        expect(features.shape).toEqual([3, 7, 8]);
        expectTensorsClose(features, elmo.encodeLayers(tokens, { training: false }).embeddings);
        expect(baseline.doEncode(tokens, { training: false }).shape).toEqual([3, 8]);
      });
    });
    expect(elmo.getConfig()).toMatchObject({ type: 'elmo', size: 8, layers: 2, softmax: 'tied' });
    expect(elmo.scalarMix.readMix().weights).toHaveLength(3);
    expect(() => elmo.doEncode(tf.zeros([2, 3]), { training: false })).toThrow(/int32 token ids/);
    expect(() => createElmo({ vocabularySize: 0 })).toThrow(/vocabularySize/);
    expect(() => createElmo({ vocabularySize: 5, paddingId: 5 })).toThrow(/paddingId/);
    tokens.dispose();
    elmo.dispose();
  });

  it('wraps the biLM as encoders of the mix, [token; mix] or every layer, sharing its weights', async () => {
    const elmo = tiny({ paddingId: 0 });
    const tokens = tf.tensor2d(
      [
        [3, 4, 5, 0],
        [6, 7, 8, 9],
      ],
      [2, 4],
      'int32',
    );
    await expectNoTensorLeak(() => {
      tf.tidy(() => {
        const { embeddings } = elmo.encodeLayers(tokens, { training: false });
        const mix = elmo.doEncodeSequence(tokens, { training: false });
        const sizes = { mix: 16, 'token-and-mix': 24, layers: 40 } as const;
        for (const [features, size] of Object.entries(sizes)) {
          const encoder = createElmoEncoder(elmo, { features: features as keyof typeof sizes });
          expect(encoder.model).toBe(elmo.model);
          const sequence = encoder.doEncodeSequence!(tokens, { training: false });
          expect(sequence.shape).toEqual([2, 4, size]);
          expect(encoder.doEncode(tokens, { training: false }).shape).toEqual([2, size]);
          if (features === 'mix') expectTensorsClose(sequence, mix);
          if (features !== 'mix') {
            expectTensorsClose(tf.slice(sequence, [0, 0, 0], [2, 4, 8]), embeddings);
          }
          if (features === 'token-and-mix') {
            expectTensorsClose(tf.slice(sequence, [0, 0, 8], [2, 4, 16]), mix);
          }
        }
      });
    });
    expect(() => createElmoEncoder(elmo, { features: 'top' as never })).toThrow(/features must be/);
    tokens.dispose();
    elmo.dispose();
  });

  it('keeps each direction causal: forward states at t ignore tokens after t, backward states ignore tokens before t', () => {
    const elmo = tiny();
    const original = randomTokens(2, 9, 7);
    const cut = 4;
    const laterChanged = original.map((row, index) =>
      row.map((id, position) => (position > cut ? 1 + ((id + index + 5) % 22) : id)),
    );
    const earlierChanged = original.map((row) =>
      row.map((id, position) => (position < cut ? 1 + ((id + 3) % 22) : id)),
    );
    const base = layerValues(elmo, original);
    const later = layerValues(elmo, laterChanged);
    const earlier = layerValues(elmo, earlierChanged);
    const positions = (x: tf.Tensor3D, start: number, count: number) =>
      tf.slice(x, [0, start, 0], [2, count, 8]);
    for (let layer = 0; layer < 2; layer++) {
      tf.tidy(() => {
        // Forward: positions 0..cut unchanged by tokens after cut; position cut+1 does change.
        expectTensorsClose(
          positions(later.forward[layer]!, 0, cut + 1),
          positions(base.forward[layer]!, 0, cut + 1),
          { atol: 1e-6 },
        );
        const forwardDifference = tf
          .max(tf.abs(tf.sub(later.forward[layer]!, base.forward[layer]!)))
          .dataSync()[0]!;
        expect(forwardDifference).toBeGreaterThan(1e-4);
        // Backward: positions cut..T−1 unchanged by tokens before cut; earlier positions change.
        expectTensorsClose(
          positions(earlier.backward[layer]!, cut, 9 - cut),
          positions(base.backward[layer]!, cut, 9 - cut),
          { atol: 1e-6 },
        );
        const backwardDifference = tf
          .max(tf.abs(tf.sub(earlier.backward[layer]!, base.backward[layer]!)))
          .dataSync()[0]!;
        expect(backwardDifference).toBeGreaterThan(1e-4);
      });
    }
    for (const outputs of [base, later, earlier]) tf.dispose(outputs);
    elmo.dispose();
  });

  it('reads right-padded rows exactly as the unpadded rows (both directions and the masked mean)', async () => {
    const elmo = tiny({ paddingId: 0 });
    const short = randomTokens(1, 5, 11)[0]!;
    const long = randomTokens(1, 8, 12)[0]!;
    await expectNoTensorLeak(() => {
      tf.tidy(() => {
        const padded = tf.tensor2d([[...short, 0, 0, 0], long], [2, 8], 'int32');
        const alone = tf.tensor2d([short], [1, 5], 'int32');
        const paddedFeatures = elmo.doEncodeSequence(padded, { training: false });
        const aloneFeatures = elmo.doEncodeSequence(alone, { training: false });
        expectTensorsClose(tf.slice(paddedFeatures, [0, 0, 0], [1, 5, 16]), aloneFeatures, {
          atol: 1e-5,
        });
        expectTensorsClose(
          tf.slice(elmo.doEncode(padded, { training: false }), [0, 0], [1, 16]),
          elmo.doEncode(alone, { training: false }),
          { atol: 1e-5 },
        );
      });
    });
    elmo.dispose();
  });

  it('reverses each row within its length, with a gradient', async () => {
    await expectNoTensorLeak(() => {
      tf.tidy(() => {
        const x = tf.tensor3d([1, 2, 3, 4, 5, 6, 7, 8], [2, 4, 1]);
        const lengths = sequenceLengths(
          tf.tensor2d(
            [
              [9, 9, 0, 0],
              [9, 9, 9, 9],
            ],
            [2, 4],
            'int32',
          ),
          0,
        );
        expect(Array.from(lengths.dataSync())).toEqual([2, 4]);
        const reversed = reversePaddedSequences(x, lengths);
        expect(Array.from(reversed.dataSync())).toEqual([2, 1, 3, 4, 8, 7, 6, 5]);
        const weights = tf.tensor3d([1, 10, 100, 1000, 1, 2, 3, 4], [2, 4, 1]);
        const gradient = tf.grad((input: tf.Tensor) =>
          tf.sum(tf.mul(reversePaddedSequences(input as tf.Tensor3D, lengths), weights)),
        )(x);
        expect(Array.from(gradient.dataSync())).toEqual([10, 1, 100, 1000, 4, 3, 2, 1]);
      });
    });
  });

  it('saves and reloads in the tfjs format (registerElmoLayers, ElmoBiLm.fromModel), untied softmax included', async () => {
    const elmo = tiny({ paddingId: 0, softmax: 'untied' });
    const save = async (model: tf.LayersModel) => {
      let artifacts: tf.io.ModelArtifacts | undefined;
      await model.save(
        tf.io.withSaveHandler(async (saved) => {
          artifacts = saved;
          return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
        }),
      );
      return tf.io.fromMemory(artifacts!);
    };
    registerElmoLayers();
    const model = await tf.loadLayersModel(await save(elmo.model));
    const softmax = await tf.loadLayersModel(await save(elmo.softmaxModel!));
    const reloaded = ElmoBiLm.fromModel(model, elmo.getConfig(), softmax);
    const tokens = tf.tensor2d([[3, 4, 5, 0]], [1, 4], 'int32');
    tf.tidy(() => {
      expectTensorsClose(
        reloaded.doEncodeSequence(tokens, { training: false }),
        elmo.doEncodeSequence(tokens, { training: false }),
      );
      const states = tf.ones([2, 8]) as tf.Tensor2D;
      expectTensorsClose(reloaded.softmaxLogits(states), elmo.softmaxLogits(states));
    });
    expect(() => ElmoBiLm.fromModel(model, elmo.getConfig())).toThrow(/softmax/);
    expect(() => ElmoBiLm.fromModel(model, { ...elmo.getConfig(), type: 'lstm' })).toThrow(
      /expected 'elmo'/,
    );
    tokens.dispose();
    reloaded.dispose();
    elmo.dispose();
  });
});
