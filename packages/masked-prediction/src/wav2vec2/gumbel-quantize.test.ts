import { initBackend } from '@selfsup/core';
import { computeOnBackends, expectNoTensorLeak, expectTensorsClose } from '@selfsup/core/test';
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { gumbelQuantize } from './gumbel-quantize';
import { GumbelVectorQuantizer } from './gumbel-vector-quantizer';

const groups = 2;
const codes = 5;
const size = 3;
const rows = 12;

const randomLogits = (seed: number, scale = 2) =>
  tf.randomNormal([rows, groups * codes], 0, scale, 'float32', seed) as tf.Tensor2D;
const randomCodebook = (seed: number) =>
  tf.randomUniform([groups * codes, size], -1, 1, 'float32', seed) as tf.Tensor2D;

describe('gumbelQuantize', () => {
  beforeAll(async () => {
    await initBackend({ backend: 'wasm', quiet: true });
  });

  it('outputs, per group, exactly the codeword of the chosen code', () => {
    tf.tidy(() => {
      const codebook = randomCodebook(2);
      const result = gumbelQuantize(randomLogits(1), codebook, { groups, temperature: 2, seed: 3 });
      expect(result.quantized.shape).toEqual([rows, groups * size]);
      expect(result.codes.shape).toEqual([rows, groups]);
      const quantized = result.quantized.arraySync();
      const chosen = result.codes.arraySync();
      const entries = codebook.arraySync();
      for (let row = 0; row < rows; row++) {
        for (let group = 0; group < groups; group++) {
          const code = chosen[row]![group]!;
          expect(code).toBeGreaterThanOrEqual(0);
          expect(code).toBeLessThan(codes);
          const expected = entries[group * codes + code]!;
          const actual = quantized[row]!.slice(group * size, (group + 1) * size);
          expectTensorsClose(actual, expected, { label: `row ${row} group ${group}` });
        }
      }
    });
  });

  it('bounds both perplexities by G and G·V, reaching G·V for uniform logits and G for one code', () => {
    tf.tidy(() => {
      const codebook = randomCodebook(2);
      for (const seed of [1, 2, 3]) {
        const result = gumbelQuantize(randomLogits(seed, 3), codebook, { groups, seed });
        for (const perplexity of [result.codePerplexity, result.probabilityPerplexity]) {
          const value = perplexity.dataSync()[0]!;
          expect(value).toBeGreaterThanOrEqual(groups - 1e-4);
          expect(value).toBeLessThanOrEqual(groups * codes + 1e-4);
        }
        expectTensorsClose(tf.sum(result.averageProbabilities, 1), tf.ones([groups]));
      }
      const uniform = gumbelQuantize(tf.zeros([rows, groups * codes]), codebook, { groups });
      expect(uniform.probabilityPerplexity.dataSync()[0]).toBeCloseTo(groups * codes, 3);
      // Every row prefers code 1 of each group by far: one code in use per group.
      const peaked = tf.tile(tf.tensor2d([[0, 50, 0, 0, 0, 0, 50, 0, 0, 0]]), [
        rows,
        1,
      ]) as tf.Tensor2D;
      const collapsed = gumbelQuantize(peaked, codebook, { groups, seed: 4 });
      expect(collapsed.codePerplexity.dataSync()[0]).toBeCloseTo(groups, 3);
      expect(collapsed.probabilityPerplexity.dataSync()[0]).toBeCloseTo(groups, 3);
      expect(Array.from(collapsed.codes.dataSync())).toEqual(new Array(rows * groups).fill(1));
    });
  });

  it('is hard forward and soft backward (straight-through), on wasm as on cpu', async () => {
    const weights = tf.randomNormal([rows, groups * size], 0, 1, 'float32', 9);
    const logits = randomLogits(1);
    const codebook = randomCodebook(2);
    const temperature = 1.5;
    const seed = 3;
    const [hardGradient] = tf.grads((input: tf.Tensor) =>
      tf.sum(
        tf.mul(
          gumbelQuantize(input as tf.Tensor2D, codebook, { groups, temperature, seed }).quantized,
          weights,
        ),
      ),
    )([logits]);
    // The soft relaxation with the same noise: softmax((l + n)/τ) times the block codebook.
    const [softGradient] = tf.grads((input: tf.Tensor) => {
      const uniform = tf.randomUniform([rows * groups, codes], 1e-6, 1 - 1e-6, 'float32', seed);
      const noisy = tf.add(
        tf.reshape(input, [rows * groups, codes]),
        tf.neg(tf.log(tf.neg(tf.log(uniform)))),
      );
      const soft = tf.reshape(tf.softmax(tf.div(noisy, temperature)), [rows, groups, codes]);
      const parts = Array.from({ length: groups }, (_, group) =>
        tf.matMul(
          tf.reshape(tf.slice(soft, [0, group, 0], [rows, 1, codes]), [rows, codes]),
          tf.slice(codebook, [group * codes, 0], [codes, size]),
        ),
      );
      return tf.sum(tf.mul(tf.concat(parts, 1), weights));
    })([logits]);
    expect(tf.norm(hardGradient!).dataSync()[0]).toBeGreaterThan(1e-4);
    expectTensorsClose(hardGradient!, softGradient!, { rtol: 1e-3, atol: 1e-5 });
    // The codebook gets gradient only at chosen codewords.
    const [codebookGradient] = tf.grads((book: tf.Tensor) =>
      tf.sum(
        tf.mul(
          gumbelQuantize(logits, book as tf.Tensor2D, { groups, temperature, seed }).quantized,
          weights,
        ),
      ),
    )([codebook]);
    const used = new Set(
      Array.from(
        gumbelQuantize(logits, codebook, { groups, temperature, seed }).codes.dataSync(),
        (code, index) => (index % groups) * codes + code,
      ),
    );
    const rowsOfGradient = codebookGradient!.arraySync() as number[][];
    rowsOfGradient.forEach((row, entry) => {
      const touched = row.some((value) => value !== 0);
      expect(touched).toBe(used.has(entry));
    });
    tf.dispose([weights, logits, codebook, hardGradient!, softGradient!, codebookGradient!]);
    const { reference, actual } = await computeOnBackends(() => {
      const result = gumbelQuantize(
        tf.tensor2d(
          Array.from({ length: rows * groups * codes }, (_, i) => Math.sin(i)),
          [rows, groups * codes],
        ),
        tf.tensor2d(
          Array.from({ length: groups * codes * size }, (_, i) => Math.cos(i)),
          [groups * codes, size],
        ),
        { groups },
      );
      return [result.quantized, result.codePerplexity, result.probabilityPerplexity];
    });
    reference.forEach((values, index) => {
      expectTensorsClose(actual[index]!, values);
    });
  });

  it('leaks no tensor and explains bad shapes', async () => {
    const logits = randomLogits(1);
    const codebook = randomCodebook(2);
    const variable = tf.variable(codebook, true, 'gumbel_codebook_test');
    await expectNoTensorLeak(() => {
      const result = gumbelQuantize(logits, codebook, { groups, seed: 1 });
      tf.dispose(Object.values(result));
      const { value, grads } = tf.variableGrads(
        () =>
          tf.tidy(
            () =>
              tf.sum(gumbelQuantize(logits, variable, { groups, seed: 1 }).quantized) as tf.Scalar,
          ),
        [variable],
      );
      tf.dispose([value, ...Object.values(grads)]);
    });
    variable.dispose();
    expect(() => gumbelQuantize(logits, codebook, { groups: 3 })).toThrow(/divid/);
    expect(() => gumbelQuantize(logits, tf.zeros([4, size]) as tf.Tensor2D, { groups })).toThrow(
      /one row per logit column/,
    );
    expect(() => gumbelQuantize(logits, codebook, { temperature: 0 })).toThrow(/temperature/);
    tf.dispose([logits, codebook]);
  });

  it('GumbelVectorQuantizer applies it to feature rows and leaks nothing', async () => {
    const quantizer = new GumbelVectorQuantizer({
      inputShape: [8],
      groups,
      codes,
      codewordSize: size,
      seed: 4,
    });
    const head = tf.sequential({ layers: [quantizer] });
    const features = tf.randomNormal([rows, 8], 0, 1, 'float32', 5) as tf.Tensor2D;
    await expectNoTensorLeak(() => {
      const applied = quantizer.apply(features) as tf.Tensor;
      expect(applied.shape).toEqual([rows, groups * size]);
      const result = quantizer.quantize(features, { temperature: 1 });
      expectTensorsClose(applied, result.quantized);
      tf.dispose([applied, ...Object.values(result)]);
    });
    expect(quantizer.trainableWeights.map((weight) => weight.shape)).toEqual([
      [8, groups * codes],
      [groups * codes],
      [groups * codes, size],
    ]);
    expect(() => new GumbelVectorQuantizer({ codes: 1 })).toThrow(/codes must be ≥ 2/);
    head.dispose();
    features.dispose();
  });
});
