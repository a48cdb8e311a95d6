import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  collectTrainableParameters,
  createTransformerEncoder,
  evaluate,
  finetune,
  initBackend,
  pretrain,
  restoreCheckpoint,
  SeededRandom,
  saveCheckpoint,
} from '@selfsup/core';
import { expectNoTensorLeak } from '@selfsup/core/test';
import {
  distinctCharacters,
  encodeCharacters,
  loadMobyDick,
  tokenWindowSource,
} from '@selfsup/data';
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { createGpt } from './gpt';
import { perplexity } from './perplexity';

const tiny = { vocabularySize: 11, blockSize: 8, layers: 2, heads: 2, embeddingSize: 16 };

describe('createGpt', () => {
  beforeAll(async () => {
    await initBackend({ backend: 'wasm', quiet: true });
  });

  it('is causal: changing a future token never changes the logits of earlier positions', () => {
    const gpt = createGpt({ ...tiny, seed: 3 });
    const ids = [1, 4, 2, 7, 3, 9, 0, 5];
    const changed = [...ids];
    changed[5] = 6;
    const [original, altered] = tf.tidy(() => [
      gpt.logits(tf.tensor2d([ids], [1, 8], 'int32'), { training: false }).arraySync()[0]!,
      gpt.logits(tf.tensor2d([changed], [1, 8], 'int32'), { training: false }).arraySync()[0]!,
    ]);
    for (let position = 0; position < 5; position++) {
      expect(altered[position]).toEqual(original[position]);
    }
    const difference = (position: number) =>
      Math.max(
        ...original[position]!.map((value, index) => Math.abs(value - altered[position]![index]!)),
      );
    expect(difference(5)).toBeGreaterThan(1e-4);
    expect(difference(7)).toBeGreaterThan(1e-4);
    gpt.dispose();
  });

  it('ties the output projection to the token embeddings and has no head of its own', () => {
    const gpt = createGpt({ ...tiny, seed: 4 });
    expect(Object.keys(gpt.heads)).toEqual([]);
    tf.tidy(() => {
      const tokens = tf.tensor2d([[1, 2, 3]], [1, 3], 'int32');
      const features = gpt.encoder.doEncodeSequence(tokens, { training: false }).reshape([3, 16]);
      const expected = tf.matMul(features, gpt.encoder.getTokenEmbeddings(), false, true);
      const logits = gpt.logits(tokens, { training: false }).reshape([3, 11]);
      expect(tf.max(tf.abs(tf.sub(logits, expected))).dataSync()[0]).toBeLessThan(1e-5);
    });
    gpt.dispose();
  });

  it("freezes biases and LayerNorm offsets by default: nanoGPT's parameter count, biases stay 0", async () => {
    // nanoGPT (bias=False): V·D + L·D + layers·(12·D² + 2·D) + D, the embedding counted once.
    const gpt = createGpt({ ...tiny, seed: 5 });
    const { vocabularySize: V, blockSize: L, layers, embeddingSize: D } = tiny;
    const count = collectTrainableParameters(gpt).reduce((sum, p) => sum + p.variable.size, 0);
    expect(count).toBe(V * D + L * D + layers * (12 * D * D + 2 * D) + D);
    const withBias = createGpt({ ...tiny, seed: 5, bias: true });
    const countWithBias = collectTrainableParameters(withBias).reduce(
      (sum, p) => sum + p.variable.size,
      0,
    );
    expect(countWithBias).toBe(count + layers * (3 * D + D + 4 * D + D + 2 * D) + D);
    withBias.dispose();
    const data = Array.from({ length: 4 }, (_, row) =>
      Array.from({ length: 9 }, (_, column) => (row + column) % V),
    );
    await pretrain(gpt, [tf.tensor2d(data, [4, 9], 'int32')], { steps: 1, learningRate: 1e-2 });
    const biases = gpt.encoder.model.weights.filter((weight) =>
      /(bias|beta)$/.test(weight.originalName),
    );
    expect(biases.length).toBe(layers * 6 + 1);
    for (const bias of biases)
      expect(tf.tidy(() => tf.max(tf.abs(bias.read())).dataSync()[0])).toBe(0);
    gpt.dispose();
  });

  it('rejects a bidirectional encoder, a missing vocabulary and float tokens, with the fix', () => {
    const bidirectional = createTransformerEncoder({
      vocabularySize: 5,
      maxLength: 4,
      embeddingSize: 8,
      layers: 1,
      heads: 2,
    });
    expect(() => createGpt({ encoder: bidirectional })).toThrow(/causal/);
    expect(() => createGpt({ encoder: bidirectional, layers: 2 })).toThrow(/either an encoder/);
    bidirectional.dispose();
    expect(() => createGpt({})).toThrow(/vocabularySize/);
    const gpt = createGpt({ ...tiny });
    const floats = tf.zeros([2, 5]) as tf.Tensor2D;
    expect(() => gpt.doLoss(floats, { step: 0, seed: 0, training: true })).toThrow(/int32/);
    floats.dispose();
    gpt.dispose();
  });

  it('leaks no tensor in its loss or in a pretrain step, and ignores negative targets', async () => {
    const gpt = createGpt({ ...tiny, seed: 6 });
    const inputs = tf.tensor2d(
      [
        [1, 2, 3, 4],
        [5, 6, 7, 8],
      ],
      [2, 4],
      'int32',
    );
    const targets = tf.tensor2d(
      [
        [2, 3, 4, -1],
        [6, 7, 8, 9],
      ],
      [2, 4],
      'int32',
    );
    // The first pass builds each block's causal mask for this length (cached, owned by the block).
    tf.tidy(() => gpt.doLoss({ inputs, targets }, { step: 0, seed: 0, training: true }).loss);
    await expectNoTensorLeak(() => {
      const values = tf.tidy(() => {
        const { loss, metrics } = gpt.doLoss(
          { inputs, targets },
          { step: 0, seed: 0, training: true },
        );
        return [loss.dataSync()[0]!, metrics?.accuracy?.dataSync()[0] ?? Number.NaN];
      });
      expect(Number.isFinite(values[0])).toBe(true);
      // An ignored target changes nothing: dropping the last column of row 0 by hand gives the same loss.
      const manual = tf.tidy(() => {
        const logits = gpt.logits(inputs, { training: false }).reshape([8, 11]);
        const logProbabilities = tf.logSoftmax(logits).arraySync() as number[][];
        const flatTargets = targets.reshape([8]).arraySync() as number[];
        const kept = flatTargets.flatMap((target, row) =>
          target < 0 ? [] : [-logProbabilities[row]![target]!],
        );
        return kept.reduce((sum, value) => sum + value, 0) / kept.length;
      });
      expect(values[0]).toBeCloseTo(manual, 4);
    });
    await expectNoTensorLeak(async () => {
      const windows = tf.tensor2d(
        [
          [1, 2, 3, 4, 5],
          [6, 7, 8, 9, 10],
        ],
        [2, 5],
        'int32',
      );
      await pretrain(gpt, [windows], { steps: 1 });
    });
    tf.dispose([inputs, targets]);
    gpt.dispose();
  });

  it('learns Moby Dick characters: validation loss falls far below the untrained model', async () => {
    const { text } = loadMobyDick();
    const sample = text.slice(0, 24_000);
    const characters = distinctCharacters([sample]);
    const ids = encodeCharacters(sample, characters);
    const train = ids.subarray(0, 20_000);
    const validation = ids.subarray(20_000);
    const gpt = createGpt({
      vocabularySize: characters.length,
      blockSize: 32,
      layers: 2,
      heads: 2,
      embeddingSize: 32,
      seed: 1,
    });
    const before = await perplexity(gpt, validation.subarray(0, 1000), { batchSize: 32 });
    expect(before.loss).toBeGreaterThan(Math.log(characters.length) - 0.3);
    const result = await pretrain(gpt, tokenWindowSource(train, { blockSize: 32, batchSize: 8 }), {
      steps: 40,
      learningRate: 1e-2,
      warmupSteps: 5,
      beta2: 0.99,
      weightDecay: 0.1,
      clipNorm: 1,
      seed: 1,
    });
    const after = await perplexity(gpt, validation.subarray(0, 1000), { batchSize: 32 });
    // Character frequencies alone are worth ~1 nat below uniform; 40 small steps get there.
    expect(after.loss).toBeLessThan(before.loss - 1);
    expect(result.history.at(-1)!).toBeLessThan(result.history[0]! - 1);
    gpt.dispose();
  });

  it('transfers through EncoderV1: pooled features are the last position, and a linear probe learns from them', async () => {
    const gpt = createGpt({ ...tiny, seed: 9 });
    const random = new SeededRandom(9);
    const rows = Array.from({ length: 160 }, () =>
      Array.from({ length: 6 }, () => random.nextInt(11)),
    );
    // Label: is the last token below 5? Only the pooled (last) feature can tell.
    const labels = rows.map((row) => (row[5]! < 5 ? 1 : 0));
    const inputs = tf.tensor2d(rows, [160, 6], 'int32');
    tf.tidy(() => {
      const pooled = gpt.encoder.doEncode(inputs, { training: false });
      const last = gpt.encoder
        .doEncodeSequence(inputs, { training: false })
        .slice([0, 5, 0], [160, 1, 16])
        .reshape([160, 16]);
      expect(tf.max(tf.abs(tf.sub(pooled, last))).dataSync()[0]).toBeLessThan(1e-6);
    });
    const train = { inputs: inputs.slice([0, 0], [120, 6]), labels: labels.slice(0, 120) };
    const test = { inputs: inputs.slice([120, 0], [40, 6]), labels: labels.slice(120) };
    const model = await finetune(gpt.encoder, train, { mode: 'linear-probe', epochs: 30, seed: 1 });
    const report = await evaluate(model, test);
    expect('accuracy' in report && report.accuracy).toBeGreaterThan(0.8); // chance is about 0.5
    model.dispose();
    tf.dispose([inputs, train.inputs, test.inputs]);
    gpt.dispose();
  });

  it('saves and restores through core checkpoints (same logits)', async () => {
    const directory = mkdtempSync(join(tmpdir(), 'gpt-checkpoint-'));
    try {
      const gpt = createGpt({ ...tiny, seed: 7 });
      await saveCheckpoint(join(directory, 'final'), gpt, { step: 0 });
      const restored = createGpt({ ...tiny, seed: 8 });
      const tokens = tf.tensor2d([[3, 1, 4, 1, 5]], [1, 5], 'int32');
      const logitsOf = (model: typeof gpt) =>
        tf.tidy(() => model.logits(tokens, { training: false }).arraySync());
      expect(logitsOf(restored)).not.toEqual(logitsOf(gpt));
      await restoreCheckpoint(join(directory, 'final'), restored);
      expect(logitsOf(restored)).toEqual(logitsOf(gpt));
      tokens.dispose();
      gpt.dispose();
      restored.dispose();
    } finally {
      rmSync(directory, { recursive: true, force: true });
    }
  });
});
