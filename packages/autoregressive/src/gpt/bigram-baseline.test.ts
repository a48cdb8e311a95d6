import { describe, expect, it } from 'vitest';
import { bigramCrossEntropy } from './bigram-baseline';

describe('bigramCrossEntropy', () => {
  it('equals the count-based bigram loss computed by hand', () => {
    // Train pairs: (0,1) (1,0) (0,1) (1,1) (1,0); V = 2, add-one smoothing.
    const result = bigramCrossEntropy({
      train: [
        [0, 1, 0],
        [0, 1, 1, 0],
      ],
      test: [[0, 1, 1]],
      vocabularySize: 2,
    });
    // P(1|0) = (2+1)/(2+2) = 3/4, P(1|1) = (1+1)/(3+2) = 2/5.
    expect(result.tokens).toBe(2);
    expect(result.loss).toBeCloseTo(-(Math.log(3 / 4) + Math.log(2 / 5)) / 2, 12);
    const unsmoothed = bigramCrossEntropy({
      train: [[0, 1, 0]],
      test: [[0, 1, 0]],
      vocabularySize: 2,
      smoothing: 0,
    });
    expect(unsmoothed.loss).toBe(0);
    expect(() => bigramCrossEntropy({ train: [[0, 3]], test: [], vocabularySize: 2 })).toThrow(
      /outside/,
    );
  });
});
