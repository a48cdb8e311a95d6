import { initBackend } from '@selfsup/core';
import { computeOnBackends, expectNoTensorLeak, expectTensorsClose } from '@selfsup/core/test';
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { alignment, uniformity } from './alignment-uniformity';

function unit(row: number[]): number[] {
  const norm = Math.hypot(...row);
  return row.map((value) => value / norm);
}

/** Wang & Isola's definitions in plain JS (their PyTorch reference, line by line). */
function referenceAlignment(z1: number[][], z2: number[][], alpha: number): number {
  const terms = z1.map((row, i) => {
    const a = unit(row);
    const b = unit(z2[i]!);
    return Math.hypot(...a.map((value, k) => value - b[k]!)) ** alpha;
  });
  return terms.reduce((sum, value) => sum + value, 0) / terms.length;
}

function referenceUniformity(z: number[][], t: number): number {
  const rows = z.map(unit);
  let sum = 0;
  let pairs = 0;
  for (let i = 0; i < rows.length; i++) {
    for (let j = i + 1; j < rows.length; j++) {
      const squared = rows[i]!.reduce((total, value, k) => total + (value - rows[j]![k]!) ** 2, 0);
      sum += Math.exp(-t * squared);
      pairs++;
    }
  }
  return Math.log(sum / pairs);
}

const z1 = [
  [1, 0.2, -0.5],
  [0.1, 1, 0.3],
  [-0.7, 0.4, 1],
  [2, 0, 0],
];
const z2 = [
  [0.9, 0.1, -0.4],
  [0.2, 0.8, 0.5],
  [-0.5, 0.3, 0.9],
  [0, 0, -3],
];

function value(run: () => tf.Scalar): number {
  const result = run();
  const number = result.dataSync()[0]!;
  result.dispose();
  return number;
}

describe('alignment and uniformity (Wang & Isola 2020)', () => {
  beforeAll(async () => {
    await initBackend({ backend: 'wasm', quiet: true });
  });

  it('equal hand-computed values on tiny inputs', () => {
    // Orthogonal unit pairs: ‖a − b‖ = √2, so α = 2 gives 2 and α = 1 gives √2.
    const a = tf.tensor2d([
      [1, 0],
      [0, 1],
    ]);
    const b = tf.tensor2d([
      [0, 1],
      [1, 0],
    ]);
    expect(value(() => alignment(a, b))).toBeCloseTo(2, 6);
    expect(value(() => alignment(a, b, 1))).toBeCloseTo(Math.SQRT2, 6);
    // Rows are normalised first: (3, 4) and (4, 3) become (0.6, 0.8) and (0.8, 0.6): 0.04 + 0.04.
    const c = tf.tensor2d([[3, 4]]);
    const d = tf.tensor2d([[4, 3]]);
    expect(value(() => alignment(c, d))).toBeCloseTo(0.08, 6);
    // Three points e₁, e₂, −e₁: squared distances 2, 4, 2 over the 3 pairs.
    const e = tf.tensor2d([
      [1, 0],
      [0, 1],
      [-1, 0],
    ]);
    const expected = Math.log((Math.exp(-4) + Math.exp(-8) + Math.exp(-4)) / 3);
    expect(value(() => uniformity(e))).toBeCloseTo(expected, 5);
    expect(value(() => uniformity(e, 1))).toBeCloseTo(
      Math.log((Math.exp(-2) + Math.exp(-4) + Math.exp(-2)) / 3),
      5,
    );
    tf.dispose([a, b, c, d, e]);
  });

  it('equal the paper formulas on random-ish rows, for several α and t', () => {
    const a = tf.tensor2d(z1);
    const b = tf.tensor2d(z2);
    for (const alpha of [1, 2, 3]) {
      expect(value(() => alignment(a, b, alpha))).toBeCloseTo(referenceAlignment(z1, z2, alpha), 5);
    }
    const all = [...z1, ...z2];
    const stacked = tf.tensor2d(all);
    for (const t of [0.5, 2, 5]) {
      expect(value(() => uniformity(stacked, t))).toBeCloseTo(referenceUniformity(all, t), 5);
    }
    tf.dispose([a, b, stacked]);
  });

  it('give 0 alignment for identical pairs and 0 uniformity (its maximum) for collapsed embeddings', () => {
    const a = tf.tensor2d(z1);
    const scaled = tf.mul(a, 3) as tf.Tensor2D;
    expect(value(() => alignment(a, a))).toBe(0);
    // Same direction, other norm: identical after normalisation.
    expect(value(() => alignment(a, scaled, 1))).toBeCloseTo(0, 6);
    const collapsed = tf.tensor2d(Array.from({ length: 6 }, () => [0.3, -1, 2]));
    expect(value(() => uniformity(collapsed))).toBeCloseTo(0, 6);
    // Any spread lowers it.
    expect(value(() => uniformity(a))).toBeLessThan(-0.1);
    tf.dispose([a, scaled, collapsed]);
  });

  it('have finite gradients equal on wasm and cpu, and leak nothing', async () => {
    const { reference, actual } = await computeOnBackends(() => {
      const a = tf.tensor2d(z1);
      const b = tf.tensor2d(z2);
      const gradients = tf.grads((x: tf.Tensor, y: tf.Tensor) =>
        tf.add(
          alignment(x as tf.Tensor2D, y as tf.Tensor2D),
          tf.div(tf.add(uniformity(x as tf.Tensor2D), uniformity(y as tf.Tensor2D)), 2),
        ),
      )([a, b]);
      // Identical pairs with α = 1: the gradient must stay finite.
      const atZero = tf.grad((x: tf.Tensor) => alignment(x as tf.Tensor2D, tf.tensor2d(z1), 1))(a);
      return [...gradients, atZero];
    });
    for (let i = 0; i < 3; i++) {
      expect(actual[i]!.every(Number.isFinite)).toBe(true);
      expectTensorsClose(actual[i]!, reference[i]!);
    }
    const a = tf.tensor2d(z1);
    const b = tf.tensor2d(z2);
    await expectNoTensorLeak(() => {
      tf.dispose([alignment(a, b), alignment(a, b, 1), uniformity(a), uniformity(b, 0.5)]);
    });
    tf.dispose([a, b]);
  });

  it('refuse bad input with the reason', () => {
    const a = tf.zeros([4, 3]) as tf.Tensor2D;
    const b = tf.zeros([3, 3]) as tf.Tensor2D;
    const one = tf.zeros([1, 3]) as tf.Tensor2D;
    const cube = tf.zeros([2, 2, 2]) as unknown as tf.Tensor2D;
    expect(() => alignment(a, b)).toThrow(/of one shape/);
    expect(() => alignment(a, a, 0)).toThrow(/alpha must be/);
    expect(() => uniformity(one)).toThrow(/at least 2 embeddings/);
    expect(() => uniformity(a, -1)).toThrow(/t must be/);
    expect(() => uniformity(cube)).toThrow(/\[N, D\]/);
    tf.dispose([a, b, one, cube]);
  });
});
