import { initBackend } from '@selfsup/core';
import { expectNoTensorLeak, expectTensorsClose } from '@selfsup/core/test';
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { createPixelCnn, type PixelCnn, pixelCnnEncoderFactory } from './pixel-cnn';
import { registerPixelCnnLayers } from './register-pixel-cnn-layers';

const height = 6;
const width = 7;
const pixels = height * width;

/**
 * |∂ logit(i) / ∂ x(j)| for every pair of pixels (raster order), summed over a batch of random
 * binary images (each image's logits only depend on that image, so the batch sum separates).
 */
function dependencies(network: PixelCnn, labels?: tf.Tensor1D): Float32Array[] {
  const images = tf.tidy(() =>
    tf.randomUniform([3, height, width, 1], 0, 1, 'float32', 11).less(0.5).cast('float32'),
  );
  const rows: Float32Array[] = [];
  for (let i = 0; i < pixels; i++) {
    const gradient = tf.tidy(() => {
      const select = tf
        .oneHot(tf.tensor1d([i], 'int32'), pixels)
        .cast('float32')
        .reshape([1, height, width, 1]);
      return tf
        .grad((x: tf.Tensor) =>
          network
            .doLogits(x, { training: false, ...(labels === undefined ? {} : { labels }) })
            .mul(select)
            .sum(),
        )(images)
        .abs()
        .sum(0)
        .reshape([pixels]);
    });
    rows.push(Float32Array.from(gradient.dataSync()));
    gradient.dispose();
  }
  images.dispose();
  return rows;
}

