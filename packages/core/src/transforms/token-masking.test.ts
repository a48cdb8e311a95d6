import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../backend/init-backend';
import { SeededRandom } from '../random/seeded-random';
import type { TokenizerV1 } from '../spec/tokenizer-v1';
import { expectNoTensorLeak } from '../test/expect-no-tensor-leak';
import { maskTokens, tokenMaskingOptionsFromTokenizer } from './token-masking';

beforeAll(async () => {
  await initBackend({ backend: 'wasm' });
});

const padding = 0;
const classification = 1;
const separator = 2;
const maskId = 3;
const vocabularySize = 50;
const options = { vocabularySize, maskId, protectedIds: [padding, classification, separator] };

/** `[batch, length]` ids: [CLS] words… [SEP] then padding, with random lengths; row 0 is all padding. */
function makeBatch(
  batchSize: number,
  length: number,
  seed: number,
): { ids: number[][]; tensor: tf.Tensor2D } {
  const random = new SeededRandom(seed);
  const ids = Array.from({ length: batchSize }, (_, row) => {
    const used = row === 0 ? 0 : 3 + random.nextInt(length - 2);
    return Array.from({ length }, (_, position) => {
      if (position >= used) return padding;
      if (position === 0) return classification;
      if (position === used - 1) return separator;
      return 4 + random.nextInt(vocabularySize - 4);
    });
  });
  return { ids, tensor: tf.tensor2d(ids, [batchSize, length], 'int32') };
}

function rows(tensor: tf.Tensor): number[][] {
  return tensor.arraySync() as number[][];
}

