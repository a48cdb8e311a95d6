import { describe, expect, it } from 'vitest';
import type { GptConfig } from '../workloads/workload-configs';
import { gptStepFlops } from './gpt-step-flops';

/** Lists the forward pass's matrix products [m, k, n] one by one, as the model computes them. */
function forwardProducts(config: GptConfig, batch: number): [number, number, number][] {
  const { vocabularySize: V, blockSize: T, layers, heads, dimensions: C } = config;
  const N = batch * T;
  const headSize = C / heads;
  const products: [number, number, number][] = [];
  for (let layer = 0; layer < layers; layer++) {
    products.push([N, C, 3 * C]); // query, key, value
    for (let head = 0; head < batch * heads; head++) {
      products.push([T, headSize, T]); // Q·Kᵀ
      products.push([T, T, headSize]); // softmax(·)·V
    }
    products.push([N, C, C]); // attention output
    products.push([N, C, 4 * C]); // MLP in
    products.push([N, 4 * C, C]); // MLP out
  }
  products.push([N, C, V]); // tied output head
  return products;
}

describe('gptStepFlops', () => {
  it('is 3× the forward products counted one by one', () => {
    for (const [config, batch] of [
      [{ vocabularySize: 65, blockSize: 64, layers: 4, heads: 4, dimensions: 128 }, 12],
      [{ vocabularySize: 11, blockSize: 8, layers: 2, heads: 2, dimensions: 16 }, 3],
    ] as const) {
      const forward = forwardProducts(config, batch).reduce(
        (total, [m, k, n]) => total + 2 * m * k * n,
        0,
      );
      expect(gptStepFlops(config, batch)).toBe(3 * forward);
    }
  });

  it('is about 4 GFLOP for the nanoGPT CPU step (the figure measured in the wasm notes)', () => {
    const flops = gptStepFlops(
      { vocabularySize: 65, blockSize: 64, layers: 4, heads: 4, dimensions: 128 },
      12,
    );
    expect(flops / 1e9).toBeGreaterThan(3.9);
    expect(flops / 1e9).toBeLessThan(4.1);
  });
});
