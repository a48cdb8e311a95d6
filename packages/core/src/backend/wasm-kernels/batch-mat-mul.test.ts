import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../init-backend';
import { expectNoLeak, expectWasmMatchesCpu, seededNormal } from './kernel-test-helpers';

describe('BatchMatMul on wasm', () => {
  beforeAll(async () => {
    await initBackend({ backend: 'wasm', quiet: true });
  });

  const combos: Array<[boolean, boolean]> = [
    [false, false],
    [true, false],
    [false, true],
    [true, true],
  ];

  it.each(combos)(
    '2-D matMul with transposeA=%s transposeB=%s matches cpu, forward and gradients',
    async (transposeA, transposeB) => {
      await expectWasmMatchesCpu(`2-D ${transposeA} ${transposeB}`, () => {
        const a = seededNormal(transposeA ? [5, 3] : [3, 5], 1);
        const b = seededNormal(transposeB ? [4, 5] : [5, 4], 2);
        const product = (x: tf.Tensor, y: tf.Tensor) => tf.matMul(x, y, transposeA, transposeB);
        const gradients = tf.grads((x: tf.Tensor, y: tf.Tensor) => product(x, y).square().sum())([
          a,
          b,
        ]);
        return [product(a, b), ...gradients];
      });
    },
  );

  it.each(combos)(
    '3-D batched matMul with transposeA=%s transposeB=%s matches cpu with gradients',
    async (transposeA, transposeB) => {
      await expectWasmMatchesCpu(`3-D ${transposeA} ${transposeB}`, () => {
        const a = seededNormal(transposeA ? [3, 5, 2] : [3, 2, 5], 3);
        const b = seededNormal(transposeB ? [3, 4, 5] : [3, 5, 4], 4);
        const gradients = tf.grads((x: tf.Tensor, y: tf.Tensor) =>
          tf.matMul(x, y, transposeA, transposeB).square().sum(),
        )([a, b]);
        return [tf.matMul(a, b, transposeA, transposeB), ...gradients];
      });
    },
  );

  it('4-D attention products (q·kᵀ, p·v) match cpu with gradients', async () => {
    await expectWasmMatchesCpu('attention', () => {
      const q = seededNormal([2, 3, 4, 5], 5);
      const k = seededNormal([2, 3, 4, 5], 6);
      const v = seededNormal([2, 3, 4, 5], 7);
      const attend = (query: tf.Tensor, key: tf.Tensor, value: tf.Tensor) =>
        tf.matMul(tf.softmax(tf.matMul(query, key, false, true)), value);
      return [
        attend(q, k, v),
        ...tf.grads((a: tf.Tensor, b: tf.Tensor, c: tf.Tensor) => attend(a, b, c).square().sum())([
          q,
          k,
          v,
        ]),
      ];
    });
  });

  it('runs tile-aligned per-head attention products (SIMD kernel) like cpu, with gradients', async () => {
    // [2, 3] heads of [8, 4]·[4, 16]-style products: m % 4 = 0, n % 8 = 0 take the SIMD GEMM.
    await expectWasmMatchesCpu('simd attention', () => {
      const q = seededNormal([2, 3, 16, 8], 23);
      const k = seededNormal([2, 3, 16, 8], 24);
      const v = seededNormal([2, 3, 16, 8], 25);
      const attend = (query: tf.Tensor, key: tf.Tensor, value: tf.Tensor) =>
        tf.matMul(tf.softmax(tf.matMul(query, key, false, true)), value);
      return [
        attend(q, k, v),
        tf.matMul(q, k, true, false),
        tf.matMul(q, seededNormal([2, 3, 8, 16], 34), true, true),
        ...tf.grads((a: tf.Tensor, b: tf.Tensor, c: tf.Tensor) => attend(a, b, c).square().sum())([
          q,
          k,
          v,
        ]),
      ];
    });
    await expectWasmMatchesCpu('simd broadcast and k = 1', () => [
      tf.matMul(seededNormal([3, 2, 12, 5], 26), seededNormal([2, 5, 24], 27)),
      tf.matMul(seededNormal([4, 8, 1], 28), seededNormal([4, 1, 8], 29)),
      // Too large for the SIMD kernel: XNNPACK per item.
      tf.matMul(seededNormal([2, 4, 136], 30), seededNormal([2, 136, 8], 31)),
    ]);
    await expectNoLeak(() => {
      const a = seededNormal([2, 8, 4], 32);
      const b = seededNormal([2, 4, 16], 33);
      return [
        tf.matMul(a, b),
        ...tf.grads((x: tf.Tensor, y: tf.Tensor) => tf.matMul(x, y).square().sum())([a, b]),
      ];
    });
  });

  it('broadcasts batch dims: 3-D × 2-D, 2-D × 3-D, and [2,1] × [1,3]', async () => {
    await expectWasmMatchesCpu('3-D x 2-D', () => [
      tf.matMul(seededNormal([2, 3, 4], 8), seededNormal([4, 5], 9)),
      tf.matMul(seededNormal([2, 4, 3], 8), seededNormal([5, 4], 9), true, true),
    ]);
    await expectWasmMatchesCpu('2-D x 3-D', () => [
      tf.matMul(seededNormal([3, 4], 10), seededNormal([2, 4, 5], 11)),
    ]);
    // tfjs-cpu mishandles batch dims that broadcast both ways, so its reference gets explicit copies.
    await expectWasmMatchesCpu('[2,1] x [1,3]', () => {
      const a = seededNormal([2, 1, 3, 4], 12);
      const b = seededNormal([1, 3, 5, 4], 13);
      if (tf.getBackend() === 'cpu')
        return [
          tf.matMul(tf.broadcastTo(a, [2, 3, 3, 4]), tf.broadcastTo(b, [2, 3, 5, 4]), false, true),
        ];
      return [tf.matMul(a, b, false, true)];
    });
  });

  it('gradients of a dense layer on 2-D input (dY·Wᵀ, Xᵀ·dY) match cpu', async () => {
    await expectWasmMatchesCpu('dense', () => {
      const x = seededNormal([6, 4], 14);
      const w = seededNormal([4, 3], 15);
      return tf.grads((input: tf.Tensor, weights: tf.Tensor) =>
        tf.relu(tf.matMul(input, weights)).sum(),
      )([x, w]);
    });
  });

  it('computes aᵀ·b for a small a and a wide b as (bᵀ·a)ᵀ like cpu, with gradients', async () => {
    // [40, 8]ᵀ · [40, 64]: packing the 8-wide a is cheaper than the 64-wide b.
    await expectWasmMatchesCpu('flipped aᵀ·b', () => {
      const a = seededNormal([40, 8], 11);
      const b = seededNormal([40, 64], 12);
      const bTransposed = seededNormal([64, 40], 13);
      return [
        tf.matMul(a, b, true, false),
        tf.matMul(a, bTransposed, true, true),
        tf.matMul(a.reshape([1, 40, 8]), b.reshape([1, 40, 64]), true, false),
        ...tf.grads((x: tf.Tensor, w: tf.Tensor) => tf.matMul(x, w, true, false).square().sum())([
          a,
          b,
        ]),
      ];
    });
    await expectNoLeak(() => [
      tf.matMul(seededNormal([40, 8], 14), seededNormal([40, 64], 15), true, false),
      tf.matMul(seededNormal([40, 8], 16), seededNormal([64, 40], 17), true, true),
    ]);
  });

  it('handles empty and K = 0 products', async () => {
    const empty = tf.matMul(tf.zeros([0, 3]), tf.ones([3, 2]));
    expect(empty.shape).toEqual([0, 2]);
    const zeroInner = tf.matMul(tf.ones([2, 0]), tf.ones([0, 3]));
    expect(Array.from(zeroInner.dataSync())).toEqual([0, 0, 0, 0, 0, 0]);
    tf.dispose([empty, zeroInner]);
  });

  it('rejects mismatched inner dimensions and non-float inputs with a clear message', () => {
    const run = (name: string, inputs: Record<string, tf.Tensor>, attrs: Record<string, boolean>) =>
      tf.tidy(() => tf.engine().runKernel(name, inputs, attrs));
    expect(() =>
      run(
        'BatchMatMul',
        { a: tf.ones([2, 3]), b: tf.ones([4, 2]) },
        { transposeA: false, transposeB: false },
      ),
    ).toThrow(/inner shapes \(3\) and \(4\)/);
    expect(() =>
      run(
        'BatchMatMul',
        { a: tf.ones([2, 2], 'int32'), b: tf.ones([2, 2], 'int32') },
        { transposeA: false, transposeB: false },
      ),
    ).toThrow(/float32 only/);
  });

  it('leaks no tensors or backend data, forward and backward', async () => {
    await expectNoLeak(() => {
      const a = seededNormal([2, 3, 4], 16);
      const b = seededNormal([2, 5, 4], 17);
      const c = seededNormal([2, 3, 5], 18);
      return [
        tf.matMul(a, b, false, true),
        ...tf.grads((x: tf.Tensor, y: tf.Tensor) => tf.matMul(x, y, true, false).sum())([a, c]),
      ];
    });
  });

  it('reuses the same weights across calls correctly (XNNPACK operator cache)', async () => {
    await expectWasmMatchesCpu('weight reuse', () => {
      const w = seededNormal([4, 6], 22);
      const first = tf.matMul(seededNormal([3, 4], 19), w);
      const second = tf.matMul(seededNormal([5, 4], 20), w);
      const reshaped = tf.matMul(seededNormal([2, 6], 21), w.reshape([6, 4]));
      return [first, second, reshaped];
    });
  });
  it.each(combos)(
    'tile-aligned products on the SIMD GEMM (depth over one block) with transposeA=%s transposeB=%s match cpu with gradients',
    async (transposeA, transposeB) => {
      await expectWasmMatchesCpu(`SIMD GEMM ${transposeA} ${transposeB}`, () => {
        // m = 8, k = 150 (two full depth blocks and a remainder), n = 16; 2-D and batched.
        const a = seededNormal(transposeA ? [2, 150, 8] : [2, 8, 150], 11);
        const b = seededNormal(transposeB ? [2, 16, 150] : [2, 150, 16], 12);
        const weights = seededNormal([2, 8, 16], 13);
        // A weighted sum (not a square): gradients without cancellation of large terms.
        const loss = (x: tf.Tensor, y: tf.Tensor) =>
          tf.matMul(x, y, transposeA, transposeB).mul(weights).sum();
        const a2 = seededNormal(transposeA ? [150, 8] : [8, 150], 14);
        const b2 = seededNormal(transposeB ? [16, 150] : [150, 16], 15);
        return [
          tf.matMul(a, b, transposeA, transposeB),
          ...tf.grads(loss)([a, b]),
          tf.matMul(a2, b2, transposeA, transposeB),
          // b shared by every item of a (broadcast), forward only (tfjs has no such gradient).
          tf.matMul(a, b2, transposeA, transposeB),
        ];
      });
    },
  );

  it('fuses a bias into the SIMD GEMM like cpu, and leaks nothing', async () => {
    await expectWasmMatchesCpu('SIMD GEMM bias', () => {
      const a = seededNormal([12, 200], 13);
      const b = seededNormal([200, 24], 14);
      const bias = seededNormal([24], 15);
      const fused = (x: tf.Tensor, y: tf.Tensor, z: tf.Tensor) =>
        tf.fused.matMul({ a: x as tf.Tensor2D, b: y as tf.Tensor2D, bias: z });
      const weights = seededNormal([12, 24], 16);
      const gradients = tf.grads((x: tf.Tensor, y: tf.Tensor, z: tf.Tensor) =>
        fused(x, y, z).mul(weights).sum(),
      )([a, b, bias]);
      return [fused(a, b, bias), ...gradients];
    });
    await expectNoLeak(() => {
      const a = seededNormal([12, 200], 13);
      const b = seededNormal([200, 24], 14);
      return [
        tf.fused.matMul({ a: a as tf.Tensor2D, b: b as tf.Tensor2D, bias: seededNormal([24], 15) }),
        tf.matMul(a, b),
      ];
    });
  });
});