describe('createPixelCnn', () => {
  beforeAll(async () => {
    await initBackend({ backend: 'wasm', quiet: true });
  });

  it('makes each logit depend on every earlier pixel in its receptive field and on no later one (by gradient, on wasm)', () => {
    const network = createPixelCnn({
      height,
      width,
      channels: 4,
      blocks: 3,
      firstKernelSize: 3,
      seed: 3,
    });
    const jacobian = dependencies(network);
    for (let i = 0; i < pixels; i++) {
      const row = jacobian[i]!;
      // The autoregressive property: ∂logit(i)/∂x(j) = 0 exactly for j ≥ i (the pixel itself and later ones).
      for (let j = i; j < pixels; j++) expect(row[j], `logit ${i} depends on pixel ${j}`).toBe(0);
      const r = Math.floor(i / width);
      const c = i % width;
      // The pixel just left, and the pixels above, above-left and above-right: all seen.
      if (c > 0) expect(row[i - 1], `logit ${i} ignores its left neighbour`).toBeGreaterThan(0);
      if (r > 0) {
        for (const dc of [-1, 0, 1]) {
          if (c + dc < 0 || c + dc >= width) continue;
          expect(
            row[i - width + dc],
            `logit ${i} ignores pixel (${r - 1}, ${c + dc})`,
          ).toBeGreaterThan(0);
        }
      }
    }
    // No blind spot: pixel (3, 2) sees (1, 5), up-right beyond a masked 3×3 stack's reach, via the vertical stack.
    expect(jacobian[3 * width + 2]![1 * width + 5]).toBeGreaterThan(0);
    network.dispose();
  });

  it('keeps the property with a class-conditional bias, and the label changes the logits', () => {
    const network = createPixelCnn({
      height,
      width,
      channels: 4,
      blocks: 2,
      firstKernelSize: 3,
      classes: 3,
      seed: 4,
    });
    const labels = tf.tensor1d([0, 1, 2], 'int32');
    const jacobian = dependencies(network, labels);
    jacobian.forEach((row, i) => {
      for (let j = i; j < pixels; j++) expect(row[j]).toBe(0);
    });
    const images = tf.zeros([3, height, width, 1]);
    const first = network.doLogits(images, { training: false, labels });
    const second = network.doLogits(images, {
      training: false,
      labels: tf.tensor1d([1, 1, 1], 'int32'),
    });
    const difference = first.sub(second).abs().sum([1, 2, 3]).dataSync();
    expect(difference[0]).toBeGreaterThan(0);
    expect(difference[1]).toBe(0);
    expect(() =>
      createPixelCnn({ height, width }).doLogits(images, { training: false, labels }),
    ).toThrow(/unconditional/);
    network.dispose();
  });

  it('gives logits [B, H, W, 1], a pooled representation [B, C], row-causal outputs, and leaks nothing', async () => {
    const network = createPixelCnn({ height, width, channels: 8, blocks: 2, seed: 5 });
    expect(network.outputSize).toBe(8);
    expect(network.inputSpec).toEqual({
      modality: 'image',
      shape: [height, width, 1],
      dtype: 'float32',
    });
    const images = tf.tidy(() =>
      tf.randomUniform([2, height, width, 1], 0, 1, 'float32', 6).round(),
    );
    await expectNoTensorLeak(() => {
      tf.tidy(() => {
        const logits = network.doLogits(images, { training: true });
        expect(logits.shape).toEqual([2, height, width, 1]);
        expect(network.doEncode(images, { training: false }).shape).toEqual([2, 8]);
        // The first 3 rows alone give the same logits for those rows (what sampling relies on).
        const top = network.doLogits(images.slice([0, 0, 0, 0], [2, 3, width, 1]), {
          training: false,
        });
        expectTensorsClose(top, logits.slice([0, 0, 0, 0], [2, 3, width, 1]), { label: 'rows' });
      });
    });
    expect(() => network.doLogits(tf.zeros([1, height, width, 3]), { training: false })).toThrow(
      /\[B, H, W, 1\]/,
    );
    expect(() => createPixelCnn({ kernelSize: 4 })).toThrow(/odd integer/);
    expect(() => createPixelCnn({ channels: 0 })).toThrow(/channels must be a positive integer/);
    expect(() => createPixelCnn({ outputBias: Number.NaN })).toThrow(/outputBias must be finite/);
    const biased = createPixelCnn({ height, width, channels: 4, blocks: 1, outputBias: -1.9 });
    // The output bias starts at outputBias: the logit every pixel starts from.
    expect(biased.model.getLayer('pixel_cnn_output').getWeights()[3]!.dataSync()[0]).toBeCloseTo(
      -1.9,
      6,
    );
    biased.dispose();
    images.dispose();
    network.dispose();
  });

  it('saves and loads as a tf.LayersModel (after registerPixelCnnLayers) with the same logits', async () => {
    registerPixelCnnLayers();
    const network = createPixelCnn({ height, width, channels: 4, blocks: 2, classes: 2, seed: 7 });
    let artifacts: tf.io.ModelArtifacts | undefined;
    await network.model.save(
      tf.io.withSaveHandler(async (saved) => {
        artifacts = saved;
        return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
      }),
    );
    const loaded = pixelCnnEncoderFactory.fromModel(
      await tf.loadLayersModel(tf.io.fromMemory(artifacts!)),
      network.getConfig(),
    ) as PixelCnn;
    expect(loaded.getConfig()).toEqual(network.getConfig());
    const images = tf.tidy(() =>
      tf.randomUniform([2, height, width, 1], 0, 1, 'float32', 8).round(),
    );
    const labels = tf.tensor1d([1, 0], 'int32');
    expectTensorsClose(
      loaded.doLogits(images, { training: false, labels }),
      network.doLogits(images, { training: false, labels }),
      { label: 'loaded' },
    );
    const rebuilt = pixelCnnEncoderFactory.create(network.getConfig()) as PixelCnn;
    expectTensorsClose(
      rebuilt.doLogits(images, { training: false, labels }),
      network.doLogits(images, { training: false, labels }),
      { label: 'same seed' },
    );
    tf.dispose([images, labels]);
    for (const model of [network, loaded, rebuilt]) model.dispose();
  });
});
