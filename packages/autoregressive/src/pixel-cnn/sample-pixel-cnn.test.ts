import { initBackend } from '@selfsup/core';
import { expectNoTensorLeak } from '@selfsup/core/test';
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { createPixelCnn, type PixelCnn } from './pixel-cnn';
import { samplePixelCnn } from './sample-pixel-cnn';

/** Sets the output head's last bias, so that every pixel's logit is shifted by `value`. */
function shiftOutputBias(network: PixelCnn, value: number): void {
  const head = network.model.getLayer('pixel_cnn_output');
  // getWeights() returns the variables themselves: keep them, dispose only the new bias.
  const weights = head.getWeights();
  const bias = tf.fill(weights[3]!.shape, value);
  head.setWeights([...weights.slice(0, 3), bias]);
  bias.dispose();
}

describe('samplePixelCnn', () => {
  beforeAll(async () => {
    await initBackend({ backend: 'wasm', quiet: true });
  });

  it('draws binary images pixel by pixel, reproducibly per seed, without leaking', async () => {
    const network = createPixelCnn({ height: 5, width: 6, channels: 4, blocks: 2, seed: 1 });
    let first: tf.Tensor4D | undefined;
    const rows: number[] = [];
    await expectNoTensorLeak(async () => {
      first = await samplePixelCnn(network, {
        count: 3,
        seed: 4,
        onRow: (done) => rows.push(done),
      });
      first.dispose();
    });
    expect(rows).toEqual([1, 2, 3, 4, 5]);
    const a = await samplePixelCnn(network, { count: 3, seed: 4 });
    const b = await samplePixelCnn(network, { count: 3, seed: 4 });
    const c = await samplePixelCnn(network, { count: 3, seed: 5 });
    expect(a.shape).toEqual([3, 5, 6, 1]);
    expect(new Set(a.dataSync())).toEqual(new Set([0, 1]));
    expect(a.dataSync()).toEqual(b.dataSync());
    expect(c.dataSync()).not.toEqual(a.dataSync());
    tf.dispose([a, b, c]);
    network.dispose();
  });

  it('follows the model: all ones when every logit is large, all zeros when it is very negative', async () => {
    const network = createPixelCnn({ height: 4, width: 4, channels: 4, blocks: 2, seed: 2 });
    shiftOutputBias(network, 30);
    const ones = await samplePixelCnn(network, { count: 2, seed: 1 });
    expect(ones.min().dataSync()[0]).toBe(1);
    shiftOutputBias(network, -30);
    const zeros = await samplePixelCnn(network, { count: 2, seed: 1 });
    expect(zeros.max().dataSync()[0]).toBe(0);
    tf.dispose([ones, zeros]);
    network.dispose();
  });

  it('draws from the model distribution: empirical frequencies match the exact p(x) of every 3×2 image', async () => {
    const network = createPixelCnn({
      height: 3,
      width: 2,
      channels: 8,
      blocks: 2,
      firstKernelSize: 3,
      seed: 9,
    });
    // Sharpen the model (scale the last kernel) so its distribution is far from uniform.
    const head = network.model.getLayer('pixel_cnn_output');
    const weights = head.getWeights();
    const sharper = weights[2]!.mul(25);
    head.setWeights([weights[0]!, weights[1]!, sharper, weights[3]!]);
    sharper.dispose();
    const outcomes = 64;
    // Every binary 3×2 image, bit k of its code = pixel k in raster order, and its exact probability.
    const bits = new Float32Array(outcomes * 6);
    for (let code = 0; code < outcomes; code++)
      for (let pixel = 0; pixel < 6; pixel++) bits[code * 6 + pixel] = (code >> pixel) & 1;
    const everyImage = tf.tensor4d(bits, [outcomes, 3, 2, 1]);
    const probabilities = tf.tidy(() => {
      const logits = network.doLogits(everyImage, { training: false });
      const logProbability = tf.logSigmoid(logits.mul(everyImage.mul(2).sub(1)));
      return logProbability.sum([1, 2, 3]).exp();
    });
    const exact = Float32Array.from(probabilities.dataSync());
    expect(exact.reduce((sum, value) => sum + value, 0)).toBeCloseTo(1, 4);
    const count = 3000;
    const samples = await samplePixelCnn(network, { count, seed: 2 });
    const values = samples.dataSync();
    const frequencies = new Float64Array(outcomes);
    for (let image = 0; image < count; image++) {
      let code = 0;
      for (let pixel = 0; pixel < 6; pixel++) code += values[image * 6 + pixel]! * 2 ** pixel;
      frequencies[code]! += 1 / count;
    }
    let distance = 0;
    let fromUniform = 0;
    for (let code = 0; code < outcomes; code++) {
      distance += Math.abs(frequencies[code]! - exact[code]!) / 2;
      fromUniform += Math.abs(1 / outcomes - exact[code]!) / 2;
    }
    // Measured: 0.053 at 3,000 samples and 0.015 at 20,000 (sampling noise, ∝ 1/√n); 0.53 from uniform.
    expect(fromUniform).toBeGreaterThan(0.3);
    expect(distance).toBeLessThan(0.08);
    tf.dispose([everyImage, probabilities, samples]);
    network.dispose();
  });

  it('conditions on classes and checks them', async () => {
    const network = createPixelCnn({
      height: 4,
      width: 4,
      channels: 4,
      blocks: 2,
      classes: 3,
      seed: 3,
    });
    const samples = await samplePixelCnn(network, { count: 2, seed: 1, classes: [0, 2] });
    expect(samples.shape).toEqual([2, 4, 4, 1]);
    samples.dispose();
    await expect(samplePixelCnn(network, { count: 2, classes: [0] })).rejects.toThrow(
      /one class per image/,
    );
    await expect(samplePixelCnn(network, { count: 1, classes: [3] })).rejects.toThrow(/\[0, 3\)/);
    await expect(samplePixelCnn(network, { count: 0 })).rejects.toThrow(/count/);
    const unconditional = createPixelCnn({ height: 4, width: 4, channels: 4, blocks: 2 });
    await expect(samplePixelCnn(unconditional, { count: 1, classes: [0] })).rejects.toThrow(
      /unconditional/,
    );
    network.dispose();
    unconditional.dispose();
  });
});
