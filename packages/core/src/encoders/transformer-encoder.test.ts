import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../backend/init-backend';
import { registerSequenceLayers } from '../layers/register-sequence-layers';
import { SeededRandom } from '../random/seeded-random';
import { computeOnBackends, expectTensorsClose } from '../test/compare-tensors';
import { expectNoTensorLeak } from '../test/expect-no-tensor-leak';
import type { TransformerEncoderOptions } from './transformer-encoder';
import { createTransformerEncoder, TransformerEncoder } from './transformer-encoder';

const tiny = {
  vocabularySize: 13,
  maxLength: 8,
  embeddingSize: 8,
  layers: 2,
  heads: 2,
  seed: 3,
} as const;

function seededIds(
  seed: number,
  shape: [number, number],
  vocabularySize = tiny.vocabularySize,
): tf.Tensor2D {
  const random = new SeededRandom(seed);
  const values = Int32Array.from({ length: shape[0] * shape[1] }, () =>
    random.nextInt(vocabularySize),
  );
  return tf.tensor2d(values, shape, 'int32');
}

/** Gives every weight seeded values of a visible size (the default init is tiny). */
function randomizeWeights(encoder: TransformerEncoder): void {
  const random = new SeededRandom(11);
  const replacements = encoder.model.getWeights().map((weight) =>
    tf.tensor(
      Float32Array.from({ length: weight.size }, () => random.nextNormal() * 0.3),
      weight.shape,
    ),
  );
  encoder.model.setWeights(replacements);
  tf.dispose(replacements);
}

function withEncoder(
  options: TransformerEncoderOptions,
  run: (encoder: TransformerEncoder) => void,
): void {
  const encoder = createTransformerEncoder(options);
  randomizeWeights(encoder);
  try {
    tf.tidy(() => run(encoder));
  } finally {
    encoder.dispose();
  }
}

beforeAll(async () => {
  await initBackend({ backend: 'wasm' });
});

