import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../backend/init-backend';
import { registerSequenceLayers } from '../layers/register-sequence-layers';
import { SeededRandom } from '../random/seeded-random';
import { computeOnBackends, expectTensorsClose } from '../test/compare-tensors';
import { expectNoTensorLeak } from '../test/expect-no-tensor-leak';
import type { VitEncoderOptions } from './vit-encoder';
import { createVitEncoder, VitEncoder } from './vit-encoder';

const tiny = {
  imageShape: [4, 6, 2],
  patchSize: 2,
  embeddingSize: 8,
  layers: 2,
  heads: 2,
  seed: 5,
} as const satisfies VitEncoderOptions;

function seededImages(seed: number, batch: number): tf.Tensor4D {
  const random = new SeededRandom(seed);
  return tf.tensor4d(
    Float32Array.from({ length: batch * 48 }, () => random.nextFloat()),
    [batch, 4, 6, 2],
  );
}

function randomizeWeights(encoder: VitEncoder): void {
  const random = new SeededRandom(13);
  const replacements = encoder.model.getWeights().map((weight) =>
    tf.tensor(
      Float32Array.from({ length: weight.size }, () => random.nextNormal() * 0.3),
      weight.shape,
    ),
  );
  encoder.model.setWeights(replacements);
  tf.dispose(replacements);
}