describe('maskTokens', () => {
  it('selects round(15%) of the maskable positions of each sequence, never a protected one, at least one', () => {
    const { ids, tensor } = makeBatch(64, 48, 1);
    const result = maskTokens(tensor, 5, options);
    const weights = rows(result.weights);
    let selected = 0;
    let maskable = 0;
    ids.forEach((row, index) => {
      const maskablePositions = row.filter((id) => id >= 4).length;
      const chosen = weights[index]!.reduce((sum, weight) => sum + weight, 0);
      const expected =
        maskablePositions === 0 ? 0 : Math.max(1, Math.round(0.15 * maskablePositions));
      // At an exact half (e.g. 0.15 · 10 = 1.5) float32 rounding may go either way.
      const atHalf = Math.abs(((0.15 * maskablePositions) % 1) - 0.5) < 1e-6;
      expect(Math.abs(chosen - expected)).toBeLessThanOrEqual(atHalf ? 1 : 0);
      row.forEach((id, position) => {
        if (id < 4) expect(weights[index]![position]).toBe(0);
      });
      selected += chosen;
      maskable += maskablePositions;
    });
    expect(weights[0]!.every((weight) => weight === 0)).toBe(true);
    expect(selected / maskable).toBeGreaterThan(0.13);
    expect(selected / maskable).toBeLessThan(0.17);
    expect(rows(result.labels)).toEqual(ids);
    expect(result.inputs.dtype).toBe('int32');
    expect(result.weights.dtype).toBe('float32');
    tf.dispose([tensor, result.inputs, result.labels, result.weights]);
  });

  it('replaces 80% by [MASK], 10% by a random non-special token and keeps 10%, and leaves the rest alone', () => {
    const { ids, tensor } = makeBatch(128, 64, 2);
    const result = maskTokens(tensor, 9, options);
    const inputs = rows(result.inputs);
    const weights = rows(result.weights);
    let masked = 0;
    let replaced = 0;
    let kept = 0;
    const randomTokens = new Set<number>();
    ids.forEach((row, index) => {
      row.forEach((id, position) => {
        const input = inputs[index]![position]!;
        if (weights[index]![position] === 0) {
          expect(input).toBe(id);
          return;
        }
        if (input === maskId) masked += 1;
        else if (input === id) kept += 1;
        else {
          replaced += 1;
          randomTokens.add(input);
          expect(input).toBeGreaterThanOrEqual(4);
          expect(input).toBeLessThan(vocabularySize);
        }
      });
    });
    const total = masked + replaced + kept;
    expect(total).toBeGreaterThan(500);
    expect(masked / total).toBeGreaterThan(0.76);
    expect(masked / total).toBeLessThan(0.84);
    // A random replacement equals the original id 1 time in 46: count those as kept.
    expect(replaced / total).toBeGreaterThan(0.07);
    expect(replaced / total).toBeLessThan(0.13);
    expect(kept / total).toBeGreaterThan(0.07);
    expect(kept / total).toBeLessThan(0.13);
    expect(randomTokens.size).toBeGreaterThan(25);
    tf.dispose([tensor, result.inputs, result.labels, result.weights]);
  });

  it('is reproducible for a seed, differs across seeds and across identical rows', () => {
    const row = Array.from({ length: 40 }, (_, position) => 4 + (position % 40));
    const tensor = tf.tensor2d([row, row, row, row], [4, 40], 'int32');
    const first = maskTokens(tensor, 3, options);
    const again = maskTokens(tensor, 3, options);
    const other = maskTokens(tensor, 4, options);
    const weights = rows(first.weights);
    expect(rows(again.inputs)).toEqual(rows(first.inputs));
    expect(rows(again.weights)).toEqual(weights);
    expect(rows(other.weights)).not.toEqual(weights);
    expect(new Set(weights.map((line) => JSON.stringify(line))).size).toBe(4);
    tf.dispose(
      [tensor, first, again, other].flatMap((item) =>
        item instanceof tf.Tensor ? [item] : Object.values(item),
      ),
    );
  });

  it('respects maxPredictions and selects one position in a short sequence', () => {
    const tensor = tf.tensor2d(
      [
        [
          1, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31,
          2,
        ],
        [1, 10, 2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0],
      ],
      [2, 24],
      'int32',
    );
    const result = maskTokens(tensor, 1, { ...options, maxPredictions: 2 });
    const weights = rows(result.weights);
    expect(weights[0]!.reduce((sum, weight) => sum + weight, 0)).toBe(2);
    expect(weights[1]!.reduce((sum, weight) => sum + weight, 0)).toBe(1);
    expect(weights[1]![1]).toBe(1);
    tf.dispose([tensor, result.inputs, result.labels, result.weights]);
  });

  it('takes its options from a tokenizer and rejects bad input with a fix', () => {
    const tokenizer: TokenizerV1 = {
      specificationVersion: 'v1',
      vocabularySize: 30,
      specialTokens: { padding: 0, classification: 1, separator: 2, mask: 3, unknown: 4 },
      encode: () => [],
      decode: () => '',
      idToToken: () => undefined,
      tokenToId: () => undefined,
    };
    const fromTokenizer = tokenMaskingOptionsFromTokenizer(tokenizer, { protectedIds: [29] });
    expect(fromTokenizer.maskId).toBe(3);
    expect(fromTokenizer.vocabularySize).toBe(30);
    expect([...(fromTokenizer.protectedIds ?? [])].sort((a, b) => a - b)).toEqual([
      0, 1, 2, 3, 4, 29,
    ]);
    expect(() =>
      tokenMaskingOptionsFromTokenizer({ ...tokenizer, specialTokens: { padding: 0 } }),
    ).toThrow(/no mask token/);
    const floats = tf.zeros([2, 3]) as tf.Tensor2D;
    expect(() => maskTokens(floats, 1, options)).toThrow(/int32/);
    const ids = tf.zeros([2, 3], 'int32') as tf.Tensor2D;
    expect(() => maskTokens(ids, 1, { ...options, maskId: 99 })).toThrow(/maskId/);
    expect(() => maskTokens(ids, 1, { ...options, maskTokenProbability: 0.95 })).toThrow(/≤ 1/);
    tf.dispose([floats, ids]);
  });

  it('leaks no tensor', async () => {
    const { tensor } = makeBatch(4, 16, 3);
    await expectNoTensorLeak(() => {
      const result = maskTokens(tensor, 1, options);
      tf.dispose([result.inputs, result.labels, result.weights]);
    });
    tensor.dispose();
  });
});
