import { initBackend } from '@selfsup/core';
import { expectNoTensorLeak } from '@selfsup/core/test';
import { beforeAll, describe, expect, it } from 'vitest';
import { contextualSpread } from './contextual-spread';
import { createElmo } from './elmo-bi-lm';
import { createElmoStaticEncoder } from './elmo-static-encoder';

describe('contextualSpread (wasm)', () => {
  beforeAll(async () => {
    await initBackend({ backend: 'wasm', quiet: true });
  });

  it('gives a static embedding one vector per word and ELMo a different vector per context', async () => {
    const elmo = createElmo({ vocabularySize: 20, size: 8, seed: 6 });
    const word = 5;
    const sequences = [
      [1, 2, word, 3],
      [9, word, 12, 14, 2],
      [word, 17, 18],
      [4, 4, 4, 19, word, word],
      [7, 8],
    ];
    await expectNoTensorLeak(() => {
      const contextual = contextualSpread({ encoder: elmo, sequences, tokenId: word });
      expect(contextual.occurrences).toBe(5);
      expect(contextual.contexts).toBe(4);
      expect(contextual.meanCosine).toBeLessThan(0.999);
      expect(contextual.spread).toBeGreaterThan(0.001);
      expect(contextual.minimumCosine).toBeLessThanOrEqual(contextual.meanCosine);
      const fixed = contextualSpread({
        encoder: createElmoStaticEncoder(elmo),
        sequences,
        tokenId: word,
        maximumOccurrences: 3,
      });
      expect(fixed.occurrences).toBe(3);
      expect(fixed.meanCosine).toBeCloseTo(1, 5);
      expect(fixed.standardDeviation).toBeCloseTo(0, 5);
    });
    expect(() => contextualSpread({ encoder: elmo, sequences, tokenId: 13 })).toThrow(
      /occurs 0 time/,
    );
    elmo.dispose();
  });
});