describe('createTransformerEncoder', () => {
  it('gives [B, T, D] features equal to the model and [B, D] pooled outputs', () => {
    for (const pooling of ['mean', 'first', 'last'] as const) {
      withEncoder({ ...tiny, pooling }, (encoder) => {
        const ids = seededIds(1, [3, 6]);
        const features = encoder.doEncodeSequence(ids, { training: false });
        expect(features.shape).toEqual([3, 6, 8]);
        expectTensorsClose(features, encoder.model.predict(ids) as tf.Tensor);
        const pooled = encoder.doEncode(ids, { training: false });
        expect(pooled.shape).toEqual([3, 8]);
        const position = pooling === 'first' ? 0 : 5;
        const expected =
          pooling === 'mean'
            ? features.mean(1)
            : features.slice([0, position, 0], [3, 1, 8]).reshape([3, 8]);
        expectTensorsClose(pooled, expected);
      });
    }
  });

  it('defaults: 128 dims, 4 layers, 4 heads; pooling last when causal, mean otherwise', () => {
    const causal = createTransformerEncoder({ vocabularySize: 65, maxLength: 64, causal: true });
    expect(causal.outputSize).toBe(128);
    expect(causal.featureSize).toBe(128);
    expect(causal.hasPositions).toBe(true);
    expect(causal.settings.layers).toBe(4);
    expect(causal.settings.pooling).toBe('last');
    expect(causal.getTokenEmbeddings().shape).toEqual([65, 128]);
    expect(causal.model.countParams()).toBe(
      65 * 128 + 64 * 128 + 4 * (12 * 128 * 128 + 13 * 128) + 2 * 128,
    );
    causal.dispose();
    const bidirectional = createTransformerEncoder({
      vocabularySize: 10,
      maxLength: 4,
      embeddingSize: 8,
      heads: 2,
      layers: 1,
    });
    expect(bidirectional.settings.pooling).toBe('mean');
    bidirectional.dispose();
  });

  it('rejects bad options and inputs with clear messages', () => {
    expect(() => createTransformerEncoder({ ...tiny, heads: 3 })).toThrow(
      /heads must divide embeddingSize/,
    );
    expect(() => createTransformerEncoder({ vocabularySize: 0 })).toThrow(/vocabularySize/);
    expect(() => createTransformerEncoder({ ...tiny, paddingId: 13 })).toThrow(/paddingId/);
    withEncoder(tiny, (encoder) => {
      expect(() => encoder.doEncodeSequence(seededIds(1, [1, 9]), { training: false })).toThrow(
        /maxLength = 8/,
      );
      expect(() => encoder.doEncode(tf.zeros([1, 4]), { training: false })).toThrow(/int32/);
      expect(() =>
        encoder.doEncode(tf.tensor2d([[1, 13]], [1, 2], 'int32'), { training: false }),
      ).toThrow(/token id 13, outside \[0, 13\)/);
    });
  });

  it('causal: features at t do not depend on tokens after t; bidirectional: they do', () => {
    for (const causal of [true, false]) {
      withEncoder({ ...tiny, causal }, (encoder) => {
        const ids = seededIds(2, [2, 7]);
        const changed = tf.concat([ids.slice([0, 0], [2, 4]), seededIds(3, [2, 3])], 1);
        const before = encoder
          .doEncodeSequence(ids, { training: false })
          .slice([0, 0, 0], [2, 4, 8]);
        const after = encoder
          .doEncodeSequence(changed, { training: false })
          .slice([0, 0, 0], [2, 4, 8]);
        const difference = tf.abs(before.sub(after)).max().dataSync()[0] as number;
        if (causal) expect(difference).toBeLessThan(1e-6);
        else expect(difference).toBeGreaterThan(1e-4);
      });
    }
  });

  it('with a padding id, padding changes neither the real positions nor the pooled output', () => {
    for (const pooling of ['mean', 'last'] as const) {
      withEncoder({ ...tiny, paddingId: 0, pooling }, (encoder) => {
        const ids = tf.tensor2d(
          [
            [3, 4, 5, 6],
            [7, 8, 9, 1],
          ],
          [2, 4],
          'int32',
        );
        const padded = tf.concat([ids, tf.zeros([2, 3], 'int32')], 1);
        expectTensorsClose(
          encoder.doEncodeSequence(padded, { training: false }).slice([0, 0, 0], [2, 4, 8]),
          encoder.doEncodeSequence(ids, { training: false }),
          { atol: 1e-5 },
        );
        expectTensorsClose(
          encoder.doEncode(padded, { training: false }),
          encoder.doEncode(ids, { training: false }),
          {
            atol: 1e-5,
          },
        );
      });
    }
  });

  it('incremental cached encoding equals the full forward pass', () => {
    withEncoder({ ...tiny, causal: true }, (encoder) => {
      const ids = seededIds(4, [2, 8]);
      const full = encoder.doEncodeSequence(ids, { training: false });
      const cache = encoder.createCache(2);
      const parts = [
        encoder.encodeIncremental(ids.slice([0, 0], [2, 5]), cache),
        encoder.encodeIncremental(ids.slice([0, 5], [2, 1]), cache),
        encoder.encodeIncremental(ids.slice([0, 6], [2, 2]), cache),
      ];
      expect(cache.length).toBe(8);
      expectTensorsClose(tf.concat(parts, 1), full, { atol: 1e-4 });
      expect(() => encoder.encodeIncremental(ids.slice([0, 0], [2, 1]), cache)).toThrow(
        /exceed maxLength 8/,
      );
      expect(() =>
        encoder.encodeIncremental(ids.slice([0, 0], [1, 1]), encoder.createCache(2)),
      ).toThrow(/holds 2 sequences/);
      cache.dispose();
      expect(() => encoder.encodeIncremental(ids.slice([0, 0], [2, 1]), cache)).toThrow(/disposed/);
    });
  });

  it('the cache owns its tensors: nothing leaks once it is disposed, even inside tf.tidy', async () => {
    const encoder = createTransformerEncoder({ ...tiny, causal: true });
    const ids = seededIds(5, [1, 4]);
    // Builds the causal masks of length 3 (a generation step of one token needs none).
    tf.dispose(encoder.doEncodeSequence(ids.slice([0, 0], [1, 3]), { training: false }));
    await expectNoTensorLeak(() => {
      const cache = encoder.createCache(1);
      tf.tidy(() => {
        encoder.encodeIncremental(ids.slice([0, 0], [1, 3]), cache);
      });
      tf.dispose(tf.tidy(() => encoder.encodeIncremental(ids.slice([0, 3], [1, 1]), cache)));
      expect(cache.length).toBe(4);
      cache.dispose();
    });
    ids.dispose();
    encoder.dispose();
  });

  it('forward + backward (training, dropout on) leaves no tensor behind', async () => {
    const encoder = createTransformerEncoder({ ...tiny, causal: true, dropout: 0.1 });
    const ids = seededIds(6, [2, 5]);
    tf.dispose(encoder.doEncode(ids, { training: false }));
    const variables = encoder.model.trainableWeights.map((weight) => weight.read() as tf.Variable);
    await expectNoTensorLeak(() => {
      const { value, grads } = tf.variableGrads(
        () => tf.sum(tf.square(encoder.doEncode(ids, { training: true }))) as tf.Scalar,
        variables,
      );
      expect(Object.keys(grads)).toHaveLength(variables.length);
      value.dispose();
      tf.dispose(grads);
    });
    ids.dispose();
    encoder.dispose();
  });

  it('loss gradients on wasm equal cpu (tied LM head)', async () => {
    const compute = () => {
      const encoder = createTransformerEncoder({ ...tiny, causal: true });
      randomizeWeights(encoder);
      const ids = seededIds(7, [2, 6]);
      const variables = encoder.model.trainableWeights.map(
        (weight) => weight.read() as tf.Variable,
      );
      const { value, grads } = tf.variableGrads(() => {
        const features = encoder
          .doEncodeSequence(ids, { training: false })
          .reshape([12, 8]) as tf.Tensor2D;
        const logits = tf.matMul(features, encoder.getTokenEmbeddings(), false, true);
        return tf.losses.softmaxCrossEntropy(
          tf.oneHot(ids.reshape([12]) as tf.Tensor1D, 13).cast('float32'),
          logits,
        );
      }, variables);
      const results = [
        value,
        ...variables.map((variable) => grads[variable.name] as tf.Tensor),
      ].map((t) => t.clone());
      encoder.dispose();
      return results;
    };
    const { reference, actual } = await computeOnBackends(compute);
    reference.forEach((expected, index) => {
      expectTensorsClose(actual[index] as Float32Array, expected, { label: `gradient ${index}` });
    });
  });

  it('getConfig and a save/load round trip rebuild the same encoder', async () => {
    registerSequenceLayers();
    const encoder = createTransformerEncoder({ ...tiny, causal: true, paddingId: 0 });
    randomizeWeights(encoder);
    const config = encoder.getConfig();
    expect(config).toMatchObject({
      type: 'transformer',
      causal: true,
      paddingId: 0,
      pooling: 'last',
      layers: 2,
    });
    expect(JSON.parse(JSON.stringify(config))).toEqual(config);
    const { type: _type, ...options } = config;
    const rebuilt = createTransformerEncoder(options as TransformerEncoderOptions);
    expect(rebuilt.getConfig()).toEqual(config);
    rebuilt.dispose();
    let saved: tf.io.ModelArtifacts | undefined;
    await encoder.model.save(
      tf.io.withSaveHandler(async (artifacts) => {
        saved = artifacts;
        return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
      }),
    );
    const loaded = TransformerEncoder.fromModel(
      await tf.loadLayersModel(tf.io.fromMemory(saved as tf.io.ModelArtifacts)),
      config,
    );
    const ids = seededIds(8, [2, 6]);
    for (const [a, b] of [
      [encoder.doEncode(ids, { training: false }), loaded.doEncode(ids, { training: false })],
      [
        encoder.doEncodeSequence(ids, { training: false }),
        loaded.doEncodeSequence(ids, { training: false }),
      ],
    ] as const) {
      expect(Array.from(b.dataSync())).toEqual(Array.from(a.dataSync()));
      tf.dispose([a, b]);
    }
    expect(() => TransformerEncoder.fromModel(loaded.model, { ...config, type: 'mlp' })).toThrow(
      /expected 'transformer'/,
    );
    expect(() => TransformerEncoder.fromModel(loaded.model, { ...config, layers: 3 })).toThrow(
      /no layer 'block_2'/,
    );
    ids.dispose();
    encoder.dispose();
    loaded.dispose();
  });
});
