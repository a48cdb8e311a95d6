import { describe, expect, it } from 'vitest';
import type { SimclrConvNetConfig } from '../workloads/workload-configs';
import { simclrStepFlops } from './simclr-step-flops';

/** Multiply-adds of each forward layer, counted per output element. */
function forwardMultiplyAdds(config: SimclrConvNetConfig, batch: number): number {
  const {
    imageSize: S,
    channels,
    filters,
    representationSize,
    projectionHiddenSize,
    projectionSize,
  } = config;
  let total = 0;
  let size = S;
  let depth = channels;
  for (const filterCount of filters) {
    const outputs = batch * size * size * filterCount; // 'same' padding keeps the size
    total += outputs * 3 * 3 * depth;
    depth = filterCount;
    size /= 2; // max-pool 2
  }
  let width = size * size * depth;
  for (const next of [representationSize, projectionHiddenSize, projectionSize]) {
    total += batch * next * width;
    width = next;
  }
  total += batch * batch * projectionSize; // similarity matrix
  return total;
}

describe('simclrStepFlops', () => {
  it('is 3 × 2 × the forward multiply-adds counted layer by layer', () => {
    const bench: SimclrConvNetConfig = {
      imageSize: 28,
      channels: 1,
      filters: [32, 64],
      representationSize: 128,
      projectionHiddenSize: 128,
      projectionSize: 64,
    };
    const tiny: SimclrConvNetConfig = {
      imageSize: 8,
      channels: 3,
      filters: [4, 8],
      representationSize: 16,
      projectionHiddenSize: 12,
      projectionSize: 8,
    };
    for (const [config, batch] of [
      [bench, 256],
      [tiny, 6],
    ] as const) {
      expect(simclrStepFlops(config, batch)).toBe(3 * 2 * forwardMultiplyAdds(config, batch));
    }
  });
});