function withEncoder(options: VitEncoderOptions, run: (encoder: VitEncoder) => void): void {
  const encoder = createVitEncoder(options);
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

describe('createVitEncoder', () => {
  it('gives [B, N + 1, D] features equal to the model and pooled [B, D]', () => {
    for (const classToken of [true, false]) {
      withEncoder({ ...tiny, classToken }, (encoder) => {
        expect(encoder.numPatches).toBe(6);
        const images = seededImages(1, 3);
        const features = encoder.doEncodeSequence(images, { training: false });
        expect(features.shape).toEqual([3, classToken ? 7 : 6, 8]);
        expectTensorsClose(features, encoder.model.predict(images) as tf.Tensor);
        const pooled = encoder.doEncode(images, { training: false });
        expect(pooled.shape).toEqual([3, 8]);
        const expected = classToken
          ? features.slice([0, 0, 0], [3, 1, 8]).reshape([3, 8])
          : features.mean(1);
        expectTensorsClose(pooled, expected);
      });
    }
  });

  it('patchify and unpatchify round trip with the encoder geometry', () => {
    withEncoder(tiny, (encoder) => {
      const images = seededImages(2, 2);
      const patches = encoder.patchify(images);
      expect(patches.shape).toEqual([2, 6, 8]);
      expectTensorsClose(encoder.unpatchify(patches), images);
    });
  });

  it('rejects bad options and inputs with clear messages', () => {
    expect(() => createVitEncoder({ ...tiny, patchSize: 4 })).toThrow(/patchSize must divide/);
    expect(() => createVitEncoder({ ...tiny, heads: 3 })).toThrow(/heads must divide/);
    expect(() => createVitEncoder({ ...tiny, classToken: false, pooling: 'class' })).toThrow(
      /classToken/,
    );
    withEncoder(tiny, (encoder) => {
      expect(() => encoder.doEncode(tf.zeros([1, 4, 4, 2]), { training: false })).toThrow(
        /\[B, 4, 6, 2\]/,
      );
      expect(() => encoder.encodePatches(seededImages(3, 1), tf.zeros([1, 2]))).toThrow(/int32/);
      expect(() =>
        encoder.encodePatches(seededImages(3, 1), tf.tensor2d([[0, 6]], [1, 2], 'int32')),
      ).toThrow(/patch index 6 is outside \[0, 6\)/);
    });
  });

  it('encodePatches with every patch in order equals the full encoding', () => {
    withEncoder(tiny, (encoder) => {
      const images = seededImages(4, 2);
      const all = tf.tensor2d([0, 1, 2, 3, 4, 5, 0, 1, 2, 3, 4, 5], [2, 6], 'int32');
      expectTensorsClose(
        encoder.encodePatches(images, all),
        encoder.doEncodeSequence(images, { training: false }),
      );
    });
  });

  it('encodePatches follows its index order, per image (patches keep their positions)', () => {
    withEncoder({ ...tiny, classToken: false }, (encoder) => {
      const images = seededImages(5, 2);
      const permutation = [
        [3, 0, 5, 1, 4, 2],
        [5, 4, 3, 2, 1, 0],
      ];
      const permuted = encoder.encodePatches(images, tf.tensor2d(permutation, [2, 6], 'int32'));
      const full = encoder.doEncodeSequence(images, { training: false });
      const expected = tf.stack(
        permutation.map((order, image) =>
          tf.gather(full.slice([image, 0, 0], [1, 6, 8]).reshape([6, 8]), order),
        ),
      );
      expectTensorsClose(permuted, expected, { atol: 1e-5 });
    });
  });

  it('encodePatches ignores the pixels of patches it does not keep', () => {
    withEncoder(tiny, (encoder) => {
      const images = seededImages(6, 1);
      const keep = tf.tensor2d([[4, 1]], [1, 2], 'int32');
      // Change patch 0 (rows 0–1, columns 0–1) and patch 5.
      const mask = tf.tensor4d(
        Float32Array.from({ length: 48 }, (_, index) => {
          const row = Math.floor(index / 12);
          const column = Math.floor((index % 12) / 2);
          return (row < 2 && column < 2) || (row >= 2 && column >= 4) ? 1 : 0;
        }),
        [1, 4, 6, 2],
      );
      const changed = images.add(mask.mul(0.7));
      const kept = encoder.encodePatches(images, keep);
      expect(kept.shape).toEqual([1, 3, 8]);
      expectTensorsClose(encoder.encodePatches(changed, keep), kept);
      const full = encoder.doEncodeSequence(changed, { training: false });
      expect(
        tf
          .abs(full.sub(encoder.doEncodeSequence(images, { training: false })))
          .max()
          .dataSync()[0],
      ).toBeGreaterThan(1e-3);
    });
  });

  it('forward + backward of encodePatches and doEncode leave no tensor behind', async () => {
    const encoder = createVitEncoder({ ...tiny, dropout: 0.1 });
    const images = seededImages(7, 2);
    const keep = tf.tensor2d(
      [
        [0, 3, 5],
        [2, 1, 4],
      ],
      [2, 3],
      'int32',
    );
    tf.dispose(encoder.doEncode(images, { training: false }));
    const variables = encoder.model.trainableWeights.map((weight) => weight.read() as tf.Variable);
    await expectNoTensorLeak(() => {
      const { value, grads } = tf.variableGrads(
        () =>
          tf.add(
            tf.sum(tf.square(encoder.encodePatches(images, keep, { training: true }))),
            tf.sum(encoder.doEncode(images, { training: true })),
          ) as tf.Scalar,
        variables,
      );
      expect(Object.keys(grads)).toHaveLength(variables.length);
      value.dispose();
      tf.dispose(grads);
    });
    tf.dispose([images, keep]);
    encoder.dispose();
  });

  it('encodePatches gradients on wasm equal cpu', async () => {
    const compute = () => {
      const encoder = createVitEncoder(tiny);
      randomizeWeights(encoder);
      const images = seededImages(8, 2);
      const keep = tf.tensor2d(
        [
          [0, 3, 5],
          [2, 1, 4],
        ],
        [2, 3],
        'int32',
      );
      const probe = tf.tensor(
        Float32Array.from({ length: 2 * 4 * 8 }, (_, index) => Math.sin(index)),
        [2, 4, 8],
      );
      const variables = encoder.model.trainableWeights.map(
        (weight) => weight.read() as tf.Variable,
      );
      const { value, grads } = tf.variableGrads(
        () => tf.sum(encoder.encodePatches(images, keep).mul(probe)) as tf.Scalar,
        variables,
      );
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
    const encoder = createVitEncoder(tiny);
    randomizeWeights(encoder);
    const config = encoder.getConfig();
    expect(config).toMatchObject({ type: 'vit', patchSize: 2, classToken: true, pooling: 'class' });
    const { type: _type, ...options } = config;
    const rebuilt = createVitEncoder(options as VitEncoderOptions);
    expect(rebuilt.getConfig()).toEqual(config);
    rebuilt.dispose();
    let saved: tf.io.ModelArtifacts | undefined;
    await encoder.model.save(
      tf.io.withSaveHandler(async (artifacts) => {
        saved = artifacts;
        return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
      }),
    );
    const loaded = VitEncoder.fromModel(
      await tf.loadLayersModel(tf.io.fromMemory(saved as tf.io.ModelArtifacts)),
      config,
    );
    const images = seededImages(9, 2);
    const keep = tf.tensor2d(
      [
        [1, 2],
        [5, 0],
      ],
      [2, 2],
      'int32',
    );
    for (const [a, b] of [
      [encoder.doEncode(images, { training: false }), loaded.doEncode(images, { training: false })],
      [encoder.encodePatches(images, keep), loaded.encodePatches(images, keep)],
    ] as const) {
      expect(Array.from(b.dataSync())).toEqual(Array.from(a.dataSync()));
      tf.dispose([a, b]);
    }
    tf.dispose([images, keep]);
    encoder.dispose();
    loaded.dispose();
  });
});
