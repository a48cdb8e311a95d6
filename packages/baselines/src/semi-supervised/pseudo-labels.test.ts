import { initBackend } from '@selfsup/core';
import { expectNoTensorLeak } from '@selfsup/core/test';
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { fixMatchMask } from './fix-match-mask';
import { selectPseudoLabels } from './pseudo-labels';

const probabilities = [
  [0.97, 0.02, 0.01],
  [0.1, 0.85, 0.05],
  [0.0, 0.05, 0.95],
  [0.4, 0.3, 0.3],
];

describe('pseudo-label selection and the FixMatch mask', () => {
  beforeAll(async () => {
    await initBackend({ backend: 'wasm', quiet: true });
  });

  it('keeps the arg-max class where the largest probability reaches the threshold (≥), without leaks', async () => {
    await expectNoTensorLeak(() => {
      const input = tf.tensor2d(probabilities);
      for (const threshold of [0.95, 0.8, 0.5, 0]) {
        const { labels, mask, confidence } = selectPseudoLabels(input, threshold);
        const expectedMask = probabilities.map((row) => (Math.max(...row) >= threshold ? 1 : 0));
        expect(Array.from(labels.dataSync())).toEqual(
          probabilities.map((row) => row.indexOf(Math.max(...row))),
        );
        expect(labels.dtype).toBe('int32');
        expect(Array.from(mask.dataSync())).toEqual(expectedMask);
        Array.from(confidence.dataSync()).forEach((value, i) => {
          expect(value).toBeCloseTo(Math.max(...probabilities[i]!), 6);
        });
        tf.dispose([labels, mask, confidence]);
      }
      input.dispose();
    });
  });

  it('fixMatchMask is 1(max q ≥ τ) and defaults to τ = 0.95', async () => {
    await expectNoTensorLeak(() => {
      const input = tf.tensor2d(probabilities);
      const byDefault = fixMatchMask(input);
      expect(Array.from(byDefault.dataSync())).toEqual([1, 0, 1, 0]);
      const loose = fixMatchMask(input, 0.85);
      expect(Array.from(loose.dataSync())).toEqual([1, 1, 1, 0]);
      expect(loose.dtype).toBe('float32');
      tf.dispose([input, byDefault, loose]);
    });
  });

  it('names the problem of a threshold outside [0, 1]', () => {
    const input = tf.tensor2d(probabilities);
    expect(() => selectPseudoLabels(input, 1.5)).toThrow(/threshold is a probability/);
    expect(() => fixMatchMask(input, -0.1)).toThrow(/threshold is a probability/);
    input.dispose();
  });
});
