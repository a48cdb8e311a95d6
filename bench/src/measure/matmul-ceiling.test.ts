import { initBackend } from '@selfsup/core';
import { expectNoTensorLeak } from '@selfsup/core/test';
import { beforeAll, describe, expect, it } from 'vitest';
import { measureMatMulCeiling } from './matmul-ceiling';

describe('measureMatMulCeiling', () => {
  beforeAll(async () => {
    await initBackend({ backend: 'wasm' });
  });

  it('reports 2·n³ FLOPs over the median product time, and leaks no tensors', async () => {
    await expectNoTensorLeak(() => {
      const ceiling = measureMatMulCeiling(64, 3);
      expect(ceiling.size).toBe(64);
      expect(ceiling.msPerProduct).toBeGreaterThan(0);
      expect(ceiling.gflops).toBeCloseTo((2 * 64 ** 3) / (ceiling.msPerProduct * 1e6), 10);
    });
  });
});
