import { describe, expect, it } from 'vitest';
import { bertStepFlops } from './bert-step-flops';
import {
  convNetForwardFlops,
  gptGenerationFlops,
  transformerForwardFlops,
} from './inference-flops';
import { maeStepFlops } from './mae-step-flops';
import { wavenetStepFlops } from './wavenet-step-flops';

type Product = [number, number, number];
const total = (products: readonly Product[]): number =>
  products.reduce((sum, [m, k, n]) => sum + 2 * m * k * n, 0);

/** The products of `layers` Transformer blocks on `batch` sequences of `length`, one by one. */
function blockProducts(layers: number, batch: number, length: number, width: number): Product[] {
  const products: Product[] = [];
  for (let layer = 0; layer < layers; layer++) {
    const rows = batch * length;
    products.push([rows, width, 3 * width], [rows, width, width]);
    products.push([rows, width, 4 * width], [rows, 4 * width, width]);
    for (let sequence = 0; sequence < batch; sequence++)
      products.push([length, width, length], [length, length, width]);
  }
  return products;
}

describe('FLOP counts of the issue-10 workloads', () => {
  it('BERT: blocks plus the MLM head on the predicted positions, ×3', () => {
    const [B, T, L, C, V, M] = [16, 128, 4, 128, 6000, 19];
    const products = [
      ...blockProducts(L, B, T, C),
      [B * M, C, C] as Product,
      [B * M, C, V] as Product,
    ];
    expect(
      bertStepFlops({
        batchSize: B,
        sequenceLength: T,
        layers: L,
        dimensions: C,
        vocabularySize: V,
        predictionsPerSequence: M,
      }),
    ).toBe(3 * total(products));
  });

  it('MAE: visible patches through the encoder, every position through the decoder, ×3', () => {
    // 28×28, patch 4: 49 patches, 12 visible at 0.75, plus [CLS].
    const [B, D, Dd, P] = [64, 64, 64, 16];
    const products: Product[] = [
      [B * 12, P, D],
      ...blockProducts(4, B, 13, D),
      [B * 13, D, Dd],
      ...blockProducts(2, B, 50, Dd),
      [B * 50, Dd, P],
    ];
    expect(
      maeStepFlops({
        batchSize: B,
        imageSize: 28,
        channels: 1,
        patchSize: 4,
        layers: 4,
        dimensions: D,
        decoderLayers: 2,
        decoderDimensions: Dd,
        maskRatio: 0.75,
        classToken: true,
      }),
    ).toBe(3 * total(products));
  });

  it('WaveNet: input conv, per-tap filter and gate, residual and skip, head, ×3', () => {
    const [N, L, C, S, Q] = [4 * 4096, 10, 32, 64, 256];
    const products: Product[] = [[N, 2, C]];
    for (let layer = 0; layer < L; layer++) {
      for (let tap = 0; tap < 2; tap++) products.push([N, C, C], [N, C, C]);
      if (layer < L - 1) products.push([N, C, C]);
      products.push([N, C, S]);
    }
    products.push([N, S, S], [N, S, Q]);
    expect(
      wavenetStepFlops({
        batchSize: 4,
        length: 4096,
        layers: L,
        channels: C,
        skipChannels: S,
        kernelSize: 2,
        levels: Q,
      }),
    ).toBe(3 * total(products));
  });

  it('generation: the cache turns each token into one position', () => {
    const shape = { layers: 2, dimensions: 16, vocabularySize: 11 };
    const uncached = [5, 6, 7].reduce(
      (sum, t) => sum + transformerForwardFlops(shape, 1, t) + 2 * 16 * 11,
      0,
    );
    expect(gptGenerationFlops(shape, 5, 3, false)).toBe(uncached);
    const cached =
      transformerForwardFlops(shape, 1, 5) +
      3 * 2 * 16 * 11 +
      [6, 7].reduce((sum, t) => sum + 2 * (24 * 16 ** 2 + 4 * t * 16), 0);
    expect(gptGenerationFlops(shape, 5, 3, true)).toBe(cached);
    expect(total(blockProducts(2, 3, 5, 16))).toBe(transformerForwardFlops(shape, 3, 5));
  });

  it('ConvNet encode: two 3×3 conv blocks and the dense layer', () => {
    const products: Product[] = [
      [256 * 28 * 28, 9, 32],
      [256 * 14 * 14, 9 * 32, 64],
      [256, 7 * 7 * 64, 128],
    ];
    expect(
      convNetForwardFlops({ imageSize: 28, channels: 1, filters: [32, 64], outputSize: 128 }, 256),
    ).toBe(total(products));
  });
});
