import { SeededRandom } from '@selfsup/core';
import * as tf from '@tensorflow/tfjs';
import { randomNormalTensor } from '../measure/random-tensors';
import { median } from './median';

/** What {@link measureMatMulCeiling} measured. */
export type MatMulCeiling = {
  /** The square size n of the n×n · n×n product. */
  readonly size: number;
  /** Median milliseconds per product. */
  readonly msPerProduct: number;
  /** 2·n³ / time, in GFLOP/s. */
  readonly gflops: number;
};

/**
 * Measures the plain 2-D matMul rate of the current backend: the ceiling the training steps'
 * achieved GFLOP/s are compared to.
 *
 * @param size n, the product is n×n · n×n.
 * @param repeats timed products (after 3 warm-up products).
 * @default size 512, repeats 10
 * @returns the median time and GFLOP/s.
 * @example const { gflops } = measureMatMulCeiling();
 */
export function measureMatMulCeiling(size = 512, repeats = 10): MatMulCeiling {
  const random = new SeededRandom(size);
  const left = randomNormalTensor([size, size], 1, random);
  const right = randomNormalTensor([size, size], 1, random);
  const times: number[] = [];
  try {
    for (let i = 0; i < 3 + repeats; i++) {
      const start = performance.now();
      const product = tf.matMul(left as tf.Tensor2D, right as tf.Tensor2D);
      product.dataSync();
      const elapsed = performance.now() - start;
      product.dispose();
      if (i >= 3) times.push(elapsed);
    }
  } finally {
    left.dispose();
    right.dispose();
  }
  const msPerProduct = median(times);
  return { size, msPerProduct, gflops: (2 * size ** 3) / (msPerProduct * 1e6) };
}
